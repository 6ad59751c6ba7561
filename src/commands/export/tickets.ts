import { plural } from '../../output/plural.ts';
import { exportTickets, parseLanguages, parseStatuses, type TicketExportRow } from '../../services/export/exports.ts';
import { exportDayRange, exportTimeZone, exportZones, type CommonExportFlags } from './common.ts';
import { note, withDatabase, type CommandContext } from '../context.ts';
import { parseExportFormat, writePages } from './output.ts';

export interface TicketsExportFlags extends CommonExportFlags {
  status?: string;
}

const COLUMNS: (keyof TicketExportRow & string)[] = [
  'number', 'id', 'created_at', 'source', 'language', 'status', 'priority', 'issue_type', 'category', 'department', 'operator', 'user_email',
  'subject', 'body', 'first_response_at', 'resolved_at', 'closed_at', 'sla_due_at', 'predicted_category', 'predicted_department',
  'predicted_priority', 'predicted_issue_type', 'confidence', 'decision', 'review', 'corrected_category', 'corrected_department', 'model', 'predicted_at',
];

export async function exportTicketsCommand(ctx: CommandContext, flags: TicketsExportFlags): Promise<void> {
  const format = parseExportFormat(flags.format, ['csv', 'jsonl'], 'csv') as 'csv' | 'jsonl';
  const { from, to } = exportDayRange(flags);
  const languages = parseLanguages(flags.language);
  const statuses = parseStatuses(flags.status);
  const zones = exportZones(ctx, flags);
  const started = performance.now();
  const { written, sinkName } = await withDatabase(ctx, async (db) =>
    writePages(ctx, flags.out, format, COLUMNS, await exportTickets(db.em.getKysely<any>(), { from, to, timeZone: exportTimeZone(db, zones), languages, statuses, redact: flags.redact !== false }), 'tickets'),
  );
  note(ctx, `exported ${plural(written, 'ticket')} to ${sinkName} in ${((performance.now() - started) / 1000).toFixed(2)} s${flags.redact === false ? ', personal data NOT redacted' : ''}`);
}
