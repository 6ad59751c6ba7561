import { PRIORITIES, type IssueType, type Priority } from '../../entities/enums.ts';
import type { Prediction } from '../../ml/classifier.ts';
import { detectHoldBack, detectUrgency, type HoldBack, type UrgencyResult } from '../../ml/rules.ts';
import { templateMatches } from '../pipeline/resolver.ts';

/** The heads a model may have; only those with enough labelled samples are trained. */
export const HEADS = ['category', 'department', 'priority', 'issue_type'] as const;
export type HeadName = (typeof HEADS)[number];

export type ValueSource = 'model' | 'urgency_words' | 'category_default' | 'template_match' | 'rules' | 'person';

export interface DerivedValue<T extends string> {
  value: T;
  source: ValueSource;
  /** The model's confidence when the model decided; null for rule-derived values. */
  confidence: number | null;
  /** In words, why this value: shown by `model predict` and `pipeline explain`. */
  detail: string;
}

export interface DeriveInput {
  text: string;
  heads: Partial<Record<HeadName, Prediction>>;
  /** Default priority of the predicted category, when the category is known. */
  categoryDefaultPriority: Priority | null;
  /** Best answer template for the predicted category in the ticket's language. */
  templateMatch: { name: string; similarity: number; matched: number; focus: number } | null;
  /** Minimum confidence for the priority and issue_type heads to be trusted over the rules. */
  headThreshold: number;
  /** Minimum template similarity for auto_resolvable (with at least MIN_MATCHED_STEMS stems). */
  templateThreshold: number;
}

/** A ticket longer than this many words is taken for a complex one when nothing else says so. */
export const COMPLEX_WORDS = 80;

const rank = (p: Priority): number => PRIORITIES.indexOf(p);

// Priority and issue type both look at the urgency words: find them once per input.
const urgencyFound = new WeakMap<DeriveInput, UrgencyResult>();
function urgencyOf(input: DeriveInput): UrgencyResult {
  let found = urgencyFound.get(input);
  if (!found) {
    found = detectUrgency(input.text);
    urgencyFound.set(input, found);
  }
  return found;
}

// And both, with the decision, look at the hold-back rules.
const holdBackFound = new WeakMap<DeriveInput, HoldBack[]>();
/** Security, complaint and urgency words that keep the ticket from an automatic answer (src/ml/rules.ts). */
export function holdBackOf(input: DeriveInput): HoldBack[] {
  let found = holdBackFound.get(input);
  if (!found) {
    found = detectHoldBack(input.text, { urgency: urgencyOf(input) });
    holdBackFound.set(input, found);
  }
  return found;
}

const RULE_WORDS: Record<HoldBack['rule'], string> = { security: 'security incident words', complaint: 'complaint words', urgent: 'urgency words' };

/** "security incident words: phish*; urgency words: urgent", for reasons and details. */
export function describeHoldBack(holds: readonly HoldBack[]): string {
  return holds.map((h) => `${RULE_WORDS[h.rule]}: ${h.matched.slice(0, 3).join(', ')}`).join('; ');
}

/**
 * Priority: the model's priority head when it is trained and confident; otherwise the higher of
 * the urgency words found in the text (ru/kk/en lists in src/ml/rules.ts) and the category's
 * default priority; "medium" when neither says anything.
 */
export function derivePriority(input: DeriveInput): DerivedValue<Priority> {
  const head = input.heads.priority;
  if (head && head.confidence >= input.headThreshold && (PRIORITIES as readonly string[]).includes(head.label)) {
    return { value: head.label as Priority, source: 'model', confidence: head.confidence, detail: `priority head ${(head.confidence * 100).toFixed(0)}%` };
  }
  const urgency = urgencyOf(input);
  const fromWords = urgency.priority;
  const fromCategory = input.categoryDefaultPriority;
  if (fromWords && (!fromCategory || rank(fromWords) > rank(fromCategory))) {
    return { value: fromWords, source: 'urgency_words', confidence: null, detail: `urgency words: ${urgency.matched.slice(0, 3).join(', ')}` };
  }
  if (fromCategory) return { value: fromCategory, source: 'category_default', confidence: null, detail: "the category's default priority" };
  return { value: 'medium', source: 'rules', confidence: null, detail: 'no urgency words and no category: medium' };
}

/**
 * Issue type: the model's issue_type head when trained and confident; otherwise complex when
 * the text names a security incident, a complaint or urgency (high or critical), which no
 * template answers; auto_resolvable when an answer template of the ticket's category and
 * language matches it; complex when the text is long; simple otherwise.
 */
export function deriveIssueType(input: DeriveInput): DerivedValue<IssueType> {
  const head = input.heads.issue_type;
  if (head && head.confidence >= input.headThreshold && ['simple', 'complex', 'auto_resolvable'].includes(head.label)) {
    return { value: head.label as IssueType, source: 'model', confidence: head.confidence, detail: `issue type head ${(head.confidence * 100).toFixed(0)}%` };
  }
  const holds = holdBackOf(input);
  if (holds.length > 0) {
    return { value: 'complex', source: holds[0]!.rule === 'urgent' ? 'urgency_words' : 'rules', confidence: null, detail: describeHoldBack(holds) };
  }
  const match = input.templateMatch;
  if (templateMatches(match, input.templateThreshold)) {
    return { value: 'auto_resolvable', source: 'template_match', confidence: null, detail: `matches template "${match!.name}" (${(match!.similarity * 100).toFixed(0)}%, ${match!.matched} stems)` };
  }
  const words = input.text.split(/\s+/).filter(Boolean).length;
  if (words > COMPLEX_WORDS) return { value: 'complex', source: 'rules', confidence: null, detail: `long description (${words} words)` };
  return { value: 'simple', source: 'rules', confidence: null, detail: 'no template matches, no urgency, short text' };
}
