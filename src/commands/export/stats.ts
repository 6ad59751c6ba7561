import { renderCsv, renderJson } from '../../output/render.ts';
import { dailyCsvColumns, loadDailyReport, type DailyFlags } from '../stats/daily.ts';
import { note, type CommandContext } from '../context.ts';
import { openSink, parseExportFormat } from './output.ts';

export interface StatsExportFlags extends DailyFlags {
  out?: string;
}

/** The figures of `stats daily` (same flags, same report) as CSV or JSON, to a file or stdout. */
export async function exportStatsCommand(ctx: CommandContext, flags: StatsExportFlags): Promise<void> {
  const format = parseExportFormat(flags.format, ['csv', 'json'], 'csv');
  const report = await loadDailyReport(ctx, flags);
  const sink = await openSink(ctx, flags.out);
  let complete = false;
  try {
    await sink.write(format === 'json' ? renderJson(report) : renderCsv(dailyCsvColumns(report.by), [...report.rows, ...report.totals, report.total]));
    complete = true;
  } finally {
    await sink.close(complete);
  }
  note(ctx, `exported ${new Set(report.rows.map((r) => r.day)).size} days${report.by ? ` by ${report.by}` : ''} (${report.from} to ${report.to}) and totals to ${sink.name}`);
}
