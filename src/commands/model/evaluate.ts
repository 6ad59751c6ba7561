import { evaluateFile, evaluateHoldout, type EvaluationReport } from '../../services/model/evaluate.ts';
import { parseMapping } from '../../services/model/labelled-file.ts';
import { renderJson } from '../../output/render.ts';
import { UsageError } from '../../errors.ts';
import { note, print, withDatabase, type CommandContext } from '../context.ts';
import { describeMetrics } from './format.ts';

export async function modelEvaluate(ctx: CommandContext, options: { model?: string; file?: string; map?: string[]; json?: boolean }): Promise<void> {
  if (options.map && !options.file) throw new UsageError('--map needs --file FILE');
  const mapping = parseMapping(options.map);
  const file = options.file;
  const report: EvaluationReport = await withDatabase(ctx, (db) =>
    file !== undefined ? evaluateFile(db.em, file, mapping, options.model) : evaluateHoldout(db.em, options.model),
  );
  for (const s of report.skipped) note(ctx, ctx.err.warn(`not evaluated: ${s.head}: ${s.reason}`));
  if (options.json) {
    print(ctx, renderJson(report));
    return;
  }
  const on = report.source.kind === 'holdout' ? 'its stratified holdout' : `${report.source.file} (${report.source.rows} rows)`;
  const parts = [`${report.model.name} v${report.model.version} (${report.model.id}) on ${on}\n`];
  for (const [head, metrics] of Object.entries(report.heads)) parts.push('\n' + describeMetrics(ctx, head, metrics));
  print(ctx, parts.join(''));
}
