import { plural } from '../../output/plural.ts';
import { exportTrainingSamples, parseLabelSources, parseLanguages, type SampleRow } from '../../services/export/exports.ts';
import { parseSplit } from '../../services/export/split.ts';
import { exportDayRange, exportTimeZone, exportZones, type CommonExportFlags } from './common.ts';
import { note, withDatabase, type CommandContext } from '../context.ts';
import { parseExportFormat, writePages } from './output.ts';

export interface TrainingSamplesFlags extends CommonExportFlags {
  labelSource?: string;
  split?: string;
}

const COLUMNS = ['id', 'created_at', 'text', 'language', 'category', 'priority', 'issue_type', 'department', 'label_source'] as const;

export async function exportTrainingSamplesCommand(ctx: CommandContext, flags: TrainingSamplesFlags): Promise<void> {
  const format = parseExportFormat(flags.format, ['csv', 'jsonl'], 'csv') as 'csv' | 'jsonl';
  const { from, to } = exportDayRange(flags);
  const languages = parseLanguages(flags.language);
  const labelSources = parseLabelSources(flags.labelSource);
  const split = parseSplit(flags.split);
  const zones = exportZones(ctx, flags);
  const started = performance.now();
  const parts = new Map<string, number>();
  const columns: (keyof SampleRow & string)[] = split ? [...COLUMNS, 'split'] : [...COLUMNS];
  const countSplit = (page: SampleRow[]): void => {
    if (split) for (const r of page) parts.set(r.split!, (parts.get(r.split!) ?? 0) + 1);
  };
  const { written, sinkName } = await withDatabase(ctx, async (db) =>
    writePages(
      ctx,
      flags.out,
      format,
      columns,
      await exportTrainingSamples(db.em.getKysely<any>(), { from, to, timeZone: exportTimeZone(db, zones), languages, labelSources, split, redact: flags.redact !== false }),
      'training samples',
      countSplit,
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const shares = split ? ` (${[...parts].sort().map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  note(ctx, `exported ${plural(written, 'training sample')}${shares} to ${sinkName} in ${seconds.toFixed(2)} s${flags.redact === false ? ', personal data NOT redacted' : ''}`);
}
