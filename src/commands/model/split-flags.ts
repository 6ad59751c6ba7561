import { UsageError } from '../../errors.ts';
import { parseSplit } from '../../services/export/split.ts';
import type { SplitFilter } from '../../services/model/training-data.ts';

/**
 * The shares `model train --split` and `model evaluate --split` use unless `--split-shares` says
 * otherwise: the same text lands on the same side as with `export training-samples --split dev=0.2`.
 */
export const DEFAULT_SPLIT_SHARES = 'dev=0.2';

/** `--split PART` / `--exclude-split PART` [`--split-shares dev=0.2`] into a filter, or none. */
export function parseSplitFilter(options: { split?: string; excludeSplit?: string; splitShares?: string }): SplitFilter | undefined {
  if (options.split === undefined && options.excludeSplit === undefined) {
    if (options.splitShares !== undefined) throw new UsageError('--split-shares needs --split PART or --exclude-split PART');
    return undefined;
  }
  if (options.split !== undefined && options.excludeSplit !== undefined) throw new UsageError('give --split or --exclude-split, not both');
  const shares = options.splitShares ?? DEFAULT_SPLIT_SHARES;
  const split = parseSplit(shares)!;
  const names = ['train', ...split.parts.map((p) => p.name)];
  const part = (options.split ?? options.excludeSplit)!.trim();
  if (!names.includes(part)) {
    const flag = options.split !== undefined ? '--split' : '--exclude-split';
    throw new UsageError(`${flag} must name a part of ${shares}: ${names.join(', ')} (got "${part}")`);
  }
  return options.split !== undefined ? { split, part } : { split, excludePart: part };
}
