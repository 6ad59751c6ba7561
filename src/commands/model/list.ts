import { listModels, type ModelSummary } from '../../services/model/registry.ts';
import { parseFormat, printRows, withDatabase, type CommandContext } from '../context.ts';
import { fixed } from './format.ts';

export async function modelList(ctx: CommandContext, options: { json?: boolean; format?: string; columns?: string }): Promise<void> {
  const format = parseFormat(options.format, options.json);
  const models = await withDatabase(ctx, (db) => listModels(db.em));
  printRows(
    ctx,
    format,
    [
      { header: 'active', value: (m: ModelSummary) => (m.active ? '*' : ''), raw: (m: ModelSummary) => m.active },
      { header: 'id', value: (m) => m.id },
      { header: 'name', value: (m) => m.name },
      { header: 'version', value: (m) => m.version, align: 'right' },
      { header: 'heads', value: (m) => m.heads.join(',') },
      { header: 'samples', key: 'sampleCount', value: (m) => m.sampleCount, align: 'right' },
      { header: 'category macro-F1', key: 'categoryMacroF1', value: (m) => fixed(m.macroF1.category), raw: (m) => m.macroF1.category ?? null, align: 'right' },
      { header: 'trained at', key: 'trainedAt', value: (m) => m.trainedAt },
    ],
    models,
    models,
    options,
  );
}
