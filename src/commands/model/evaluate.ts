import { plural } from '../../output/plural.ts';
import { evaluateFile, evaluateHoldout, evaluateSplit, type EvaluationReport } from '../../services/model/evaluate.ts';
import { parseSplitFilter } from './split-flags.ts';
import { languageTable } from './train.ts';
import { openInput } from '../../services/import/input.ts';
import { parseReaderFlags, type ReaderFlags } from '../import/reader-flags.ts';
import { renderJson } from '../../output/render.ts';
import { UsageError } from '../../errors.ts';
import { note, print, withDatabase, type CommandContext } from '../context.ts';
import { describeMetrics } from './format.ts';

export interface ModelEvaluateOptions extends ReaderFlags {
  model?: string;
  file?: string;
  split?: string;
  splitShares?: string;
  json?: boolean;
}

/** The reader's flags: meaningful with --file only. */
const FILE_FLAGS = { map: '--map', from: '--from', presetFile: '--preset-file', value: '--value', inputFormat: '--input-format', delimiter: '--delimiter', encoding: '--encoding' } as const;

export async function modelEvaluate(ctx: CommandContext, options: ModelEvaluateOptions): Promise<void> {
  for (const [key, flag] of Object.entries(FILE_FLAGS)) {
    if (options[key as keyof typeof FILE_FLAGS] !== undefined && options.file === undefined) throw new UsageError(`${flag} needs --file FILE`);
  }
  if (options.file !== undefined && options.split !== undefined) throw new UsageError('give --file or --split, not both');
  // The file is read as `import tickets` reads it: the same flags, parsed by the same rules.
  const reader = parseReaderFlags(options);
  const split = parseSplitFilter({ split: options.split, splitShares: options.splitShares });
  const file = options.file;
  const report: EvaluationReport = await withDatabase(ctx, (db) =>
    file !== undefined
      ? evaluateFile(db.em, { ...reader, open: () => openInput(file, ctx.io.stdin) }, options.model)
      : split?.part !== undefined
        ? evaluateSplit(db.em, { ...split, part: split.part }, options.model)
        : evaluateHoldout(db.em, options.model),
  );
  for (const s of report.skipped) note(ctx, ctx.err.warn(`not evaluated: ${s.head}: ${s.reason}`));
  if (report.overlap && report.overlap.rows > 0) {
    const what = report.source.kind === 'split' ? `the "${report.source.part}" samples` : 'the file';
    note(
      ctx,
      `${ctx.err.warn('warning:')} ${report.overlap.rows} of ${report.source.kind === 'holdout' ? 0 : report.source.rows} texts of ${what} (${(report.overlap.share * 100).toFixed(1)} %) are training samples of this model: the figures flatter it` +
        (report.source.kind === 'split' ? ' (train with `--exclude-split ' + report.source.part + '` to keep them apart)' : ''),
    );
  }
  if (options.json) {
    print(ctx, renderJson(report));
    return;
  }
  const on =
    report.source.kind === 'holdout'
      ? 'its stratified holdout'
      : report.source.kind === 'file'
        ? `${report.source.file} (${plural(report.source.rows, 'row')})`
        : `the "${report.source.part}" side of the split ${report.source.shares} (${plural(report.source.rows, 'training sample')})`;
  const parts = [`${report.model.name} v${report.model.version} (${report.model.id}) on ${on}\n`];
  for (const [head, metrics] of Object.entries(report.heads)) parts.push('\n' + describeMetrics(ctx, head, metrics));
  const byLanguage = Object.entries(report.heads).map(([head, m]) => ({ head, byLanguage: (m as { byLanguage?: Record<string, { samples: number; accuracy: number; macroF1: number }> }).byLanguage }));
  if (byLanguage.some((h) => h.byLanguage && Object.keys(h.byLanguage).length > 0)) parts.push('\nper language:\n' + languageTable(ctx, { heads: byLanguage }));
  print(ctx, parts.join(''));
}
