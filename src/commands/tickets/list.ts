import type { Column } from '../../output/render.ts';
import { LANGUAGES, TICKET_SOURCES, TICKET_STATUSES } from '../../entities/enums.ts';
import { listTickets, type TicketRow } from '../../services/tickets/ticket-store.ts';
import { oneOf } from '../../services/one-of.ts';
import { statsTimeZone } from '../calendar.ts';
import { plural } from '../../output/plural.ts';
import { parseHistory } from '../../services/stats/report.ts';
import { note, parseFormat, printRows, withDatabase, type CommandContext } from '../context.ts';
import { parseDayRange } from '../dates.ts';
import { UsageError } from '../../errors.ts';

export interface ListOptions {
  status?: string;
  department?: string;
  category?: string;
  language?: string;
  source?: string;
  from?: string;
  to?: string;
  /** include or exclude (default) imported history, as `stats daily --history`. */
  history?: string;
  limit?: string;
  offset?: string;
  json?: boolean;
  format?: string;
  columns?: string;
}

const shorten = (text: string, max: number): string => (text.length > max ? text.slice(0, max - 1) + '…' : text);

export function ticketColumns(table: boolean): Column<TicketRow>[] {
  return [
    // On a narrow terminal the source, operator, priority and category go first (in that order);
    // number, status, language and the time are never cut; the subject gives way.
    { header: 'number', value: (t) => t.number, align: 'right' },
    { header: 'status', value: (t) => t.status, keep: true },
    { header: 'priority', value: (t) => t.priority, drop: 3 },
    { header: 'language', value: (t) => t.language, keep: true },
    { header: 'source', value: (t) => t.source, drop: 1 },
    { header: 'category', value: (t) => t.category, drop: 4 },
    { header: 'department', value: (t) => t.department },
    { header: 'operator', value: (t) => t.operator, drop: 2 },
    // Local time of the statistics time zone with its offset: "2026-11-30 09:15 +05:00" in a table.
    { header: 'created', key: 'createdAt', value: (t) => (table ? `${t.createdAt.slice(0, 16).replace('T', ' ')} ${t.createdAt.slice(19)}` : t.createdAt), raw: (t) => t.createdAt, keep: true },
    { header: 'subject', value: (t) => (table ? shorten(t.subject, 60) : t.subject) },
  ];
}

/** A whole-number flag from `min` to `max`; anything else is a usage error quoting what was typed. */
export function wholeNumber(value: string | undefined, flag: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `, ${min} or more` : `from ${min} to ${max}`} (got "${value}")`.replace(' ,', ','));
  }
  return n;
}

export async function ticketsList(ctx: CommandContext, options: ListOptions): Promise<void> {
  const format = parseFormat(options.format, options.json);
  const days = parseDayRange(options);
  const history = parseHistory(options.history) === 'include';
  const limit = wholeNumber(options.limit, '--limit', 1, 10_000) ?? 50;
  const offset = wholeNumber(options.offset, '--offset', 0) ?? 0;
  // An empty value filters nothing, as before.
  const status = options.status ? oneOf(TICKET_STATUSES, options.status, '--status') : undefined;
  const language = options.language ? oneOf(LANGUAGES, options.language, '--language') : undefined;
  const source = options.source ? oneOf(TICKET_SOURCES, options.source, '--source') : undefined;
  // Plain SQL without the ORM (issue 12) and without an Intl formatter: 133-142 ms instead of
  // 345-354 ms wall, 110 ms instead of 330-350 ms CPU, 62 MB instead of 82 MB on PostgreSQL (medians
  // of two interleaved A/B runs of 31 rounds). --from/--to are days of the database's statistics
  // time zone and times are shown in it, both worked out by the database, so a `stats daily`
  // row's tickets are `tickets list --from D --to D`.
  const { tickets, historyLeftOut } = await withDatabase(
    ctx,
    (db) => listTickets(db.sql, { status, language, source, category: options.category, department: options.department, ...days, timeZone: statsTimeZone(db), history, limit, offset }),
    { orm: false },
  );
  printRows(ctx, format, ticketColumns(format === 'table'), tickets, tickets, options);
  if (historyLeftOut > 0) note(ctx, `${plural(historyLeftOut, 'ticket')} of imported history not listed (--history include lists them)`);
}
