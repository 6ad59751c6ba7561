import { UsageError } from '../../errors.ts';

export interface Split {
  /** Named parts with their shares, in order; what is left is "train". */
  parts: { name: string; share: number }[];
}

/** `dev=0.2` or `dev=0.1,test=0.1`: the rest is train. */
export function parseSplit(value: string | undefined): Split | null {
  if (value === undefined) return null;
  const parts: Split['parts'] = [];
  for (const piece of value.split(',')) {
    const m = /^\s*([a-z][a-z0-9_-]*)\s*=\s*([0-9.]+)\s*$/i.exec(piece);
    const share = m ? Number(m[2]) : Number.NaN;
    if (!m || !(share > 0 && share < 1)) throw new UsageError(`--split must look like dev=0.2 or dev=0.1,test=0.1 (got "${value}")`);
    if (m[1] === 'train' || parts.some((p) => p.name === m[1])) throw new UsageError(`--split: "${m[1]}" is named twice (train is what is left)`);
    parts.push({ name: m[1]!, share });
  }
  if (parts.reduce((a, p) => a + p.share, 0) >= 1) throw new UsageError(`--split shares must add up to less than 1 (got "${value}")`);
  return { parts };
}

/**
 * The part a sample falls in, from its content hash (SHA-256 of the normalised text, so evenly
 * spread): the same text always lands on the same side, whatever else is exported with it, in
 * whatever order, on whatever machine.
 */
export function splitOf(split: Split, contentHash: string): string {
  const x = Number.parseInt(contentHash.slice(0, 8), 16) / 2 ** 32;
  let edge = 0;
  for (const part of split.parts) {
    edge += part.share;
    if (x < edge) return part.name;
  }
  return 'train';
}
