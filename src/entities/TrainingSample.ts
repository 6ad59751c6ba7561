import { defineEntity, p } from '@mikro-orm/core';
import { ISSUE_TYPES, LABEL_SOURCES, LANGUAGES, PRIORITIES } from './enums.ts';
import { Ticket } from './Ticket.ts';

export const TrainingSampleSchema = defineEntity({
  name: 'TrainingSample',
  tableName: 'training_samples',
  indexes: [{ name: 'training_samples_created_idx', properties: ['createdAt'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    text: p.text(),
    language: p.enum(LANGUAGES).nativeEnumName('language').nullable(),
    // Labels are names, not foreign keys: a sample keeps its meaning when a category is renamed
    // away or removed, and exports need no joins.
    category: p.string().length(120).nullable(),
    priority: p.enum(PRIORITIES).nativeEnumName('priority').nullable(),
    issueType: p.enum(ISSUE_TYPES).nativeEnumName('issue_type').nullable(),
    department: p.string().length(120).nullable(),
    labelSource: p.enum(LABEL_SOURCES).nativeEnumName('label_source'),
    ticket: () => p.manyToOne(Ticket).nullable().deleteRule('set null').index('training_samples_ticket_idx'),
    contentHash: p.string().length(64).unique('training_samples_content_hash_unique'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export class TrainingSample extends TrainingSampleSchema.class {}
TrainingSampleSchema.setClass(TrainingSample);
