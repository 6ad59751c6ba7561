import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { OPEN_STATUSES, Operator, type Department, type Language, type Ticket, type TicketStatus } from '../../entities/index.ts';
import { ConflictError } from '../../errors.ts';
import { chooseOperator, type OperatorLoad } from '../pipeline/router.ts';
import { lockOperators } from '../pipeline/run.ts';

/**
 * Who works on a ticket after a person changed it: the department and the operator stay
 * consistent. Used by `tickets update`, `tickets confirm` and `tickets review`.
 *
 * - A department change (given, or derived from a new category) takes the ticket from an
 *   operator outside the new department and routes it within it, with the pipeline's router
 *   (the least-loaded active operator who speaks the ticket's language and has room), or leaves
 *   it in the department's queue when nobody is free.
 * - An operator a person names must be active, of the ticket's department, speak its language
 *   and have room; `force` assigns anyway.
 * - Only open tickets (new, in_work, waiting) are routed and checked for capacity: a resolved
 *   or closed ticket keeps the operator who handled it.
 *
 * Capacity holds across processes because the operators are locked (FOR UPDATE) exactly as a
 * pipeline batch locks them, and loads are read after the lock. The ticket row is locked first
 * (lockTicket), in the same order as the pipeline (tickets, then operators), so the two never
 * wait on each other in a cycle.
 */

/** The ticket's values before the change, as the loads in the database still count them. */
export interface Before {
  status: TicketStatus;
  operatorId: string | null;
}

export interface Routing {
  operator: string | null;
  reason: string;
}

const isOpen = (status: TicketStatus): boolean => (OPEN_STATUSES as readonly string[]).includes(status);

/** Locks the ticket's row for the rest of the transaction and reloads it. */
export async function lockTicket(em: EntityManager, ticket: Ticket): Promise<Before> {
  await sql`select 1 from tickets where id = ${ticket.id}::uuid for update`.execute(em.getKysely<any>());
  await em.refresh(ticket);
  return { status: ticket.status, operatorId: ticket.operator?.id ?? null };
}

/** Operator loads without this ticket (it is counted where it was, if it was open). */
async function loadsWithout(em: EntityManager, before: Before): Promise<OperatorLoad[]> {
  const loads = await lockOperators(em.getKysely<any>());
  if (before.operatorId && isOpen(before.status)) {
    const own = loads.find((o) => o.id === before.operatorId);
    if (own) own.open -= 1;
  }
  return loads;
}

/**
 * After a department change: keep an operator of the new department, else route within it
 * (open tickets only). Returns what was done, or null when the operator stays.
 */
export async function rerouteWithin(em: EntityManager, ticket: Ticket, department: Department, before: Before): Promise<Routing | null> {
  if (ticket.operator && ticket.operator.department.id === department.id) return null;
  if (!isOpen(ticket.status)) return null;
  const loads = await loadsWithout(em, before);
  const choice = chooseOperator(loads, department.id, (ticket.language ?? null) as Language | null);
  ticket.operator = choice.operatorId ? em.getReference(Operator, choice.operatorId) : null;
  if (ticket.operator) await em.populate(ticket, ['operator']);
  const operator = ticket.operator ? ticket.operator.email : null;
  return { operator, reason: choice.operatorId ? `routed to ${choice.reason}` : `${department.name}: ${choice.reason}` };
}

/**
 * Why `operator` may not take the ticket (null: nothing against it). The ticket holds its new
 * department, language and status; `before` says where the loads still count it.
 */
export async function operatorObjection(em: EntityManager, ticket: Ticket, operator: Operator, before: Before): Promise<string | null> {
  await em.populate(operator, ['department']);
  const who = operator.email;
  if (!operator.active) return `operator ${who} is inactive`;
  if (ticket.department && operator.department.id !== ticket.department.id) {
    return `operator ${who} is in ${operator.department.name}, not in the ticket's department ${ticket.department.name}`;
  }
  if (ticket.language && !operator.languages.includes(ticket.language)) {
    return `operator ${who} does not speak ${ticket.language}, the ticket's language (speaks ${operator.languages.join(', ')})`;
  }
  if (isOpen(ticket.status)) {
    const load = (await loadsWithout(em, before)).find((o) => o.id === operator.id);
    const open = load?.open ?? 0;
    if (open >= operator.capacity) return `operator ${who} is at capacity (${open}/${operator.capacity} open tickets)`;
  }
  return null;
}

/** Assigning a named operator: refused (exit 2, naming why) unless forced. */
export async function checkOperator(em: EntityManager, ticket: Ticket, operator: Operator, before: Before, force: boolean): Promise<void> {
  if (force) return;
  const objection = await operatorObjection(em, ticket, operator, before);
  if (objection) throw new ConflictError(`ticket #${ticket.number}: ${objection} (--force assigns anyway)`);
}
