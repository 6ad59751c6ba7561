import type { EntityManager } from '@mikro-orm/sql';
import { LANGUAGES } from '../../entities/enums.ts';
import type { HeadName } from '../classification/derive.ts';
import type { TrainingData } from './training-data.ts';

/**
 * What a model cannot predict, or can barely: told when it is trained, kept with it for
 * `model show`, so that nobody learns it from escalations. A label with no sample can never be
 * predicted; with fewer than THIN_LABEL_SAMPLES the head has seen too few examples to know it
 * (with the default 20 % holdout, about two of them are left to measure it on). A language with
 * fewer than THIN_LANGUAGE_SAMPLES is one the model barely knows: its tickets get low
 * confidences and mostly escalate.
 */
export const THIN_LABEL_SAMPLES = 10;
export const THIN_LANGUAGE_SAMPLES = 100;

export interface Gap {
  kind: 'category' | 'department' | 'language';
  name: string;
  samples: number;
  /** none: cannot be predicted at all; few: below the threshold for its kind. */
  level: 'none' | 'few';
}

/** Samples per language (ru, kk, en always present, then "unknown" when some have none). */
export function languageCounts(languages: readonly (string | null)[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(LANGUAGES.map((l) => [l, 0]));
  for (const language of languages) counts[language ?? 'unknown'] = (counts[language ?? 'unknown'] ?? 0) + 1;
  return counts;
}

/** Active categories and departments a trained head has no or few samples of, and thin languages. */
export async function findGaps(
  em: EntityManager,
  data: TrainingData,
  rows: readonly number[],
  trained: readonly HeadName[],
  languages: Record<string, number>,
): Promise<Gap[]> {
  const gaps: Gap[] = [];
  for (const [head, table] of [
    ['category', 'categories'],
    ['department', 'departments'],
  ] as const) {
    if (!trained.includes(head)) continue;
    const counts = new Map<string, number>();
    for (const i of rows) {
      const label = data.labels[head][i];
      if (label !== null && label !== undefined) counts.set(label.toLowerCase(), (counts.get(label.toLowerCase()) ?? 0) + 1);
    }
    const names = await em.getConnection().execute<{ name: string }[]>(`select "name" from "${table}" where "active" order by "name"`);
    for (const { name } of names) {
      const samples = counts.get(name.toLowerCase()) ?? 0;
      if (samples < THIN_LABEL_SAMPLES) gaps.push({ kind: head, name, samples, level: samples === 0 ? 'none' : 'few' });
    }
  }
  for (const language of LANGUAGES) {
    const samples = languages[language] ?? 0;
    if (samples < THIN_LANGUAGE_SAMPLES) gaps.push({ kind: 'language', name: language, samples, level: samples === 0 ? 'none' : 'few' });
  }
  return gaps;
}

/** One line for people: "category "VPN": no samples, it can never be predicted". */
export function describeGap(gap: Gap): string {
  const what = gap.kind === 'language' ? `language ${gap.name}` : `${gap.kind} "${gap.name}"`;
  if (gap.kind === 'language') {
    return gap.level === 'none'
      ? `${what}: no samples: its tickets will get low confidences and mostly escalate`
      : `${what}: only ${gap.samples} sample${gap.samples === 1 ? '' : 's'} (fewer than ${THIN_LANGUAGE_SAMPLES}): the model barely knows it`;
  }
  return gap.level === 'none'
    ? `${what}: no samples: it can never be predicted`
    : `${what}: only ${gap.samples} sample${gap.samples === 1 ? '' : 's'} (fewer than ${THIN_LABEL_SAMPLES}): rarely predicted, and poorly measured`;
}
