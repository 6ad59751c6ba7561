import { sql, type Kysely } from 'kysely';
import { UsageError } from '../../errors.ts';
import { parseTimestamp } from '../import/rows.ts';
import { timeTextSql, type TimesIn } from '../time-zone.ts';

/** One audited change (written by the helpdesk_audit() trigger, src/db/roles.ts). */
export interface AuditRow {
  id: number;
  at: string;
  login: string;
  table: string;
  action: string;
  rowId: string | null;
  ticketId: string | null;
  /** For an update, only the changed columns; for an insert null; for a delete the whole row. */
  old: Record<string, unknown> | null;
  new: Record<string, unknown> | null;
  command: string | null;
}

export interface AuditFilters {
  table?: string | undefined;
  /** ISO date or date-time: changes at or after it. */
  since?: Date | undefined;
  who?: string | undefined;
  ticketId?: string | undefined;
  limit?: number | undefined;
}

/** The flag's value as a time (a date alone is its midnight UTC). */
export function parseSince(value: string): Date {
  const parsed = parseTimestamp(value.trim());
  if (!parsed) throw new UsageError(`--since must be a date or date-time, e.g. 2026-12-01 or 2026-12-01T09:30:00Z (got "${value}")`);
  return new Date(parsed);
}

/** Whether this login may read the audit trail at all (analysts and the pipeline may not). */
export async function canReadAudit(db: Kysely<any>): Promise<boolean> {
  const [row] = (await sql<{ ok: boolean }>`select has_table_privilege('audit_log', 'select') as ok`.execute(db)).rows;
  return row?.ok === true;
}

/**
 * Changes, newest first (an agent sees those of the tickets of their departments); their times as
 * UTC instants (the `audit` command), or local times of a zone (`tickets show`, beside the
 * ticket's own times).
 */
export async function listAudit(db: Kysely<any>, filters: AuditFilters, times: TimesIn = 'utc'): Promise<AuditRow[]> {
  const limit = filters.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UsageError(`--limit must be a whole number from 1 to 100000 (got ${filters.limit})`);
  const conditions = [sql`true`];
  if (filters.table) conditions.push(sql`table_name = ${filters.table.trim().toLowerCase()}`);
  if (filters.since) conditions.push(sql`at >= ${filters.since}`);
  if (filters.who) conditions.push(sql`login = ${filters.who.trim()}`);
  if (filters.ticketId) conditions.push(sql`ticket_id = ${filters.ticketId}::uuid`);
  const rows = (
    await sql<Record<string, unknown>>`
      select id, ${timeTextSql('at', times)} as at, login, table_name, action, row_id, ticket_id, old_values, new_values, command
      from audit_log where ${sql.join(conditions, sql` and `)}
      order by audit_log.at desc, id desc limit ${limit}`.execute(db)
  ).rows;
  return rows.map((r) => ({
    id: Number(r.id),
    at: String(r.at),
    login: String(r.login),
    table: String(r.table_name),
    action: String(r.action),
    rowId: (r.row_id as string | null) ?? null,
    ticketId: (r.ticket_id as string | null) ?? null,
    old: (r.old_values as Record<string, unknown> | null) ?? null,
    new: (r.new_values as Record<string, unknown> | null) ?? null,
    command: (r.command as string | null) ?? null,
  }));
}

const show = (v: unknown): string => (v === null || v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));

/** "status: new → closed, priority: none → high" for an update; the row's name or id otherwise. */
export function describeChange(row: AuditRow): string {
  if (row.action === 'update' && row.old && row.new) {
    return Object.keys(row.new).map((k) => `${k}: ${show(row.old![k])} → ${show(row.new![k])}`).join(', ');
  }
  if (row.action === 'import' && row.new) return `imported ${show(row.new.created)} tickets from ${show(row.new.file)} (${show(row.new.skipped)} skipped)`;
  const values = row.new ?? row.old ?? {};
  const label = values.name ?? values.email ?? values.number ?? values.login ?? row.rowId;
  return `${row.action === 'insert' ? 'created' : 'deleted'} ${show(label)}`;
}
