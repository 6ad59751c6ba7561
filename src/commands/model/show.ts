import { LANGUAGES } from '../../entities/enums.ts';
import { getModel } from '../../services/model/registry.ts';
import { renderJson } from '../../output/render.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';
import { describeGap, type Gap } from '../../services/model/gaps.ts';
import { fixed, kilobytes, record, table } from './format.ts';
import { languageTable } from './train.ts';

export async function modelShow(ctx: CommandContext, id: string, options: { json?: boolean }): Promise<void> {
  const model = await withDatabase(ctx, (db) => getModel(db.em, id));
  if (options.json) {
    print(ctx, renderJson(model));
    return;
  }
  const p = model.parameters as {
    seed?: number;
    minSamples?: number;
    holdout?: number;
    trainingSeconds?: number;
    skipped?: { head: string; reason: string }[];
    languages?: Record<string, number>;
    gaps?: Gap[];
    split?: { shares: string; part?: string; excludePart?: string } | null;
  };
  const split = p.split ? (p.split.part !== undefined ? `only "${p.split.part}" of ${p.split.shares}` : `all but "${p.split.excludePart}" of ${p.split.shares}`) : 'all samples';
  const summary = record(ctx, [
    ['id', model.id],
    ['name', model.name],
    ['version', model.version],
    ['active', model.active ? 'yes' : 'no'],
    ['algorithm', model.algorithm],
    ['trained at', model.trainedAt],
    ['training time', p.trainingSeconds !== undefined ? `${p.trainingSeconds.toFixed(1)} s` : '-'],
    ['samples', model.sampleCount],
    ['trained on', split],
    ['languages', p.languages ? Object.entries(p.languages).sort(([a], [b]) => languageOrder(a) - languageOrder(b)).map(([l, n]) => `${l} ${n}`).join(', ') : '-'],
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
  const byLanguage = languageTable(ctx, { heads: model.heads.map((h) => ({ head: h, byLanguage: model.metrics[h]?.byLanguage })) });
  const gaps = p.gaps?.length ? `\ngaps (${p.gaps.length}):\n${p.gaps.map((g) => `  ${describeGap(g)}`).join('\n')}\n` : '\ngaps: none\n';
  print(ctx, summary + '\n' + heads + '\nper language (holdout):\n' + byLanguage + gaps);
}

/** ru, kk, en as everywhere else (stored JSON comes back with its keys sorted), then the rest. */
function languageOrder(language: string): number {
  const i = (LANGUAGES as readonly string[]).indexOf(language);
  return i < 0 ? LANGUAGES.length : i;
}
