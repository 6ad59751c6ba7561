import type { EntityManager } from '@mikro-orm/sql';
import {
  Category,
  Department,
  LANGUAGES,
  Operator,
  PRIORITIES,
  Ticket,
  TICKET_SOURCES,
  TICKET_STATUSES,
  User,
  type Language,
  type Priority,
  type TicketSource,
  type TicketStatus,
} from '../../entities/index.ts';
import { NotFoundError, UsageError } from '../../errors.ts';
import { detectLanguage } from '../../ml/language.ts';
import { normaliseEmail } from '../email.ts';
import { oneOf } from '../one-of.ts';
import { trackTickets } from '../stats/contributions.ts';
import { DailyAccumulator } from '../stats/daily.ts';
import { checkOperator, lockTicket, rerouteWithin, type Routing } from './assignment.ts';
import { departmentSetByPerson, latestPrediction, recordCorrection, recordSample, type Correction } from './review.ts';
import { contentHash, deriveSubject, SUBJECT_MAX } from './text.ts';
import { parseTicketRef } from './references.ts';
import { missingTicket, namedIn, ticketDetail, type TicketDetail } from './ticket-store.ts';

export type { TicketDetail, TicketRow } from './ticket-store.ts';

const key = (name: string): string => name.trim().toLowerCase();

async function findByName<T extends Category | Department>(em: EntityManager, entity: typeof Category | typeof Department, name: string, what: string): Promise<T> {
  return namedIn((await em.find(entity as typeof Category, {})) as unknown as T[], name, what);
}

/** A ticket by number ("42" or "#42"), id (UUID) or source:external-id. */
export async function findTicket(em: EntityManager, ref: string): Promise<Ticket> {
  const wanted = parseTicketRef(ref);
  const where = wanted.kind === 'number' ? { number: Number(wanted.number) } : wanted.kind === 'id' ? { id: wanted.id } : { source: wanted.source as TicketSource, externalId: wanted.externalId };
  const ticket = await em.findOne(Ticket, where);
  if (!ticket) throw await missingTicket(em.getKysely(), ref.trim());
  return ticket;
}

export { showTicket } from './ticket-store.ts';

export interface NewTicket {
  subject?: string | undefined;
  body: string;
  source: string;
  language?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
}

/** A new ticket; it counts in daily_stats (days in `statsTimeZone`) at once, as the day's intake. */
export async function createTicket(em: EntityManager, input: NewTicket, statsTimeZone: string): Promise<TicketDetail> {
  const body = input.body.trim();
  if (!body) throw new UsageError('--body must not be empty');
  const subject = input.subject?.trim() || deriveSubject(body);
  if (subject.length > SUBJECT_MAX) throw new UsageError(`--subject is longer than ${SUBJECT_MAX} characters`);
  const source = oneOf(TICKET_SOURCES, input.source, '--source');
  const language = input.language ? oneOf(LANGUAGES, input.language, '--language') : detectLanguage(input.subject?.trim() ? `${subject}\n${body}` : body).language;
  const ticket = await em.transactional(async (tx) => {
    let user: User | null = null;
    if (input.email) {
      const email = normaliseEmail(input.email);
      if (email === null) throw new UsageError(`--email is not an e-mail address (got "${input.email}")`);
      // Stored lower-case; matched regardless of case for addresses stored before that.
      user = (await tx.find(User, { email: { $ilike: email.replace(/[\\%_]/g, '\\$&') } }))[0] ?? null;
      user ??= tx.create(User, { email, name: input.name?.trim() || null, kind: 'client' });
    }
    const created = tx.create(Ticket, { id: crypto.randomUUID(), source, subject, body, language, user, contentHash: contentHash(subject, body), status: 'new' } as never) as Ticket;
    const tracked = await trackTickets(tx.getKysely<any>(), statsTimeZone, [created.id]);
    await tx.flush();
    await tracked.commit(new DailyAccumulator());
    return created;
  });
  // Read back through the store `tickets show` uses (with the generated number).
  return ticketDetail(em.getKysely(), ticket.id, { timeZone: statsTimeZone });
}

export interface TicketChanges {
  status?: string | undefined;
  priority?: string | undefined;
  category?: string | undefined;
  department?: string | undefined;
  /** An operator's e-mail, or "none" to unassign. */
  operator?: string | undefined;
  /** Assign the operator even when they are of another department, lack the language, are inactive or at capacity. */
  force?: boolean | undefined;
}

export interface UpdateResult {
  ticket: TicketDetail;
  changed: string[];
  /** Set when the change confirmed or corrected an AI prediction. */
  corrected: Correction | null;
  /** A human-labelled training sample was recorded (or an existing one relabelled). */
  sample: boolean;
  /** Set when the ticket was routed again after a change of department. */
  routing: Routing | null;
}

/**
 * Changes a ticket; daily_stats follow in the same transaction (the ticket's contribution after
 * the change minus before: a new status, department, priority or a correction moves its counts),
 * with days in `statsTimeZone` (the database's).
 *
 * Department and operator stay consistent (./assignment.ts): a new category brings its default
 * department (unless `department` is given, or a person had put the ticket in its department),
 * a new department routes the ticket within it (unless `operator` is given), and a named
 * operator must fit the ticket unless `force`.
 */
export async function updateTicket(em: EntityManager, ref: string, changes: TicketChanges, statsTimeZone: string): Promise<UpdateResult> {
  const { force, ...values } = changes;
  if (Object.values(values).every((v) => v === undefined)) {
    throw new UsageError('nothing to change: give at least one of --status, --priority, --category, --department, --operator');
  }
  const result = await em.transactional(async (tx) => {
    const ticket = await findTicket(tx, ref);
    const before = await lockTicket(tx, ticket);
    const tracked = await trackTickets(tx.getKysely<any>(), statsTimeZone, [ticket.id]);
    await tx.populate(ticket, ['category', 'department', 'operator']);
    const changed: string[] = [];
    if (changes.status !== undefined) {
      const status = oneOf(TICKET_STATUSES, changes.status, '--status');
      if (status !== ticket.status) {
        ticket.status = status;
        const now = new Date();
        if (status === 'closed') {
          ticket.resolvedAt ??= now;
          ticket.closedAt ??= now;
        } else if (status === 'auto_resolved') ticket.resolvedAt ??= now;
        changed.push('status');
      }
    }
    if (changes.priority !== undefined) {
      const priority = oneOf(PRIORITIES, changes.priority, '--priority');
      if (priority !== ticket.priority) {
        ticket.priority = priority;
        changed.push('priority');
      }
    }
    const prediction = await latestPrediction(tx, ticket);
    let categoryChanged = false;
    if (changes.category !== undefined) {
      const category = await findByName<Category>(tx, Category, changes.category, 'category');
      if (category.id !== ticket.category?.id) {
        ticket.category = category;
        changed.push('category');
        categoryChanged = true;
      }
    }
    // The department: given; else the new category's default, unless a person chose the current one.
    let department: Department | null = null;
    const departmentGiven = changes.department !== undefined;
    if (changes.department !== undefined) department = await findByName<Department>(tx, Department, changes.department, 'department');
    else if (categoryChanged && !departmentSetByPerson(ticket, prediction)) {
      await tx.populate(ticket, ['category.defaultDepartment']);
      department = ticket.category!.defaultDepartment;
    }
    let departmentChanged = false;
    if (department && department.id !== ticket.department?.id) {
      ticket.department = department;
      departmentChanged = true;
    }
    let routing: Routing | null = null;
    let placedWithOperator = false;
    if (changes.operator !== undefined) {
      let operator: Operator | null = null;
      if (key(changes.operator) !== 'none') {
        const operators = await tx.find(Operator, {}, { populate: ['department'] });
        operator = operators.find((o) => key(o.email) === key(changes.operator!)) ?? null;
        if (!operator) throw new NotFoundError(`no operator with e-mail "${changes.operator}"`);
        // A ticket in no department goes to the operator's (placement, not a label a person gave).
        if (!ticket.department) {
          ticket.department = operator.department;
          placedWithOperator = true;
        }
        await checkOperator(tx, ticket, operator, before, force ?? false);
      }
      ticket.operator = operator;
    } else if (departmentChanged && ticket.department) {
      routing = await rerouteWithin(tx, ticket, ticket.department, before);
    }
    if (departmentChanged || placedWithOperator) changed.push('department');
    if ((ticket.operator?.id ?? null) !== before.operatorId) changed.push('operator');

    // What a person set is kept by the pipeline (tickets.human_fields): every field named.
    const named = (['category', 'priority', 'department', 'operator'] as const).filter((field) => changes[field] !== undefined);
    const humanFields = [...new Set([...(ticket.humanFields ?? []), ...named])];
    if (humanFields.length !== (ticket.humanFields ?? []).length) ticket.humanFields = humanFields;

    let corrected: Correction | null = null;
    let sample = false;
    if (categoryChanged || departmentChanged) {
      corrected = recordCorrection(prediction, ticket, { category: categoryChanged, department: departmentChanged });
      await recordSample(tx, ticket, { category: changes.category !== undefined, department: departmentGiven, priority: changes.priority !== undefined }, 'human');
      sample = true;
    }
    await tx.flush();
    await tracked.commit(new DailyAccumulator());
    return { ticket, changed, corrected, sample, routing };
  });
  return { ...result, ticket: await ticketDetail(em.getKysely(), result.ticket.id, { timeZone: statsTimeZone }) };
}
