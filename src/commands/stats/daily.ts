import { renderBarChart } from '../../output/chart.ts';
import type { Column, Format } from '../../output/render.ts';
import { dailyReport, parseDimension, parseHistory, reportRange, type DailyReport, type DailyRow, type Dimension } from '../../services/stats/report.ts';
import { configZone, statsTimeZone, tzFlag } from '../calendar.ts';
import { parseDayRange } from '../dates.ts';
import { isTerminal, note, parseFormat, print, printRows, withDatabase, type CommandContext, type OutputFlags } from '../context.ts';

export interface DailyFlags {
  from?: string;
  to?: string;
  tz?: string;
  by?: string;
  /** include or exclude (default) imported history. */
  history?: string;
  config?: string;
  format?: string;
  json?: boolean;
  chart?: boolean;
  columns?: string;
}

const pct = (v: number | null): string => (v === null ? '' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 1): string => (v === null ? '' : v.toFixed(digits));

/** The overall table (as `demo` shows it). */
export const DAILY_COLUMNS = dailyTableColumns(null);

/** Table columns: compact, percentages and the four SLA figures in one cell. */
export function dailyTableColumns(by: Dimension | null): Column<DailyRow>[] {
  return [
    { header: 'day', value: (r) => r.day },
    ...(by ? [{ header: by, value: (r: DailyRow) => r.group }] : []),
    { header: 'new', value: (r) => r.newTickets, align: 'right' },
    { header: 'auto-resolved', value: (r) => r.autoResolved, align: 'right' },
    { header: 'auto %', value: (r) => pct(r.autoResolvedShare), align: 'right' },
    { header: 'escalated', value: (r) => r.escalated, align: 'right' },
    { header: 'routed', value: (r) => r.routed, align: 'right' },
    { header: 'queued', value: (r) => r.queued, align: 'right' },
    { header: 'AI accuracy', value: (r) => pct(r.aiAccuracy), align: 'right' },
    { header: 'routing errors', value: (r) => r.routingErrors, align: 'right' },
    { header: 'triaged by person', value: (r) => r.triagedByPerson, align: 'right' },
    { header: '1st response min', value: (r) => num(r.avgFirstResponseMinutes), align: 'right' },
    { header: 'SLA breaches l/m/h/c', value: (r) => `${r.slaBreaches.low}/${r.slaBreaches.medium}/${r.slaBreaches.high}/${r.slaBreaches.critical}`, align: 'right' },
    { header: 'backlog', value: (r) => r.backlog, align: 'right' },
  ];
}

/** CSV columns: one value per cell, camelCase like the JSON keys, ratios as numbers (0.5, never "50.0%"). */
export function dailyCsvColumns(by: Dimension | null): Column<DailyRow>[] {
  return [
    { header: 'day', value: (r) => r.day },
    ...(by ? [{ header: by, value: (r: DailyRow) => r.group }] : []),
    { header: 'newTickets', value: (r) => r.newTickets },
    { header: 'autoResolved', value: (r) => r.autoResolved },
    { header: 'autoResolvedShare', value: (r) => r.autoResolvedShare },
    { header: 'escalated', value: (r) => r.escalated },
    { header: 'routed', value: (r) => r.routed },
    { header: 'queued', value: (r) => r.queued },
    { header: 'predictionsConfirmed', value: (r) => r.predictionsConfirmed },
    { header: 'predictionsCorrected', value: (r) => r.predictionsCorrected },
    { header: 'aiAccuracy', value: (r) => r.aiAccuracy },
    { header: 'routingErrors', value: (r) => r.routingErrors },
    { header: 'triagedByPerson', value: (r) => r.triagedByPerson },
    { header: 'avgFirstResponseMinutes', value: (r) => (r.avgFirstResponseMinutes === null ? null : Number(r.avgFirstResponseMinutes.toFixed(2))) },
    { header: 'resolved', value: (r) => r.resolved },
    { header: 'slaBreachesLow', value: (r) => r.slaBreaches.low },
    { header: 'slaBreachesMedium', value: (r) => r.slaBreaches.medium },
    { header: 'slaBreachesHigh', value: (r) => r.slaBreaches.high },
    { header: 'slaBreachesCritical', value: (r) => r.slaBreaches.critical },
    { header: 'backlog', value: (r) => r.backlog },
  ];
}

/** Flags shared by `stats daily` and `export stats`: the range, time zone and dimension. */
export async function loadDailyReport(ctx: CommandContext, flags: DailyFlags): Promise<DailyReport> {
  const by = parseDimension(flags.by);
  const history = parseHistory(flags.history);
  const days = parseDayRange(flags);
  const named = [tzFlag(flags.tz), configZone(ctx, flags.config)];
  return withDatabase(ctx, (db) => {
    // Days of the database's calendar; "today" (the default --to) is today there too.
    const timeZone = statsTimeZone(db, ...named);
    return dailyReport(db.em, { ...reportRange({ ...days, timeZone }), timeZone, by, history });
  });
}

export function printDailyReport(ctx: CommandContext, format: Format, report: DailyReport, flags: OutputFlags = {}): void {
  const rows = [...report.rows, ...report.totals, report.total];
  printRows(ctx, format, format === 'csv' ? dailyCsvColumns(report.by) : dailyTableColumns(report.by), rows, report, flags);
}

/** New tickets per day over all groups. */
export function dailyVolume(report: DailyReport): { label: string; value: number }[] {
  const perDay = new Map<string, number>();
  for (const r of report.rows) perDay.set(r.day, (perDay.get(r.day) ?? 0) + r.newTickets);
  return [...perDay].map(([label, value]) => ({ label, value }));
}

export async function statsDaily(ctx: CommandContext, flags: DailyFlags): Promise<void> {
  const format = parseFormat(flags.format, flags.json);
  const report = await loadDailyReport(ctx, flags);
  printDailyReport(ctx, format, report, flags);
  if (flags.chart) {
    // Under the table on a terminal; otherwise on stderr, so that stdout stays data.
    const terminal = format === 'table' && isTerminal(ctx);
    const chart = renderBarChart('new tickets per day', dailyVolume(report), { style: terminal ? ctx.out : ctx.err, width: Math.max(10, Math.min(50, (ctx.io.stdout.columns ?? 80) - 20)) });
    if (terminal) print(ctx, '\n' + chart);
    else note(ctx, chart);
  }
}
