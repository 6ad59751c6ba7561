import type { EntityManager } from '@mikro-orm/sql';
import { HEADS, type HeadName } from '../classification/derive.ts';
import { splitOf, type Split } from '../export/split.ts';

/** Database column of each head in training_samples. */
export const HEAD_COLUMNS: Record<HeadName, string> = {
  category: 'category',
  department: 'department',
  priority: 'priority',
  issue_type: 'issue_type',
};

export interface TrainingData {
  texts: string[];
  /** Per head, the label of each text (null = unknown for that head). */
  labels: Record<HeadName, (string | null)[]>;
  /** The language of each text, as stored (null when unknown). */
  languages: (string | null)[];
  /** The content hash of each text (what the split and the overlap checks go by). */
  hashes: string[];
}

/**
 * Which samples to read, by the stable hash split of `export training-samples --split`: only
 * those in `part`, or all but those in `excludePart`.
 */
export interface SplitFilter {
  split: Split;
  part?: string;
  excludePart?: string;
}

export function inSplit(filter: SplitFilter | undefined, contentHash: string): boolean {
  if (!filter) return true;
  const part = splitOf(filter.split, contentHash);
  if (filter.part !== undefined && part !== filter.part) return false;
  if (filter.excludePart !== undefined && part === filter.excludePart) return false;
  return true;
}

export const PAGE_SIZE = 5000;

/**
 * All training samples, in content-hash order (so the same samples give the same order, hence
 * the same model, in any database), read in pages by keyset pagination: PGlite has no cursors
 * to stream from, and OFFSET would rescan. Only the columns training needs are read.
 */
export async function loadTrainingData(
  em: EntityManager,
  options: { pageSize?: number; onPage?: (rowsSoFar: number) => void; split?: SplitFilter } = {},
): Promise<TrainingData> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const connection = em.getConnection();
  const texts: string[] = [];
  const languages: (string | null)[] = [];
  const hashes: string[] = [];
  const labels = Object.fromEntries(HEADS.map((h) => [h, [] as (string | null)[]])) as TrainingData['labels'];
  const columns = HEADS.map((h) => `"${HEAD_COLUMNS[h]}"::text as "${h}"`).join(', ');
  let after: string | null = null;
  let read = 0;
  for (;;) {
    const rows: Record<string, string | null>[] = await connection.execute(
      `select "content_hash", "text", "language"::text as "language", ${columns} from "training_samples"` +
        (after === null ? '' : ` where "content_hash" > ?`) +
        ` order by "content_hash" limit ${pageSize}`,
      after === null ? [] : [after],
    );
    for (const row of rows) {
      read++;
      if (!inSplit(options.split, row.content_hash!)) continue;
      texts.push(row.text ?? '');
      languages.push(row.language ?? null);
      hashes.push(row.content_hash!);
      for (const h of HEADS) {
        const value = row[h];
        labels[h].push(value === null || value === undefined || value.trim() === '' ? null : value);
      }
    }
    options.onPage?.(read);
    if (rows.length < pageSize) break;
    after = rows[rows.length - 1]!.content_hash!;
  }
  return { texts, labels, languages, hashes };
}

export interface HeadCounts {
  head: HeadName;
  samples: number;
  classes: number;
}

/** Labelled samples and distinct labels per head. */
export function countLabels(data: TrainingData): HeadCounts[] {
  return HEADS.map((head) => {
    const seen = new Set<string>();
    let samples = 0;
    for (const label of data.labels[head]) {
      if (label === null) continue;
      samples++;
      seen.add(label);
    }
    return { head, samples, classes: seen.size };
  });
}
