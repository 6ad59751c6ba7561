import { plural } from '../../output/plural.ts';
import { progressBar } from '../../output/progress.ts';
import { HEADS, type HeadName } from '../../services/classification/derive.ts';
import { trainModel, type TrainProgress, type TrainResult } from '../../services/model/train.ts';
import { describeGap } from '../../services/model/gaps.ts';
import { parseSplitFilter } from './split-flags.ts';
import { renderJson } from '../../output/render.ts';
import { UsageError } from '../../errors.ts';
import { note, print, withDatabase, type CommandContext } from '../context.ts';
import { fixed, kilobytes, table } from './format.ts';

export interface TrainCommandOptions {
  heads?: string;
  activate?: boolean;
  seed: string;
  minSamples: string;
  split?: string;
  excludeSplit?: string;
  splitShares?: string;
  /** commander's --no-tune: false; otherwise true. */
  tune?: boolean;
  budget?: string;
  json?: boolean;
}

/** Seconds cross-validation may take by default: with the final fit, under 2 minutes for 40,000 samples here. */
export const DEFAULT_TUNE_BUDGET = 60;

/** Gaps shown one per line up to this many; the rest are counted and left to `model show`. */
const GAPS_SHOWN = 8;

export function parseHeads(value: string | undefined): HeadName[] | undefined {
  if (value === undefined) return undefined;
  const heads = value.split(',').map((h) => h.trim()).filter(Boolean);
  if (heads.length === 0) throw new UsageError('--heads is empty: give e.g. --heads category,department');
  for (const head of heads) {
    if (!(HEADS as readonly string[]).includes(head)) throw new UsageError(`--heads: unknown head "${head}" (known: ${HEADS.join(', ')})`);
  }
  return heads as HeadName[];
}

export function parseInteger(value: string, flag: string, min: number): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be a whole number of at least ${min} (got "${value}")`);
  }
  return Number(value);
}


/** The embedded database's buffers while training (its default 128MB is memory training needs). */
const TRAIN_SHARED_BUFFERS = '16MB';

export async function modelTrain(ctx: CommandContext, options: TrainCommandOptions): Promise<void> {
  const heads = parseHeads(options.heads);
  const seed = parseInteger(options.seed, '--seed', 0);
  const minSamples = parseInteger(options.minSamples, '--min-samples', 2);
  const split = parseSplitFilter(options);
  if (options.tune === false && options.budget !== undefined) throw new UsageError('--budget is the time for tuning: drop it with --no-tune');
  const budgetSeconds = options.budget !== undefined ? parseInteger(options.budget, '--budget', 1) : DEFAULT_TUNE_BUDGET;
  const tune = options.tune === false ? (false as const) : { budgetSeconds };
  const started = performance.now();
  const progress = progressBar(ctx.io.stderr, { intervalMs: 0 });
  const bar = ctx.io.stderr.isTTY === true
    ? {
        update: (p: TrainProgress) => progress.update(0, `${p.step}/${p.steps} ${p.label} ${((performance.now() - started) / 1000).toFixed(0)} s`),
        done: () => progress.clear(),
      }
    : null;
  let result: TrainResult;
  const notices: string[] = [];
  try {
    result = await withDatabase(ctx, (db) =>
      trainModel(db.em, { ...(heads ? { heads } : {}), seed, minSamples, activate: options.activate ?? false, tune, onNotice: (text) => notices.push(text), ...(split ? { split } : {}), ...(bar ? { onProgress: bar.update } : {}) }),
      // Training reads training_samples once; the memory is the features' (see trainModel).
      { pgliteSharedBuffers: TRAIN_SHARED_BUFFERS },
    );
  } finally {
    bar?.done();
  }
  for (const s of result.skipped) note(ctx, ctx.err.warn(`skipped head ${s.head}: ${s.reason}`));
  for (const text of notices) note(ctx, ctx.err.dim(text));
  for (const gap of result.gaps.slice(0, GAPS_SHOWN)) note(ctx, `${ctx.err.warn('warning:')} ${describeGap(gap)}`);
  if (result.gaps.length > GAPS_SHOWN) note(ctx, `${ctx.err.warn('warning:')} … and ${result.gaps.length - GAPS_SHOWN} more: see \`helpdesk model show ${result.version}\``);
  if (options.json) {
    print(ctx, renderJson(result));
    return;
  }
  const state = result.active ? ', active' : '';
  const lines = [
    `${ctx.out.ok('✓')} trained ${result.name} v${result.version} (${result.id}${state}) on ${plural(result.sampleCount, 'sample')} in ${result.trainingSeconds.toFixed(1)} s, artifact ${kilobytes(result.artifactBytes)}`,
  ];
  print(ctx, lines.join('\n') + '\n');
  print(
    ctx,
    table(
      ctx,
      [
        { header: 'head', value: (h: TrainResult['heads'][number]) => h.head },
        { header: 'samples', value: (h) => h.samples, align: 'right' },
        { header: 'labels', value: (h) => h.classes, align: 'right' },
        { header: 'holdout', value: (h) => h.holdout, align: 'right' },
        { header: 'accuracy', value: (h) => fixed(h.accuracy), align: 'right' },
        { header: 'macro-F1', value: (h) => fixed(h.macroF1), align: 'right' },
        { header: 'ECE', value: (h) => fixed(h.ece), align: 'right' },
      ],
      result.heads,
    ),
  );
  print(ctx, '\n' + languageTable(ctx, result));
  if (result.tuning) print(ctx, '\n' + tuningTable(ctx, result.tuning));
  if (!result.active) note(ctx, ctx.err.dim(`not active yet: \`helpdesk model activate ${result.version}\` makes it the one predict and the pipeline use`));
}

/** Each head's holdout figures per language: samples, accuracy, macro-F1. */
export function languageTable(ctx: CommandContext, result: { heads: { head: string; byLanguage?: TrainResult['heads'][number]['byLanguage'] }[] }): string {
  const rows = result.heads.flatMap((h) => Object.entries(h.byLanguage ?? {}).map(([language, m]) => ({ head: h.head, language, ...m })));
  return table(
    ctx,
    [
      { header: 'head', value: (r: (typeof rows)[number]) => r.head },
      { header: 'language', value: (r) => r.language },
      { header: 'holdout', value: (r) => r.samples, align: 'right' },
      { header: 'accuracy', value: (r) => fixed(r.accuracy), align: 'right' },
      { header: 'macro-F1', value: (r) => fixed(r.macroF1), align: 'right' },
    ],
    rows,
  );
}

/** What cross-validation tried, in order, with the chosen setting marked. */
export function tuningTable(ctx: CommandContext, tuning: NonNullable<TrainResult['tuning']>): string {
  const title = `tuning: ${tuning.folds}-fold cross-validation of the ${tuning.head} head on ${tuning.samples} samples, ${tuning.seconds.toFixed(1)} s of a ${tuning.budgetSeconds} s budget${tuning.cut ? ' (the budget ended it: untried settings show "-")' : ''}\n`;
  return (
    title +
    table(
      ctx,
      [
        { header: 'chosen', value: (t: (typeof tuning.trials)[number]) => (t.C === tuning.chosen.C && t.balancePower === tuning.chosen.balancePower ? '*' : '') },
        { header: 'C', value: (t) => t.C, align: 'right' },
        { header: 'class balance', value: (t) => t.balancePower, align: 'right' },
        { header: 'macro-F1', value: (t) => fixed(t.macroF1), align: 'right' },
        { header: 'seconds', value: (t) => (t.macroF1 === null ? '-' : t.seconds.toFixed(1)), align: 'right' },
      ],
      tuning.trials,
    )
  );
}
