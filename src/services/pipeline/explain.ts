import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { NotFoundError, UsageError } from '../../errors.ts';

export interface Explanation {
  ticket: { id: string; number: string; subject: string; language: string | null; status: string; department: string | null; operator: string | null };
  prediction: {
    id: string;
    model: string | null;
    decidedAt: string;
    decision: string;
    reason: string;
    category: string | null;
    confidence: number;
    priority: string | null;
    issueType: string | null;
    department: string | null;
    review: string;
    thresholds: Record<string, number>;
    scores: Record<string, unknown>;
  } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A ticket is named by its id, its number (1042 or #1042), or source:external-id. */
export function ticketFilter(ref: string) {
  const trimmed = ref.trim();
  if (UUID.test(trimmed)) return sql`t.id = ${trimmed}::uuid`;
  const number = trimmed.replace(/^#/, '');
  if (/^\d+$/.test(number)) return sql`t.number = ${number}::bigint`;
  const colon = trimmed.indexOf(':');
  if (colon > 0) return sql`t.source::text = ${trimmed.slice(0, colon)} and t.external_id = ${trimmed.slice(colon + 1)}`;
  throw new UsageError(`"${ref}" is not a ticket id, number or source:external-id`);
}

/** Why a ticket went where it went: the latest prediction with everything it was made of. */
export async function explainTicket(em: EntityManager, ref: string): Promise<Explanation> {
  const db = em.getKysely<any>();
  const ticket = (
    await sql<Explanation['ticket']>`
      select t.id, t.number::text as number, t.subject, t.language::text as language, t.status::text as status, d.name as department, o.name as operator
      from tickets t left join departments d on d.id = t.department_id left join operators o on o.id = t.operator_id
      where ${ticketFilter(ref)}`.execute(db)
  ).rows[0];
  if (!ticket) throw new NotFoundError(`no ticket ${ref}`);
  const row = (
    await sql<Record<string, any>>`
      select p.id, m.name || ' v' || m.version as model, p.created_at, p.decision::text as decision, p.reason, c.name as category, p.confidence,
             p.priority::text as priority, p.issue_type::text as issue_type, d.name as department, p.review::text as review, p.thresholds, p.scores
      from ai_predictions p left join ml_models m on m.id = p.model_id left join categories c on c.id = p.category_id
           left join departments d on d.id = p.department_id
      where p.ticket_id = ${ticket.id}::uuid order by p.created_at desc limit 1`.execute(db)
  ).rows[0];
  return {
    ticket,
    prediction: row
      ? {
          id: row.id,
          model: row.model,
          decidedAt: new Date(row.created_at).toISOString(),
          decision: row.decision,
          reason: row.reason,
          category: row.category,
          confidence: Number(row.confidence),
          priority: row.priority,
          issueType: row.issue_type,
          department: row.department,
          review: row.review,
          thresholds: row.thresholds,
          scores: row.scores,
        }
      : null,
  };
}
