import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { HelpdeskSchema, TicketTable } from '../../db/schema.ts';
import type { Language, Priority, TicketSource, TicketStatus } from '../../entities/enums.ts';
import { NotAllowedError, NotFoundError } from '../../errors.ts';
import { canReadAudit, listAudit, type AuditRow } from '../audit/audit.ts';
import { sqlTimeZone, timeTextSql, type TimesIn } from '../time-zone.ts';
import { parseTicketRef } from './references.ts';

// `tickets list` and `tickets show` in plain SQL over the Kysely handle: tickets with their names
// joined in, and for one ticket its messages and predictions and its audit trail. They need no
// ORM, so the commands open the database without one (issue 12); `tickets review` reads through
// the ORM's connection.

export interface TicketRow {
  id: string;
  number: number;
  status: TicketStatus;
  priority: Priority | null;
  language: Language | null;
  source: TicketSource;
  category: string | null;
  department: string | null;
  operator: string | null;
  subject: string;
  createdAt: string;
  /** Imported history (counted apart from the day's intake). */
  history: boolean;
}

export interface TicketDetail extends TicketRow {
  externalId: string | null;
  user: { email: string; name: string | null } | null;
  body: string;
  issueType: string | null;
  escalated: boolean;
  contentHash: string;
  updatedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  slaDueAt: string | null;
  messages: { authorKind: string; author: string | null; body: string; createdAt: string }[];
  predictions: {
    id: string;
    createdAt: string;
    category: string | null;
    department: string | null;
    priority: string | null;
    confidence: number;
    decision: string;
    review: string;
    correctedCategory: string | null;
    correctedDepartment: string | null;
    reviewedAt: string | null;
  }[];
}

/**
 * The columns of a TicketRow: a ticket with the names of its category, department and operator,
 * its creation time as `times` asks. The list and the detail both start from it.
 */
function selectTicketRows(db: Kysely<HelpdeskSchema>, times: TimesIn) {
  return db
    .selectFrom('tickets as t')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .leftJoin('departments as d', 'd.id', 't.department_id')
    .leftJoin('operators as o', 'o.id', 't.operator_id')
    .select([
      't.id',
      't.number',
      't.status',
      't.priority',
      't.language',
      't.source',
      'c.name as category',
      'd.name as department',
      'o.email as operator',
      't.subject',
      timeTextSql('t.created_at', times).as('created_at'),
      't.history',
    ]);
}

type SelectedRow = Awaited<ReturnType<ReturnType<typeof selectTicketRows>['executeTakeFirstOrThrow']>>;

/** A TicketRow from a row of selectTicketRows (with or without more columns). */
function ticketRow(r: SelectedRow): TicketRow {
  return {
    id: r.id,
    number: Number(r.number),
    status: r.status,
    priority: r.priority ?? null,
    language: r.language ?? null,
    source: r.source,
    category: r.category ?? null,
    department: r.department ?? null,
    operator: r.operator ?? null,
    subject: r.subject,
    createdAt: r.created_at,
    history: r.history,
  };
}

/** What `tickets list` lists: values already parsed from the flags (by the command). */
export interface TicketListFilters {
  status?: TicketStatus | undefined;
  language?: Language | undefined;
  source?: TicketSource | undefined;
  /** A category by name, matched regardless of case; unknown is an error naming the known ones. */
  category?: string | undefined;
  /** A department by name, the same way. */
  department?: string | undefined;
  /** Created on or after this day (YYYY-MM-DD) of `timeZone`. */
  from?: string | undefined;
  /** Created on or before this day (YYYY-MM-DD) of `timeZone`: the whole day is included. */
  to?: string | undefined;
  /** The database's statistics time zone: days are its days (as in `stats daily`), times shown in it. */
  timeZone: string;
  /** Imported history listed too (true) or left out (false, as in `stats daily`). */
  history: boolean;
  limit: number;
  offset: number;
}

export interface TicketList {
  /** Newest first, `limit` of them after `offset`. */
  tickets: TicketRow[];
  /** Tickets of imported history that match the filters but were left out (0 when listed). */
  historyLeftOut: number;
}

const nameKey = (name: string): string => name.trim().toLowerCase();

/**
 * The category or department of `all` named `name` regardless of case (compared here rather
 * than with lower() in SQL, which follows the database's locale); unknown is an error naming the known ones.
 */
export function namedIn<T extends { name: string }>(all: T[], name: string, what: string): T {
  const found = all.find((e) => nameKey(e.name) === nameKey(name));
  if (!found) throw new NotFoundError(`unknown ${what} "${name}" (known: ${all.map((e) => e.name).sort().join(', ') || 'none'})`);
  return found;
}

async function idByName(db: Kysely<HelpdeskSchema>, table: 'categories' | 'departments', name: string, what: string): Promise<string> {
  return namedIn(await db.selectFrom(table).select(['id', 'name']).execute(), name, what).id;
}

/**
 * Tickets newest first, with the count of imported history the filters match but left out.
 * Days are bounded in SQL (`day::timestamp at time zone`) as `stats daily` and the exports bound
 * them, and times are formatted by the database (localTimeSql): no Intl formatter in the process.
 */
export async function listTickets(db: Kysely<HelpdeskSchema>, filters: TicketListFilters): Promise<TicketList> {
  const categoryId = filters.category ? await idByName(db, 'categories', filters.category, 'category') : undefined;
  const departmentId = filters.department ? await idByName(db, 'departments', filters.department, 'department') : undefined;
  const tz = sql.raw(sqlTimeZone(filters.timeZone));
  const matching = (eb: ExpressionBuilder<HelpdeskSchema & { t: TicketTable }, 't'>) => {
    const parts: Expression<SqlBool>[] = [];
    if (filters.status) parts.push(eb('t.status', '=', filters.status));
    if (filters.language) parts.push(eb('t.language', '=', filters.language));
    if (filters.source) parts.push(eb('t.source', '=', filters.source));
    if (categoryId) parts.push(eb('t.category_id', '=', categoryId));
    if (departmentId) parts.push(eb('t.department_id', '=', departmentId));
    if (filters.from) parts.push(eb('t.created_at', '>=', sql<string>`(${filters.from}::date::timestamp at time zone ${tz})`));
    if (filters.to) parts.push(eb('t.created_at', '<', sql<string>`((${filters.to}::date + 1)::timestamp at time zone ${tz})`));
    return eb.and(parts);
  };
  const rows = await selectTicketRows(db, { timeZone: filters.timeZone })
    .where(matching)
    .$if(!filters.history, (q) => q.where('t.history', '=', false))
    .orderBy('t.created_at', 'desc')
    .orderBy('t.number', 'desc')
    .limit(filters.limit)
    .offset(filters.offset)
    .execute();
  const historyLeftOut = filters.history
    ? 0
    : Number((await db.selectFrom('tickets as t').select((eb) => eb.fn.countAll<string>().as('n')).where(matching).where('t.history', '=', true).executeTakeFirstOrThrow()).n);
  return { tickets: rows.map(ticketRow), historyLeftOut };
}

/**
 * The error for a ticket this login did not find: not allowed when row-level security hides an
 * existing ticket from it (PostgreSQL server only), else not found.
 */
export async function missingTicket(db: Kysely<any>, text: string): Promise<NotAllowedError | NotFoundError> {
  if (await hiddenByRowSecurity(db, text.replace('#', ''))) {
    const [me] = (await sql<{ login: string }>`select session_user as login`.execute(db)).rows;
    return new NotAllowedError(`ticket ${text} is not in your departments: it needs helpdesk_admin, or helpdesk_agent tied to an operator of its department (you are "${me?.login}")`);
  }
  return new NotFoundError(`no ticket ${text}`);
}

async function hiddenByRowSecurity(db: Kysely<any>, ref: string): Promise<boolean> {
  const [fn] = (await sql<{ ok: boolean }>`select to_regprocedure('helpdesk_ticket_exists(text)') is not null as ok`.execute(db)).rows;
  if (!fn?.ok) return false;
  const [row] = (await sql<{ ok: boolean }>`select helpdesk_ticket_exists(${ref}) as ok`.execute(db)).rows;
  return row?.ok === true;
}

/** A ticket with its names, its messages and predictions, and its audit trail (null when this login may not read it). */
export async function showTicket(db: Kysely<HelpdeskSchema>, ref: string, times: TimesIn): Promise<TicketDetail & { audit: AuditRow[] | null }> {
  const detail = await ticketDetail(db, ref, times);
  // The ticket's audit trail, oldest first; null when this login may not read it (analysts).
  const audit = (await canReadAudit(db)) ? (await listAudit(db, { ticketId: detail.id, limit: 1000 }, times)).reverse() : null;
  return { ...detail, audit };
}

/**
 * A ticket with its names, its messages and predictions: what `tickets show`, `create` and
 * `update` print (times in the statistics time zone) and `tickets review` shows (UTC).
 */
export async function ticketDetail(db: Kysely<HelpdeskSchema>, ref: string, times: TimesIn): Promise<TicketDetail> {
  const time = (column: string) => timeTextSql(column, times);
  const wanted = parseTicketRef(ref);
  const text = ref.trim();
  const ticket = await selectTicketRows(db, times)
    .leftJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.external_id',
      't.user_id',
      'u.email as user_email',
      'u.name as user_name',
      't.body',
      't.issue_type',
      't.escalated',
      't.content_hash',
      time('t.updated_at').as('updated_at'),
      time('t.first_response_at').as('first_response_at'),
      time('t.resolved_at').as('resolved_at'),
      time('t.closed_at').as('closed_at'),
      time('t.sla_due_at').as('sla_due_at'),
    ])
    .where((eb) =>
      wanted.kind === 'number'
        ? eb('t.number', '=', wanted.number)
        : wanted.kind === 'id'
          ? eb('t.id', '=', wanted.id)
          : eb.and([eb('t.source', '=', wanted.source as TicketSource), eb('t.external_id', '=', wanted.externalId)]),
    )
    .executeTakeFirst();
  if (!ticket) throw await missingTicket(db, text);
  const messages = await db
    .selectFrom('ticket_messages')
    .select(['author_kind', 'author', 'body', time('created_at').as('created_at')])
    .where('ticket_id', '=', ticket.id)
    .orderBy('ticket_messages.created_at')
    .orderBy('id')
    .execute();
  const predictions = await db
    .selectFrom('ai_predictions as p')
    .leftJoin('categories as c', 'c.id', 'p.category_id')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .leftJoin('categories as cc', 'cc.id', 'p.corrected_category_id')
    .leftJoin('departments as cd', 'cd.id', 'p.corrected_department_id')
    .select([
      'p.id',
      time('p.created_at').as('created_at'),
      'c.name as category',
      'd.name as department',
      'p.priority',
      'p.confidence',
      'p.decision',
      'p.review',
      'cc.name as corrected_category',
      'cd.name as corrected_department',
      time('p.reviewed_at').as('reviewed_at'),
    ])
    .where('p.ticket_id', '=', ticket.id)
    .orderBy('p.created_at')
    .orderBy('p.id')
    .execute();
  const detail: TicketDetail = {
    ...ticketRow(ticket),
    externalId: ticket.external_id ?? null,
    // A user this login may not see keeps the reference without its e-mail, as the ORM's did.
    user: ticket.user_id ? { email: ticket.user_email as string, name: ticket.user_name ?? null } : null,
    body: ticket.body,
    issueType: ticket.issue_type ?? null,
    escalated: ticket.escalated,
    contentHash: ticket.content_hash,
    updatedAt: ticket.updated_at,
    firstResponseAt: ticket.first_response_at,
    resolvedAt: ticket.resolved_at,
    closedAt: ticket.closed_at,
    slaDueAt: ticket.sla_due_at,
    messages: messages.map((m) => ({ authorKind: m.author_kind, author: m.author ?? null, body: m.body, createdAt: m.created_at })),
    predictions: predictions.map((p) => ({
      id: p.id,
      createdAt: p.created_at,
      category: p.category ?? null,
      department: p.department ?? null,
      priority: p.priority ?? null,
      confidence: Number(p.confidence),
      decision: p.decision,
      review: p.review,
      correctedCategory: p.corrected_category ?? null,
      correctedDepartment: p.corrected_department ?? null,
      reviewedAt: p.reviewed_at,
    })),
  };
  return detail;
}
