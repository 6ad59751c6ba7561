import type { Column } from '../../output/render.ts';
import { validTimeZone } from '../../services/pipeline/config.ts';
import { resolvePipelineConfig } from '../../services/pipeline/settings.ts';
import { modelAccuracy, parsePeriod, type ModelAccuracyRow } from '../../services/stats/models.ts';
import { reportRange } from '../../services/stats/report.ts';
import { parseFormat, printRows, withDatabase, type CommandContext } from '../context.ts';

export interface ModelsFlags {
  from?: string;
  to?: string;
  tz?: string;
  period?: string;
  model?: string;
  config?: string;
  format?: string;
  json?: boolean;
  columns?: string;
}

const pct = (v: number | null): string => (v === null ? '' : `${(v * 100).toFixed(1)}%`);

const COLUMNS: Column<ModelAccuracyRow>[] = [
  { header: 'model', value: (r) => r.model },
  { header: 'period', value: (r) => r.period },
  { header: 'language', value: (r) => r.language },
  { header: 'predictions', value: (r) => r.predictions, align: 'right' },
  { header: 'confirmed', value: (r) => r.confirmed, align: 'right' },
  { header: 'corrected', value: (r) => r.corrected, align: 'right' },
  { header: 'accuracy', value: (r) => pct(r.accuracy), align: 'right' },
  { header: 'reviewed', value: (r) => pct(r.reviewedShare), align: 'right' },
  { header: 'avg confidence', value: (r) => (r.avgConfidence === null ? '' : r.avgConfidence.toFixed(3)), align: 'right' },
  { header: 'auto-resolved', value: (r) => r.autoResolved, align: 'right' },
  { header: 'escalated', value: (r) => r.escalated, align: 'right' },
];

export async function statsModels(ctx: CommandContext, flags: ModelsFlags): Promise<void> {
  const format = parseFormat(flags.format, flags.json);
  const period = parsePeriod(flags.period);
  const timeZone = flags.tz ? validTimeZone(flags.tz, '--tz') : resolvePipelineConfig({ config: flags.config }, ctx.io.env).timeZone;
  const range = reportRange({ from: flags.from, to: flags.to, days: 90, timeZone });
  const rows = await withDatabase(ctx, (db) => modelAccuracy(db.em, { ...range, timeZone, period, model: flags.model }));
  printRows(ctx, format, COLUMNS, rows, { ...range, timeZone, period, rows }, flags);
}
