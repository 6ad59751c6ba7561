import type { Column } from '../../output/render.ts';
import { configZone, statsTimeZone, tzFlag } from '../calendar.ts';
import { parseDayRange } from '../dates.ts';
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
  { header: 'accuracy', value: (r) => pct(r.accuracy), raw: (r) => r.accuracy, align: 'right' },
  { header: 'reviewed', key: 'reviewedShare', value: (r) => pct(r.reviewedShare), raw: (r) => r.reviewedShare, align: 'right' },
  { header: 'avg confidence', key: 'avgConfidence', value: (r) => (r.avgConfidence === null ? '' : r.avgConfidence.toFixed(3)), raw: (r) => r.avgConfidence, align: 'right' },
  { header: 'auto-resolved', key: 'autoResolved', value: (r) => r.autoResolved, align: 'right' },
  { header: 'escalated', value: (r) => r.escalated, align: 'right' },
  { header: 'language barely known', key: 'thinLanguage', value: (r) => r.thinLanguage, align: 'right' },
];

export async function statsModels(ctx: CommandContext, flags: ModelsFlags): Promise<void> {
  const format = parseFormat(flags.format, flags.json);
  const period = parsePeriod(flags.period);
  const days = parseDayRange(flags);
  const named = [tzFlag(flags.tz), configZone(ctx, flags.config)];
  const { range, timeZone, rows } = await withDatabase(ctx, async (db) => {
    const timeZone = statsTimeZone(db, ...named);
    const range = reportRange({ ...days, days: 90, timeZone });
    return { range, timeZone, rows: await modelAccuracy(db.em, { ...range, timeZone, period, model: flags.model }) };
  });
  printRows(ctx, format, COLUMNS, rows, { ...range, timeZone, period, rows }, flags);
}
