import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { writeStatsTimeZone } from '../../db/settings.ts';
import { addContributionsSql, zoneLiteral } from './contributions.ts';

export interface RebuildResult {
  from: string | null;
  to: string | null;
  timeZone: string;
  /** Set when the rebuild changed the database's statistics time zone: the zone before. */
  previousTimeZone: string | null;
  /** Rows of daily_stats deleted, and written. */
  deleted: number;
  written: number;
  seconds: number;
}

/**
 * Recomputes daily_stats (all of it, or the rows of days from..to) from tickets, predictions and
 * messages in one transaction, with one delete and one set-based insert: idempotent, and equal
 * to what the writers kept incrementally (both use ./contributions.ts). Writers wait for it (the
 * table is locked against concurrent changes), so no delta is lost or counted twice.
 */
export async function rebuildDailyStats(
  em: EntityManager,
  options: { timeZone: string; from?: string | undefined; to?: string | undefined; setTimeZone?: boolean },
): Promise<RebuildResult> {
  const started = performance.now();
  const from = options.from ?? null;
  const to = options.to ?? null;
  const ranged = from !== null || to !== null;
  const lo = from ?? '-infinity';
  const hi = to ?? 'infinity';
  const tz = zoneLiteral(options.timeZone);
  return em.transactional(async (tx) => {
    const db = tx.getKysely<any>();
    await sql`lock table daily_stats in share row exclusive mode`.execute(db);
    await sql.raw(`set local work_mem = '256MB'`).execute(db);
    // A new calendar: stored in the same transaction as every day rebucketed in it.
    let previousTimeZone: string | null = null;
    if (options.setTimeZone) {
      if (ranged) throw new Error('a new time zone rebuckets all days');
      previousTimeZone = await writeStatsTimeZone(db, options.timeZone);
    }
    const deleted = ranged
      ? await sql.raw(`delete from daily_stats where day between '${lo}'::date and '${hi}'::date`).execute(db)
      : await sql.raw('delete from daily_stats').execute(db);
    // Rows of days up to `to` come from tickets created before its end (resolution is never before creation).
    const ticketWhere = to !== null ? `tk.created_at < (('${to}'::date + 1)::timestamp at time zone ${tz})` : 'true';
    const written = await sql.raw(addContributionsSql(options.timeZone, ranged ? { ticketWhere, from: lo, to: hi } : {})).execute(db);
    return {
      from,
      to,
      timeZone: options.timeZone,
      previousTimeZone: previousTimeZone === options.timeZone ? null : previousTimeZone,
      deleted: Number(deleted.numAffectedRows ?? 0n),
      written: Number(written.numAffectedRows ?? 0n),
      seconds: (performance.now() - started) / 1000,
    };
  });
}
