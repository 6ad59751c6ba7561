import { prepareText, tokenize } from '../../ml/text.ts';

/**
 * Matching a ticket against answer templates by their trigger examples. Words are cut to their
 * first five letters, a crude stem that survives Russian and Kazakh endings ("пароль",
 * "пароля", "парольді" -> "парол"); words shorter than three letters are ignored. A template's
 * similarity is, over its examples, the best share of an example's stems found in the ticket
 * (containment, not Jaccard: a long ticket that contains the whole example still matches).
 */
const STEM_LENGTH = 5;

export function stems(text: string): Set<string> {
  const out = new Set<string>();
  for (const token of tokenize(prepareText(text))) {
    if (token.length < 3 || token.startsWith('__')) continue;
    out.add(token.slice(0, STEM_LENGTH));
  }
  return out;
}

export interface TemplateCandidate {
  id: string;
  name: string;
  categoryId: string;
  language: string;
  answer: string;
  /** Stems of each trigger example, computed once per batch. */
  examples: Set<string>[];
}

export interface TemplateMatch {
  template: TemplateCandidate;
  similarity: number;
  /** The trigger example that matched best. */
  example: number;
}

export function compileTemplate(template: Omit<TemplateCandidate, 'examples'>, triggerExamples: readonly string[]): TemplateCandidate {
  return { ...template, examples: triggerExamples.map(stems).filter((s) => s.size > 0) };
}

export function similarity(ticket: Set<string>, example: Set<string>): number {
  if (example.size === 0) return 0;
  let found = 0;
  for (const stem of example) if (ticket.has(stem)) found++;
  return found / example.size;
}

/** The best-matching template among the candidates, or null when none has any overlap. */
export function bestTemplate(ticket: Set<string>, candidates: readonly TemplateCandidate[]): TemplateMatch | null {
  let best: TemplateMatch | null = null;
  for (const template of candidates) {
    template.examples.forEach((example, index) => {
      const score = similarity(ticket, example);
      if (score > 0 && (!best || score > best.similarity)) best = { template, similarity: score, example: index };
    });
  }
  return best;
}
