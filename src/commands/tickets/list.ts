import type { Column } from '../../output/render.ts';
import { listTickets, type TicketFilters, type TicketRow } from '../../services/tickets/tickets.ts';
import { parseFormat, printRows, withDatabase, type CommandContext } from '../context.ts';
import { UsageError } from '../../errors.ts';

export interface ListOptions extends Omit<TicketFilters, 'limit' | 'offset'> {
  limit?: string;
  offset?: string;
  json?: boolean;
  format?: string;
}

const shorten = (text: string, max: number): string => (text.length > max ? text.slice(0, max - 1) + '…' : text);

export function ticketColumns(table: boolean): Column<TicketRow>[] {
  return [
    { header: 'number', value: (t) => t.number, align: 'right' },
    { header: 'status', value: (t) => t.status },
    { header: 'priority', value: (t) => t.priority },
    { header: 'language', value: (t) => t.language },
    { header: 'source', value: (t) => t.source },
    { header: 'category', value: (t) => t.category },
    { header: 'department', value: (t) => t.department },
    { header: 'operator', value: (t) => t.operator },
    { header: 'created', value: (t) => (table ? t.createdAt.slice(0, 16).replace('T', ' ') : t.createdAt) },
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
  const rows = await withDatabase(ctx, (db) =>
    listTickets(db.em, {
      ...options,
      limit: wholeNumber(options.limit, '--limit', 1, 10_000),
      offset: wholeNumber(options.offset, '--offset', 0),
    }),
  );
  printRows(ctx, format, ticketColumns(format === 'table'), rows);
}
