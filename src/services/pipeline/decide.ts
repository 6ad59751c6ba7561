import type { Decision, IssueType, Language, Priority } from '../../entities/enums.ts';
import type { Prediction } from '../../ml/classifier.ts';
import { deriveIssueType, derivePriority, type DerivedValue, type HeadName } from '../classification/derive.ts';
import type { PipelineConfig } from './config.ts';
import { bestTemplate, stems, type TemplateCandidate, type TemplateMatch } from './resolver.ts';
import { chooseOperator, type OperatorLoad, type RoutingCandidate } from './router.ts';

export interface CategoryRef {
  id: string;
  name: string;
  defaultDepartmentId: string;
  defaultPriority: Priority;
}

export interface ReferenceData {
  categoriesByName: Map<string, CategoryRef>;
  departmentsByName: Map<string, { id: string; name: string }>;
  departmentNames: Map<string, string>;
  triageDepartmentId: string;
  /** Active templates by `${categoryId}/${language}`. */
  templates: Map<string, TemplateCandidate[]>;
}

export interface TicketInput {
  id: string;
  text: string;
  language: Language | null;
}

/** Everything a decision is made of; stored with the prediction and shown by `pipeline explain`. */
export interface DecisionRecord {
  decision: Decision;
  reason: string;
  categoryId: string | null;
  categoryName: string | null;
  confidence: number;
  departmentId: string | null;
  departmentSource: 'model' | 'category_default' | 'triage' | null;
  operatorId: string | null;
  priority: DerivedValue<Priority>;
  issueType: DerivedValue<IssueType>;
  template: { id: string; name: string; similarity: number; example: number } | null;
  routing: { candidates: RoutingCandidate[]; reason: string } | null;
  heads: Partial<Record<HeadName, Prediction>>;
}

/**
 * What a decision is made of before operator loads matter: the final decision for tickets that
 * are auto-resolved or escalated, else the department to route to. Computed before the operators
 * are locked, so that several processes hold that lock only for the routing and the writes.
 */
export interface Assessment {
  ticket: TicketInput;
  /** auto_resolved or escalated: nothing left to decide. */
  final: DecisionRecord | null;
  /** Otherwise: everything but the operator. */
  base: Omit<DecisionRecord, 'decision' | 'reason' | 'departmentId' | 'departmentSource' | 'operatorId' | 'routing'>;
  departmentId: string;
  departmentSource: 'model' | 'category_default';
  /** The category and department part of the reason. */
  why: string;
}

const pct = (p: number): string => `${(p * 100).toFixed(0)}%`;

/**
 * One ticket's decision, in the order the issue gives: auto-resolve when it is auto_resolvable,
 * a template of its category and language matches and the model is confident enough; escalate
 * when the model is unsure; otherwise route to a department and its least-loaded operator.
 * `operators` is updated by the caller after an assignment (recordAssignment).
 */
export function decide(
  ticket: TicketInput,
  heads: Partial<Record<HeadName, Prediction>>,
  reference: ReferenceData,
  operators: OperatorLoad[],
  config: PipelineConfig,
): DecisionRecord {
  return route(assess(ticket, heads, reference, config), operators);
}

/** The part of `decide` that does not depend on operator loads. */
export function assess(ticket: TicketInput, heads: Partial<Record<HeadName, Prediction>>, reference: ReferenceData, config: PipelineConfig): Assessment {
  const t = config.thresholds;
  const categoryHead = heads.category;
  const category = categoryHead ? reference.categoriesByName.get(categoryHead.label.toLowerCase()) ?? null : null;
  const confidence = category && categoryHead ? categoryHead.confidence : 0;

  let match: TemplateMatch | null = null;
  if (category && ticket.language) {
    const candidates = reference.templates.get(`${category.id}/${ticket.language}`) ?? [];
    if (candidates.length > 0) match = bestTemplate(stems(ticket.text), candidates);
  }
  const deriveInput = {
    text: ticket.text,
    heads,
    categoryDefaultPriority: category?.defaultPriority ?? null,
    templateMatch: match ? { name: match.template.name, similarity: match.similarity } : null,
    headThreshold: t.department,
    templateThreshold: t.templateMatch,
  };
  const priority = derivePriority(deriveInput);
  const issueType = deriveIssueType(deriveInput);
  const template = match ? { id: match.template.id, name: match.template.name, similarity: match.similarity, example: match.example } : null;
  const base = {
    categoryId: category?.id ?? null,
    categoryName: category?.name ?? null,
    confidence,
    priority,
    issueType,
    template,
    heads,
  };
  const assessment = (final: DecisionRecord | null, departmentId = '', departmentSource: Assessment['departmentSource'] = 'category_default', why = ''): Assessment => ({
    ticket,
    final,
    base,
    departmentId,
    departmentSource,
    why,
  });

  if (issueType.value === 'auto_resolvable' && match && match.similarity >= t.templateMatch && confidence >= t.autoResolve) {
    return assessment({
      ...base,
      decision: 'auto_resolved',
      reason: `auto_resolvable; template "${match.template.name}" matches ${pct(match.similarity)} (≥ ${pct(t.templateMatch)}); category ${category!.name} at ${pct(confidence)} ≥ ${pct(t.autoResolve)}`,
      departmentId: null,
      departmentSource: null,
      operatorId: null,
      routing: null,
    });
  }

  if (!category || confidence < t.escalate) {
    const why = !category
      ? categoryHead
        ? `predicted category "${categoryHead.label}" is not a known category`
        : 'the model has no category head'
      : `category ${category.name} at ${pct(confidence)} < escalation threshold ${pct(t.escalate)}`;
    return assessment({
      ...base,
      decision: 'escalated',
      reason: `${why}: escalated to ${reference.departmentNames.get(reference.triageDepartmentId)}`,
      departmentId: reference.triageDepartmentId,
      departmentSource: 'triage',
      operatorId: null,
      routing: null,
    });
  }

  const departmentHead = heads.department;
  const predictedDepartment = departmentHead ? reference.departmentsByName.get(departmentHead.label.toLowerCase()) : undefined;
  const useHead = departmentHead !== undefined && predictedDepartment !== undefined && departmentHead.confidence >= t.department;
  const departmentId = useHead ? predictedDepartment.id : category.defaultDepartmentId;
  const departmentName = reference.departmentNames.get(departmentId) ?? departmentId;
  const departmentWhy = useHead
    ? `department head ${departmentName} at ${pct(departmentHead.confidence)} ≥ ${pct(t.department)}`
    : `${departmentName}, the default of category ${category.name}` + (departmentHead ? ` (department head ${pct(departmentHead.confidence)} < ${pct(t.department)})` : '');
  return assessment(null, departmentId, useHead ? 'model' : 'category_default', `category ${category.name} at ${pct(confidence)}; ${departmentWhy}`);
}

/** The rest of `decide`: the least-loaded operator of the department, or its queue. */
export function route(assessment: Assessment, operators: OperatorLoad[]): DecisionRecord {
  if (assessment.final) return assessment.final;
  const routing = chooseOperator(operators, assessment.departmentId, assessment.ticket.language);
  const decision: Decision = routing.operatorId ? 'routed' : 'queued';
  return {
    ...assessment.base,
    decision,
    reason: `${assessment.why}; ${routing.reason}`,
    departmentId: assessment.departmentId,
    departmentSource: assessment.departmentSource,
    operatorId: routing.operatorId,
    routing: { candidates: routing.candidates, reason: routing.reason },
  };
}
