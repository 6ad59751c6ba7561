import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { AiPrediction, Department, LANGUAGES, OPEN_STATUSES, Ticket, TrainingSample, type Decision, type Language, type LabelSource } from '../../entities/index.ts';
import { ConflictError, UsageError } from '../../errors.ts';
import { trackTickets } from '../stats/contributions.ts';
import { DailyAccumulator } from '../stats/daily.ts';
import { rerouteWithin, type Before, type Routing } from './assignment.ts';
import { resolveTicketRefs, type WrittenRef } from './references.ts';
import { sampleText } from './text.ts';

/**
 * Reviews of AI decisions: what a person confirmed or corrected, and the training samples that
 * carry only labels a person gave or confirmed.
 *
 * What a prediction claims, and so what a review judges: its category always; its department
 * only when the pipeline chose one (routed or queued). An escalated ticket's department is the
 * triage rule's, an auto-resolved one has none: moving such a ticket is triage, not a correction
 * of the model. AI accuracy = confirmed / (confirmed + corrected) is about those claims.
 */

export const ORDERS = ['newest', 'least-confident'] as const;
export type ReviewOrder = (typeof ORDERS)[number];

/** Does the prediction claim a department (so a person moving the ticket corrects it)? */
export function claimsDepartment(decision: Decision): boolean {
  return decision === 'routed' || decision === 'queued';
}

/** The latest prediction of a ticket (the one a review is about), with its labels loaded. */
export async function latestPrediction(em: EntityManager, ticket: Ticket): Promise<AiPrediction | null> {
  const [prediction] = await em.find(AiPrediction, { ticket }, {
    orderBy: { createdAt: 'desc', id: 'desc' },
    limit: 1,
    populate: ['category', 'department', 'correctedCategory', 'correctedDepartment'],
  });
  return prediction ?? null;
}

/**
 * Was the ticket's department given by a person? Known when they moved it away from a routed
 * prediction's department (the correction names where they put it).
 */
export function departmentSetByPerson(ticket: Ticket, prediction: AiPrediction | null): boolean {
  return !!ticket.department && prediction?.correctedDepartment?.id === ticket.department.id;
}

export interface Correction {
  predictionId: string;
  review: 'confirmed' | 'corrected';
  category: string | null;
  department: string | null;
}

/**
 * A person changed the ticket's category and/or department: the latest prediction records the
 * values that differ from what it claimed (a value set back to the model's is no correction;
 * nothing corrected left: confirmed). A change to something it did not claim (the department of
 * an escalated ticket) leaves it as it was.
 */
export function recordCorrection(prediction: AiPrediction | null, ticket: Ticket, touched: { category: boolean; department: boolean }): Correction | null {
  if (!prediction) return null;
  let judged = false;
  if (touched.category) {
    prediction.correctedCategory = ticket.category && ticket.category.id !== prediction.category?.id ? ticket.category : null;
    judged = true;
  }
  if (touched.department && claimsDepartment(prediction.decision)) {
    prediction.correctedDepartment = ticket.department && ticket.department.id !== prediction.department?.id ? ticket.department : null;
    judged = true;
  }
  if (!judged) return null;
  prediction.review = prediction.correctedCategory || prediction.correctedDepartment ? 'corrected' : 'confirmed';
  prediction.reviewedAt = new Date();
  return {
    predictionId: prediction.id,
    review: prediction.review,
    category: prediction.correctedCategory ? ticket.category!.name : null,
    department: prediction.correctedDepartment ? ticket.department!.name : null,
  };
}

/**
 * The ticket's text as a training sample with the labels a person gave or confirmed now
 * (`given`), plus those an earlier person-labelled sample of the same text agrees on with the
 * ticket; never a label only the AI derived (the pipeline's issue type or priority). A sample
 * with the same text is relabelled.
 */
export async function recordSample(
  em: EntityManager,
  ticket: Ticket,
  given: { category?: boolean; department?: boolean; priority?: boolean },
  labelSource: Extract<LabelSource, 'human' | 'ai_confirmed'>,
): Promise<void> {
  // Only the id and labels are read: an agent may find a sample by its hash but not read other texts.
  const existing = await em.findOne(TrainingSample, { contentHash: ticket.contentHash }, { fields: ['id', 'category', 'department', 'priority', 'issueType'] });
  const same = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
  const label = <T extends string>(isGiven: boolean | undefined, now: T | null | undefined, before: string | null | undefined): T | null =>
    isGiven ? (now ?? null) : same(now, before) ? (now as T) : null;
  const values = {
    text: sampleText(ticket.subject, ticket.body),
    language: ticket.language ?? null,
    category: label(given.category, ticket.category?.name, existing?.category),
    department: label(given.department, ticket.department?.name, existing?.department),
    priority: label(given.priority, ticket.priority, existing?.priority),
    issueType: label(false, ticket.issueType, existing?.issueType),
    labelSource,
    ticket,
  };
  if (existing) em.assign(existing, values);
  else em.create(TrainingSample, { ...values, contentHash: ticket.contentHash } as never);
}

export interface ConfirmOutcome {
  id: string;
  number: number;
  outcome: 'confirmed' | 'already_confirmed';
  predictionId: string;
  decision: Decision;
  category: string | null;
  department: string | null;
  confidence: number;
  /** An escalated ticket whose category was confirmed moves from triage to the category's department. */
  moved: { department: string; operator: string | null; reason: string } | null;
}

const labelOf = (name: string | null | undefined) => name ?? '(none)';
const quote = (name: string) => (/^[\w.@-]+$/.test(name) ? name : `"${name}"`);

/**
 * Marks the latest predictions of the tickets right, all or nothing, in one transaction with
 * their daily statistics (contribution after minus before). A prediction already confirmed is
 * left as it is and reported; a corrected one is refused (a person said it was wrong; to say the
 * model was right after all, set the ticket back with `tickets update`, which confirms it).
 * Every confirmed ticket gets an `ai_confirmed` training sample with the confirmed labels.
 */
export async function confirmTickets(em: EntityManager, refs: readonly WrittenRef[], statsTimeZone: string): Promise<ConfirmOutcome[]> {
  if (refs.length === 0) throw new UsageError('no tickets to confirm: give ticket numbers, or --from-file FILE (- for standard input)');
  return em.transactional(async (tx) => {
    const db = tx.getKysely<any>();
    const resolved = await resolveTicketRefs(db, refs);
    const ids = resolved.map((r) => r.id);
    // Rows locked in one order (then operators, if an escalation moves on): as the pipeline does.
    await sql`select 1 from tickets where id = any(${[...ids].sort()}::uuid[]) order by id for update`.execute(db);
    const tracked = await trackTickets(db, statsTimeZone, ids);
    const tickets = new Map((await tx.find(Ticket, { id: { $in: ids } }, { populate: ['category', 'department', 'operator'] })).map((t) => [t.id, t]));
    const outcomes: ConfirmOutcome[] = [];
    for (const { id, ref } of resolved) {
      const ticket = tickets.get(id)!;
      const before: Before = { status: ticket.status, operatorId: ticket.operator?.id ?? null };
      const prediction = await latestPrediction(tx, ticket);
      const name = `${ref.where}ticket #${ticket.number}`;
      if (!prediction) throw new ConflictError(`${name} has no AI prediction to confirm: the pipeline has not decided it`);
      if (prediction.review === 'corrected') {
        const category = prediction.category?.name;
        const department = claimsDepartment(prediction.decision) ? prediction.department?.name : undefined;
        const back = [category && `--category ${quote(category)}`, department && `--department ${quote(department)}`].filter(Boolean).join(' ');
        throw new ConflictError(
          `${name}: its AI prediction was corrected by a person (${[prediction.correctedCategory && `category ${prediction.correctedCategory.name}`, prediction.correctedDepartment && `department ${prediction.correctedDepartment.name}`].filter(Boolean).join(', ')}); ` +
            `to confirm what the model said, set it back: helpdesk tickets update ${ticket.number} ${back}`,
        );
      }
      const outcome: ConfirmOutcome = {
        id: ticket.id,
        number: Number(ticket.number),
        outcome: prediction.review === 'confirmed' ? 'already_confirmed' : 'confirmed',
        predictionId: prediction.id,
        decision: prediction.decision,
        category: prediction.category?.name ?? null,
        department: claimsDepartment(prediction.decision) ? (prediction.department?.name ?? null) : null,
        confidence: Number(prediction.confidence),
        moved: null,
      };
      outcomes.push(outcome);
      if (prediction.review === 'confirmed') continue;

      // What is confirmed must still be what the ticket says (nobody changed it another way).
      if (!prediction.category) throw new ConflictError(`${name}: the model named no known category, nothing to confirm: set one with helpdesk tickets update ${ticket.number} --category NAME`);
      if (ticket.category?.id !== prediction.category.id) {
        throw new ConflictError(`${name} is now in category ${labelOf(ticket.category?.name)}, not the predicted ${prediction.category.name}: correct it with helpdesk tickets update`);
      }
      const department = claimsDepartment(prediction.decision);
      if (department && ticket.department?.id !== prediction.department?.id) {
        throw new ConflictError(`${name} is now in department ${labelOf(ticket.department?.name)}, not the predicted ${labelOf(prediction.department?.name)}: correct it with helpdesk tickets update`);
      }
      prediction.review = 'confirmed';
      prediction.reviewedAt = new Date();
      await recordSample(tx, ticket, { category: true, department }, 'ai_confirmed');

      // An escalation whose category a person confirmed is triaged: it goes where that category
      // goes, as `tickets update --category` would send it (open tickets still in triage only).
      if (prediction.decision === 'escalated' && prediction.department && ticket.department?.id === prediction.department.id) {
        await tx.populate(prediction.category, ['defaultDepartment']);
        const target = prediction.category.defaultDepartment as Department;
        if (target.id !== ticket.department.id && (OPEN_STATUSES as readonly string[]).includes(ticket.status)) {
          ticket.department = target;
          const routing: Routing | null = await rerouteWithin(tx, ticket, target, before);
          outcome.moved = { department: target.name, operator: ticket.operator?.email ?? null, reason: routing?.reason ?? 'operator kept' };
        }
      }
    }
    await tx.flush();
    await tracked.commit(new DailyAccumulator());
    return outcomes;
  });
}

export interface QueueFilters {
  order: ReviewOrder;
  language?: Language | undefined;
  /** Department id (the ticket's current department). */
  departmentId?: string | undefined;
  decision?: Decision | undefined;
  limit: number;
}

export interface QueuedDecision {
  ticketId: string;
  number: number;
  predictionId: string;
  confidence: number;
}

/**
 * The decisions nobody reviewed yet (a ticket's latest prediction, pending), newest or least
 * confident first, and how many there are in all with these filters.
 */
export async function unreviewedDecisions(em: EntityManager, filters: QueueFilters): Promise<{ total: number; decisions: QueuedDecision[] }> {
  if (filters.language && !(LANGUAGES as readonly string[]).includes(filters.language)) throw new UsageError(`--language must be one of ${LANGUAGES.join(', ')}`);
  const db = em.getKysely<any>();
  const where = sql`p.review = 'pending'
      and not exists (select 1 from ai_predictions q where q.ticket_id = p.ticket_id and (q.created_at, q.id) > (p.created_at, p.id))
      and (${filters.language ?? null}::text is null or t.language::text = ${filters.language ?? null}::text)
      and (${filters.departmentId ?? null}::uuid is null or t.department_id = ${filters.departmentId ?? null}::uuid)
      and (${filters.decision ?? null}::text is null or p.decision::text = ${filters.decision ?? null}::text)`;
  const order = filters.order === 'newest' ? sql`p.created_at desc, t.number desc` : sql`p.confidence asc, p.created_at desc, t.number desc`;
  const rows = (
    await sql<{ ticket_id: string; number: string; id: string; confidence: number; total: number }>`
      select p.ticket_id, t.number::text as number, p.id, p.confidence, (count(*) over ())::int as total
      from ai_predictions p join tickets t on t.id = p.ticket_id
      where ${where}
      order by ${order}
      limit ${filters.limit}`.execute(db)
  ).rows;
  return { total: rows[0]?.total ?? 0, decisions: rows.map((r) => ({ ticketId: r.ticket_id, number: Number(r.number), predictionId: r.id, confidence: Number(r.confidence) })) };
}
