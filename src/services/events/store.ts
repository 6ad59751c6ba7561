import { sql, type Kysely } from 'kysely';

/** The kinds of events the triggers write (migration 20261202050000). */
export const EVENT_KINDS = ['created', 'decided', 'updated', 'confirmed', 'corrected', 'closed', 'sla_breached', 'operator_at_capacity'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** One event as `tickets watch --json` prints it: stable keys, always present. */
export interface TicketEventRow {
  id: string;
  at: string;
  event: string;
  ticket: string | null;
  ticket_id: string | null;
  department: string | null;
  operator: string | null;
  language: string | null;
  status: string | null;
  actor: string | null;
  data: Record<string, unknown>;
}

export interface EventFilter {
  kinds?: readonly string[] | undefined;
  departmentId?: string | undefined;
  language?: string | undefined;
  status?: string | undefined;
  /** Events of transactions that started at or after this instant. */
  since?: Date | undefined;
}

interface Raw {
  horizon: string;
  id: string | null;
  xid: string | null;
  created_at: Date | string | null;
  kind: string | null;
  ticket_number: string | null;
  ticket_id: string | null;
  department: string | null;
  operator: string | null;
  language: string | null;
  status: string | null;
  actor: string | null;
  data: Record<string, unknown> | string | null;
}

/**
 * Reads the event stream without a gap or a duplicate, even though event ids are not in commit
 * order (a transaction that took id 9 can commit after one that took id 10).
 *
 * Each read is one statement, so one snapshot, and also returns that snapshot's xmin: the oldest
 * transaction still running. Every transaction with a smaller xid has ended, and xids are never
 * handed out again, so every event with `xid < xmin` is now visible or never will be. The cursor
 * is that horizon plus the ids already printed with `xid >= horizon` (committed while older
 * transactions were still running): the next read asks for `xid >= horizon` and skips those ids.
 * So an event is printed as soon as it is committed, and once only; the set of remembered ids
 * stays as small as what committed during the longest running transaction.
 */
export class EventCursor {
  private horizon: string | null = null;
  private readonly printed = new Map<string, bigint>();

  private readonly filter: EventFilter;

  constructor(filter: EventFilter = {}) {
    this.filter = filter;
  }

  /** Start at "now": events already committed are not printed. */
  async skipExisting(db: Kysely<any>): Promise<void> {
    const rows = await this.query(db, { onlyIds: true, all: true });
    this.horizon = rows[0]!.horizon;
    const h = BigInt(this.horizon);
    for (const r of rows) if (r.id !== null && BigInt(r.xid!) >= h) this.printed.set(r.id, BigInt(r.xid!));
    // Events below the horizon are already out of reach of `xid >= horizon`.
  }

  /** The events committed since the last read (all of them, from `since`, on the first read). */
  async next(db: Kysely<any>): Promise<TicketEventRow[]> {
    const rows = await this.query(db, { onlyIds: false, all: this.horizon === null });
    const horizon = BigInt(rows[0]!.horizon);
    const out: TicketEventRow[] = [];
    for (const r of rows) {
      if (r.id === null || this.printed.has(r.id)) continue;
      const xid = BigInt(r.xid!);
      if (xid >= horizon) this.printed.set(r.id, xid);
      out.push(toRow(r));
    }
    for (const [id, xid] of this.printed) if (xid < horizon) this.printed.delete(id);
    this.horizon = horizon.toString();
    return out;
  }

  private async query(db: Kysely<any>, options: { onlyIds: boolean; all: boolean }): Promise<Raw[]> {
    const f = this.filter;
    const conditions = [sql`true`];
    if (!options.all) conditions.push(sql`e.xid >= ${this.horizon}::xid8`);
    if (!options.onlyIds) {
      if (f.since) conditions.push(sql`e.created_at >= ${f.since}`);
      if (f.kinds && f.kinds.length > 0) conditions.push(sql`e.kind = any(${[...f.kinds]}::text[])`);
      if (f.departmentId) conditions.push(sql`e.department_id = ${f.departmentId}::uuid`);
      if (f.language) conditions.push(sql`e.language = ${f.language}::language`);
      if (f.status) conditions.push(sql`e.status = ${f.status}::ticket_status`);
    } else {
      // Only what is at or above the horizon matters for skipping.
      conditions.push(sql`e.xid >= pg_snapshot_xmin(pg_current_snapshot())`);
    }
    const where = sql.join(conditions, sql` and `);
    const details = options.onlyIds
      ? sql`null::timestamptz as created_at, null as kind, null as ticket_number, null::uuid as ticket_id, null as department, null as operator, null as language, null as status, null as actor, null::jsonb as data`
      : sql`e.created_at, e.kind, e.ticket_number::text as ticket_number, e.ticket_id, d.name as department, o.email as operator, e.language::text as language, e.status::text as status, e.actor, e.data`;
    const result = await sql<Raw>`
      with h as materialized (select pg_snapshot_xmin(pg_current_snapshot())::text as horizon)
      select h.horizon, x.* from h left join lateral (
        select e.id::text as id, e.xid::text as xid, ${details}
        from ticket_events e
        left join departments d on d.id = e.department_id
        left join operators o on o.id = e.operator_id
        where ${where}
      ) x on true
      order by x.id::bigint`.execute(db);
    return result.rows;
  }
}

function toRow(r: Raw): TicketEventRow {
  const data = typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : (r.data ?? {});
  return {
    id: r.id!,
    at: new Date(r.created_at!).toISOString(),
    event: r.kind!,
    ticket: r.ticket_number,
    ticket_id: r.ticket_id,
    department: r.department,
    operator: r.operator,
    language: r.language,
    status: r.status,
    actor: r.actor,
    data,
  };
}
