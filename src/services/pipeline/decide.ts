import type { Decision, IssueType, Language, Priority } from '../../entities/enums.ts';
import type { Prediction } from '../../ml/classifier.ts';
import type { HoldBack } from '../../ml/rules.ts';
import { deriveIssueType, derivePriority, describeHoldBack, holdBackOf, type DerivedValue, type HeadName } from '../classification/derive.ts';
import type { PipelineConfig } from './config.ts';
import { bestTemplate, MIN_MATCHED_STEMS, MIN_TICKET_SHARE, stems, templateMatches, type TemplateCandidate, type TemplateMatch } from './resolver.ts';
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

/** Fields a person can set on a ticket (`tickets update`) that the pipeline must keep. */
export const HUMAN_FIELDS = ['category', 'priority', 'department', 'operator'] as const;
export type HumanField = (typeof HUMAN_FIELDS)[number];

/** What a person set on the ticket before the pipeline saw it: only the fields present were set. */
export interface HumanSet {
  categoryId?: string | null;
  priority?: Priority | null;
  departmentId?: string | null;
  operatorId?: string | null;
}

export interface TicketInput {
  id: string;
  text: string;
  language: Language | null;
  /** Fields a person set; the decision keeps them and decides the rest around them. */
  human?: HumanSet;
}

/** A rule that kept the ticket from an automatic answer: words in the text, or a person's edits. */
export type HoldBackReason = HoldBack | { rule: 'person'; matched: HumanField[] };

/** Everything a decision is made of; stored with the prediction and shown by `pipeline explain`. */
export interface DecisionRecord {
  decision: Decision;
  reason: string;
  categoryId: string | null;
  categoryName: string | null;
  confidence: number;
  departmentId: string | null;
  departmentSource: 'model' | 'category_default' | 'triage' | 'person' | 'operator' | null;
  operatorId: string | null;
  priority: DerivedValue<Priority>;
  issueType: DerivedValue<IssueType>;
  template: { id: string; name: string; similarity: number; matched: number; focus: number; example: number } | null;
  routing: { candidates: RoutingCandidate[]; reason: string } | null;
  heads: Partial<Record<HeadName, Prediction>>;
  /** The model's own category (what `ai_predictions` records), which a person's may replace on the ticket. */
  predictedCategoryId: string | null;
  /** Rules that kept the ticket from an automatic answer (empty when none applied). */
  holdBack: HoldBackReason[];
  /** Fields a person had set, kept as they were. */
  human: HumanField[];
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
  departmentSource: 'model' | 'category_default' | 'person';
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

/** Which fields a person set, in the fixed order. */
export function humanFields(human: HumanSet | undefined): HumanField[] {
  if (!human) return [];
  const key: Record<HumanField, keyof HumanSet> = { category: 'categoryId', priority: 'priority', department: 'departmentId', operator: 'operatorId' };
  return HUMAN_FIELDS.filter((f) => key[f] in human);
}

/**
 * The part of `decide` that does not depend on operator loads.
 *
 * Auto-resolution needs all of: issue type auto_resolvable, a template of the category and
 * language that genuinely matches (`templateMatches`), category confidence ≥ autoResolve, and no
 * hold-back rule: no security, complaint or urgency words in the text (src/ml/rules.ts), and no
 * field set by a person (a ticket a person has worked on stays with people). A held ticket is
 * escalated or routed as any other, and its reason starts with the rule that held it.
 *
 * What a person set is kept: their category replaces the model's on the ticket (so it is not
 * escalated for the model's doubt, and its default department is used), their department, their
 * priority, their operator (see `route`).
 */
export function assess(ticket: TicketInput, heads: Partial<Record<HeadName, Prediction>>, reference: ReferenceData, config: PipelineConfig): Assessment {
  const t = config.thresholds;
  const human = ticket.human ?? {};
  const humanSet = humanFields(ticket.human);
  const categoryHead = heads.category;
  const predicted = categoryHead ? reference.categoriesByName.get(categoryHead.label.toLowerCase()) ?? null : null;
  const confidence = predicted && categoryHead ? categoryHead.confidence : 0;
  const humanCategory = human.categoryId ? findCategory(reference, human.categoryId) : null;
  const category = humanSet.includes('category') ? humanCategory : predicted;

  let match: TemplateMatch | null = null;
  if (category && ticket.language) {
    const candidates = reference.templates.get(`${category.id}/${ticket.language}`) ?? [];
    if (candidates.length > 0) match = bestTemplate(stems(ticket.text), candidates);
  }
  const deriveInput = {
    text: ticket.text,
    heads,
    categoryDefaultPriority: category?.defaultPriority ?? null,
    templateMatch: match ? { name: match.template.name, similarity: match.similarity, matched: match.matched, focus: match.focus } : null,
    headThreshold: t.department,
    templateThreshold: t.templateMatch,
  };
  const derivedPriority = derivePriority(deriveInput);
  const priority: DerivedValue<Priority> =
    humanSet.includes('priority') && human.priority
      ? { value: human.priority, source: 'person', confidence: null, detail: 'set by a person' }
      : derivedPriority;
  const issueType = deriveIssueType(deriveInput);
  const template = match
    ? { id: match.template.id, name: match.template.name, similarity: match.similarity, matched: match.matched, focus: match.focus, example: match.example }
    : null;
  const holdBack: HoldBackReason[] = [...holdBackOf(deriveInput)];
  if (humanSet.length > 0) holdBack.push({ rule: 'person', matched: humanSet });
  const base = {
    categoryId: category?.id ?? (humanSet.includes('category') ? (human.categoryId ?? null) : null),
    categoryName: category?.name ?? null,
    confidence,
    priority,
    issueType,
    template,
    heads,
    predictedCategoryId: predicted?.id ?? null,
    holdBack,
    human: humanSet,
  };
  const held = holdBack.length > 0 ? `not auto-resolved: ${describeHolds(holdBack)}; ` : '';
  const kept = humanSet.length > 0 ? ` (kept from a person: ${humanSet.join(', ')})` : '';
  // Stryker disable next-line StringLiteral: equivalent, a final assessment's department, source and why are never read (route returns assessment.final as it is)
  const assessment = (final: DecisionRecord | null, departmentId = '', departmentSource: Assessment['departmentSource'] = 'category_default', why = ''): Assessment => ({
    ticket,
    final,
    base,
    departmentId,
    departmentSource,
    why: held + why + kept,
  });

  if (holdBack.length === 0 && issueType.value === 'auto_resolvable' && match && templateMatches(match, t.templateMatch) && confidence >= t.autoResolve) {
    return assessment({
      ...base,
      decision: 'auto_resolved',
      reason: `auto_resolvable; template "${match.template.name}" matches ${pct(match.similarity)} with ${match.matched} stems, ${pct(match.focus)} of the ticket (≥ ${pct(t.templateMatch)}, ≥ ${MIN_MATCHED_STEMS}, ≥ ${pct(MIN_TICKET_SHARE)}); category ${category!.name} at ${pct(confidence)} ≥ ${pct(t.autoResolve)}`,
      departmentId: null,
      departmentSource: null,
      operatorId: null,
      routing: null,
    });
  }

  // A person who set the category, the department or the operator has triaged the ticket: the
  // model's doubt no longer sends it to the triage department.
  const triagedByPerson = humanSet.includes('category') || humanSet.includes('department') || humanSet.includes('operator');
  if (!triagedByPerson && (!category || confidence < t.escalate)) {
    const why = !category
      ? categoryHead
        ? `predicted category "${categoryHead.label}" is not a known category`
        : 'the model has no category head'
      : `category ${category.name} at ${pct(confidence)} < escalation threshold ${pct(t.escalate)}`;
    return assessment({
      ...base,
      decision: 'escalated',
      reason: `${held}${why}: escalated to ${reference.departmentNames.get(reference.triageDepartmentId)}${kept}`,
      departmentId: reference.triageDepartmentId,
      departmentSource: 'triage',
      operatorId: null,
      routing: null,
    });
  }

  const categoryWhy = humanSet.includes('category')
    ? `category ${category?.name ?? human.categoryId ?? 'none'} set by a person (model: ${predicted ? `${predicted.name} at ${pct(confidence)}` : 'none'})`
    : `category ${category!.name} at ${pct(confidence)}`;
  if (humanSet.includes('department') && human.departmentId) {
    const name = reference.departmentNames.get(human.departmentId) ?? human.departmentId;
    return assessment(null, human.departmentId, 'person', `${categoryWhy}; department ${name} set by a person`);
  }
  const departmentHead = heads.department;
  const predictedDepartment = departmentHead ? reference.departmentsByName.get(departmentHead.label.toLowerCase()) : undefined;
  // The department head answers for the model's category; with a person's category, its default.
  const useHead = !humanSet.includes('category') && departmentHead !== undefined && predictedDepartment !== undefined && departmentHead.confidence >= t.department;
  const departmentId = useHead ? predictedDepartment.id : category ? category.defaultDepartmentId : reference.triageDepartmentId;
  const departmentName = reference.departmentNames.get(departmentId) ?? departmentId;
  const departmentWhy = useHead
    ? `department head ${departmentName} at ${pct(departmentHead.confidence)} ≥ ${pct(t.department)}`
    : category
      ? `${departmentName}, the default of category ${category.name}` + (departmentHead && !humanSet.includes('category') ? ` (department head ${pct(departmentHead.confidence)} < ${pct(t.department)})` : '')
      : `${departmentName}, the triage department (no known category)`;
  return assessment(null, departmentId, useHead ? 'model' : 'category_default', `${categoryWhy}; ${departmentWhy}`);
}

function findCategory(reference: ReferenceData, id: string): CategoryRef | null {
  for (const category of reference.categoriesByName.values()) if (category.id === id) return category;
  return null;
}

function describeHolds(holds: readonly HoldBackReason[]): string {
  const words = holds.filter((h): h is HoldBack => h.rule !== 'person');
  const parts = words.length > 0 ? [describeHoldBack(words)] : [];
  const person = holds.find((h) => h.rule === 'person');
  if (person) parts.push(`a person set ${person.matched.join(', ')}`);
  return parts.join('; ');
}

/**
 * The rest of `decide`: the least-loaded operator of the department, or its queue. An operator a
 * person chose is kept (and, unless a person also chose the department, the ticket goes to the
 * operator's department); that operator already carries the ticket in their load.
 */
export function route(assessment: Assessment, operators: OperatorLoad[]): DecisionRecord {
  if (assessment.final) return assessment.final;
  const human = assessment.ticket.human ?? {};
  if (assessment.base.human.includes('operator') && human.operatorId) {
    const chosen = operators.find((o) => o.id === human.operatorId);
    const toOperatorsDepartment = chosen !== undefined && assessment.departmentSource !== 'person' && chosen.departmentId !== assessment.departmentId;
    const departmentId = toOperatorsDepartment ? chosen.departmentId : assessment.departmentId;
    const reason = `operator ${chosen?.name ?? human.operatorId} set by a person` + (toOperatorsDepartment ? ', in their department' : '');
    return {
      ...assessment.base,
      decision: 'routed',
      reason: `${assessment.why}; ${reason}`,
      departmentId,
      departmentSource: toOperatorsDepartment ? 'operator' : assessment.departmentSource,
      operatorId: human.operatorId,
      routing: { candidates: [], reason },
    };
  }
  if (assessment.base.human.includes('operator')) {
    // A person took the operator away ("--operator none"): the ticket waits in the department.
    const reason = 'no operator, as a person set it: left in the department queue';
    return {
      ...assessment.base,
      decision: 'queued',
      reason: `${assessment.why}; ${reason}`,
      departmentId: assessment.departmentId,
      departmentSource: assessment.departmentSource,
      operatorId: null,
      routing: { candidates: [], reason },
    };
  }
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
