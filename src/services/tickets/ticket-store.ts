import { sql, type Kysely } from 'kysely';
import type { HelpdeskSchema } from '../../db/schema.ts';
import type { Language, Priority, TicketSource, TicketStatus } from '../../entities/enums.ts';
import { NotAllowedError, NotFoundError, UsageError } from '../../errors.ts';
import { canReadAudit, listAudit, type AuditRow } from '../audit/audit.ts';
import { timeTextSql, type TimesIn } from '../time-zone.ts';
import { parseTicketRef } from './references.ts';

// `tickets show` in plain SQL over the Kysely handle: one ticket with its names joined in, its
// messages and predictions, and its audit trail. It needs no ORM, so the command opens the
// database without one (issue 12); `tickets review` reads through the ORM's connection.

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
 * its creation time as `times` asks. ticketDetail starts from it.
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
