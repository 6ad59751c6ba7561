import { defineEntity, p } from '@mikro-orm/core';
import { Category } from './Category.ts';
import { Department } from './Department.ts';
import { DECISIONS, ISSUE_TYPES, PRIORITIES, REVIEW_STATES } from './enums.ts';
import { MlModel } from './MlModel.ts';
import { Ticket } from './Ticket.ts';

export const AiPredictionSchema = defineEntity({
  name: 'AiPrediction',
  tableName: 'ai_predictions',
  indexes: [{ name: 'ai_predictions_created_idx', properties: ['createdAt'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    ticket: () => p.manyToOne(Ticket).inversedBy('predictions').deleteRule('cascade').index('ai_predictions_ticket_idx'),
    model: () => p.manyToOne(MlModel).inversedBy('predictions').nullable().index('ai_predictions_model_idx'),
    category: () => p.manyToOne(Category).nullable(),
    priority: p.enum(PRIORITIES).nativeEnumName('priority').nullable(),
    issueType: p.enum(ISSUE_TYPES).nativeEnumName('issue_type').nullable(),
    department: () => p.manyToOne(Department).nullable(),
    /** Confidence of the category head, the one the thresholds are compared with. */
    confidence: p.double(),
    /** Top-k labels with probabilities per head, and where rule-derived values came from. */
    scores: p.json<Record<string, unknown>>(),
    thresholds: p.json<Record<string, number>>(),
    decision: p.enum(DECISIONS).nativeEnumName('decision'),
    reason: p.text(),
    review: p.enum(REVIEW_STATES).nativeEnumName('review_state').default('pending'),
    correctedCategory: () => p.manyToOne(Category).nullable(),
    correctedDepartment: () => p.manyToOne(Department).nullable(),
    correctedPriority: p.enum(PRIORITIES).nativeEnumName('priority').nullable(),
    correctedIssueType: p.enum(ISSUE_TYPES).nativeEnumName('issue_type').nullable(),
    reviewedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export class AiPrediction extends AiPredictionSchema.class {}
AiPredictionSchema.setClass(AiPrediction);
