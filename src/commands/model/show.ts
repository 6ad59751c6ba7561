import { getModel } from '../../services/model/registry.ts';
import { renderJson } from '../../output/render.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';
import { fixed, kilobytes, record, table } from './format.ts';

export async function modelShow(ctx: CommandContext, id: string, options: { json?: boolean }): Promise<void> {
  const model = await withDatabase(ctx, (db) => getModel(db.em, id));
  if (options.json) {
    print(ctx, renderJson(model));
    return;
  }
  const p = model.parameters as { seed?: number; minSamples?: number; holdout?: number; trainingSeconds?: number; skipped?: { head: string; reason: string }[] };
  const summary = record(ctx, [
    ['id', model.id],
    ['name', model.name],
    ['version', model.version],
    ['active', model.active ? 'yes' : 'no'],
    ['algorithm', model.algorithm],
    ['trained at', model.trainedAt],
    ['training time', p.trainingSeconds !== undefined ? `${p.trainingSeconds.toFixed(1)} s` : '-'],
    ['samples', model.sampleCount],
    ['seed', p.seed ?? '-'],
    ['holdout share', p.holdout ?? '-'],
    ['artifact', kilobytes(model.artifactBytes)],
    ['heads', model.heads.join(', ')],
    ['skipped heads', p.skipped?.length ? p.skipped.map((s) => `${s.head} (${s.reason})`).join('; ') : 'none'],
  ]);
  const heads = table(
    ctx,
    [
      { header: 'head', value: (h: string) => h },
      { header: 'labels', value: (h) => (model.labels[h as keyof typeof model.labels] ?? []).join(', ') },
      { header: 'holdout', value: (h) => model.metrics[h as keyof typeof model.metrics]?.n ?? '-', align: 'right' },
      { header: 'accuracy', value: (h) => fixed(model.metrics[h as keyof typeof model.metrics]?.accuracy), align: 'right' },
      { header: 'macro-F1', value: (h) => fixed(model.metrics[h as keyof typeof model.metrics]?.macroF1), align: 'right' },
      { header: 'ECE', value: (h) => fixed(model.metrics[h as keyof typeof model.metrics]?.ece), align: 'right' },
    ],
    model.heads,
  );
  print(ctx, summary + '\n' + heads);
}
