import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { PRIORITIES, type Priority } from '../../entities/enums.ts';
import { trackTickets } from '../stats/contributions.ts';
import { DailyAccumulator } from '../stats/daily.ts';

export interface SlaCheckResult {
  /** Tickets flagged by this check. */
  breached: number;
  byPriority: Record<Priority, number>;
  tickets: string[];
  /** Open tickets still to pass their deadline, and the next deadline. */
  nextDueAt: string | null;
}

/**
 * Records the open tickets that have passed their SLA deadline, once each: in one transaction,
 * the tickets are locked (SKIP LOCKED: several followers can check at once, each flags other
 * tickets, and a ticket someone is editing is taken at the next check), flagged with
 * sla_breached_at (the trigger writes the `sla_breached` event), and the day's breach counters
 * get the difference of their contributions (src/services/stats/contributions.ts), so the
 * counters equal a `stats rebuild`. At most `limit` tickets per transaction; loops until done.
 */
export async function checkSla(em: EntityManager, options: { timeZone: string; now?: Date; limit?: number }): Promise<SlaCheckResult> {
  const limit = options.limit ?? 2000;
  const result: SlaCheckResult = { breached: 0, byPriority: Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>, tickets: [], nextDueAt: null };
  for (;;) {
    const now = options.now ?? new Date();
    const flagged = await em.transactional(async (tx) => {
      const db = tx.getKysely<any>();
      const due = (
        await sql<{ id: string; number: string; priority: Priority }>`
          select id, number::text as number, priority::text as priority from tickets
          where sla_breached_at is null and status in ('new', 'in_work', 'waiting') and sla_due_at < ${now}
          order by sla_due_at limit ${limit}
          for update skip locked`.execute(db)
      ).rows;
      if (due.length === 0) return due;
      await sql`select set_config('helpdesk.actor', 'sla monitor', true)`.execute(db);
      const tracked = await trackTickets(db, options.timeZone, due.map((t) => t.id));
      await sql`update tickets set sla_breached_at = ${now} where id = any(${due.map((t) => t.id)}::uuid[])`.execute(db);
      await tracked.commit(new DailyAccumulator());
      return due;
    });
    for (const t of flagged) {
      result.breached++;
      if (t.priority) result.byPriority[t.priority]++;
      result.tickets.push(t.number);
    }
    if (flagged.length < limit) break;
  }
  const next = (
    await sql<{ next: Date | null }>`
      select min(sla_due_at) as next from tickets where sla_breached_at is null and status in ('new', 'in_work', 'waiting')`.execute(em.getKysely<any>())
  ).rows[0];
  result.nextDueAt = next?.next ? new Date(next.next).toISOString() : null;
  return result;
}
