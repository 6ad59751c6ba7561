import type { Column } from '../../output/render.ts';
import { listTickets, type TicketFilters, type TicketRow } from '../../services/tickets/tickets.ts';
import { parseFormat, printRows, withDatabase, type CommandContext } from '../context.ts';

export interface ListOptions extends Omit<TicketFilters, 'limit' | 'offset'> {
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
    { header: 'created', value: (t) => (table ? t.createdAt.slice(0, 16).replace('T', ' ') : t.createdAt), keep: true },
    { header: 'subject', value: (t) => (table ? shorten(t.subject, 60) : t.subject) },
  ];
}

export function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
}

export async function ticketsList(ctx: CommandContext, options: ListOptions): Promise<void> {
  const format = parseFormat(options.format, options.json);
  const rows = await withDatabase(ctx, (db) =>
    listTickets(db.em, {
      ...options,
      limit: wholeNumber(options.limit, '--limit'),
      offset: wholeNumber(options.offset, '--offset'),
    }),
  );
  printRows(ctx, format, ticketColumns(format === 'table'), rows, rows, options);
}
