import type { Column } from '../../output/render.ts';
import { resolvePipelineConfig } from '../../services/pipeline/settings.ts';
import { validTimeZone } from '../../services/pipeline/config.ts';
import { dailyReport, reportRange, type DailyRow } from '../../services/stats/report.ts';
import { parseFormat, printRows, withDatabase, type CommandContext } from '../context.ts';

export interface DailyFlags {
  from?: string;
  to?: string;
  tz?: string;
  config?: string;
  format?: string;
  json?: boolean;
}

const pct = (v: number | null): string => (v === null ? '' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 1): string => (v === null ? '' : v.toFixed(digits));

export const DAILY_COLUMNS: Column<DailyRow>[] = [
  { header: 'day', value: (r) => r.day },
  { header: 'new', value: (r) => r.newTickets, align: 'right' },
  { header: 'auto-resolved', value: (r) => r.autoResolved, align: 'right' },
  { header: 'auto %', value: (r) => pct(r.autoResolvedShare), align: 'right' },
  { header: 'escalated', value: (r) => r.escalated, align: 'right' },
  { header: 'routed', value: (r) => r.routed, align: 'right' },
  { header: 'queued', value: (r) => r.queued, align: 'right' },
  { header: 'AI accuracy', value: (r) => pct(r.aiAccuracy), align: 'right' },
  { header: 'routing errors', value: (r) => r.routingErrors, align: 'right' },
  { header: '1st response min', value: (r) => num(r.avgFirstResponseMinutes), align: 'right' },
  { header: 'SLA breaches l/m/h/c', value: (r) => `${r.slaBreaches.low}/${r.slaBreaches.medium}/${r.slaBreaches.high}/${r.slaBreaches.critical}`, align: 'right' },
];

export async function statsDaily(ctx: CommandContext, flags: DailyFlags): Promise<void> {
  const format = parseFormat(flags.format, flags.json);
  const timeZone = flags.tz ? validTimeZone(flags.tz, '--tz') : resolvePipelineConfig({ config: flags.config }, ctx.io.env).timeZone;
  const range = reportRange({ from: flags.from, to: flags.to, timeZone });
  const report = await withDatabase(ctx, (db) => dailyReport(db.em, range));
  printRows(ctx, format, DAILY_COLUMNS, [...report.rows, report.total], report);
}
