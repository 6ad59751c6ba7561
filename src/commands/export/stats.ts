import { renderCsv, renderJson } from '../../output/render.ts';
import { dailyCsvColumns, loadDailyReport, type DailyFlags } from '../stats/daily.ts';
import { plural } from '../../output/plural.ts';
import { note, type CommandContext } from '../context.ts';
import { openSink, parseExportFormat } from './output.ts';

export interface StatsExportFlags extends DailyFlags {
  out?: string;
  /** Add the totals rows (kept out of the per-day rows by default). */
  totals?: boolean;
}

/** The figures of `stats daily` (same flags, same report) as CSV or JSON, to a file or stdout. */
export async function exportStatsCommand(ctx: CommandContext, flags: StatsExportFlags): Promise<void> {
  const format = parseExportFormat(flags.format, ['csv', 'json'], 'csv');
  const report = await loadDailyReport(ctx, flags);
  const sink = await openSink(ctx, flags.out);
  let complete = false;
  try {
    // Per-day rows only, so that summing a column is right; totals (day "total") with --totals.
    const totals = flags.totals === true;
    const { totals: groupTotals, total, ...perDay } = report;
    const json = totals ? report : perDay;
    await sink.write(format === 'json' ? renderJson(json) : renderCsv(dailyCsvColumns(report.by), totals ? [...report.rows, ...groupTotals, total] : report.rows));
    complete = true;
  } finally {
    await sink.close(complete);
  }
  note(ctx, `exported ${plural(new Set(report.rows.map((r) => r.day)).size, 'day')}${report.by ? ` by ${report.by}` : ''} (${report.from} to ${report.to})${flags.totals ? ' and totals' : ''} to ${sink.name}`);
}
