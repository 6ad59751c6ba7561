import { sql, type Kysely } from 'kysely';

/**
 * Daily statistics are cohorts: every counter of a row is about the tickets CREATED on that
 * calendar day (in the database's statistics time zone), imported history apart from the intake, per department they ended up in and overall
 * (department null) -- except resolved_on_day, the outflow (tickets of any cohort resolved that
 * day) that gives the backlog. Rows hold sums and counts, never averages, so the pipeline, the
 * importer and `tickets update` add to them in the same transaction as their writes, and a
 * rebuild from the tickets reproduces them exactly. What one ticket adds: ./contributions.ts.
 */
export const DAILY_COUNTERS = [
  'tickets_created',
  'auto_resolved',
  'escalated',
  'routed',
  'queued',
  'predictions',
  'predictions_confirmed',
  'predictions_corrected',
  'routing_errors',
  'triaged_by_person',
  'first_responses',
  'first_response_seconds_sum',
  'resolved',
  'resolution_seconds_sum',
  'closed',
  'sla_breaches_low',
  'sla_breaches_medium',
  'sla_breaches_high',
  'sla_breaches_critical',
  'resolved_on_day',
] as const;
export type DailyCounter = (typeof DAILY_COUNTERS)[number];

export type DailyDelta = Partial<Record<DailyCounter, number>>;

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function dayIn(timeZone: string): (at: Date) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (at) => format.format(at);
}

/**
 * Collects deltas per (day, department) and for the whole helpdesk (department null), kept apart
 * for imported history (history = true) and the intake.
 */
export class DailyAccumulator {
  private readonly rows = new Map<string, { day: string; history: boolean; departmentId: string | null; delta: DailyDelta }>();

  add(day: string, departmentId: string | null, delta: DailyDelta, history = false): void {
    this.bump(day, history, null, delta);
    if (departmentId) this.bump(day, history, departmentId, delta);
  }

  private bump(day: string, history: boolean, departmentId: string | null, delta: DailyDelta): void {
    const key = `${day}/${history ? 'h' : ''}/${departmentId ?? ''}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { day, history, departmentId, delta: {} };
      this.rows.set(key, row);
    }
    for (const [counter, value] of Object.entries(delta) as [DailyCounter, number][]) {
      row.delta[counter] = (row.delta[counter] ?? 0) + value;
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** Adds everything collected to daily_stats in one statement, inside the caller's transaction. */
  async flush(db: Kysely<any>): Promise<void> {
    // Changes that cancel out (a ticket contributing the same before and after) write nothing.
    // In one order for every writer (day, then department), so two transactions updating the
    // same rows (a pipeline batch and an SLA check, say) lock them in the same order: no deadlock.
    const rows = [...this.rows.values()]
      .filter((r) => Object.values(r.delta).some((v) => v !== 0))
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : (a.departmentId ?? '').localeCompare(b.departmentId ?? '')));
    this.rows.clear();
    if (rows.length === 0) return;
    const column = (counter: DailyCounter) => rows.map((r) => r.delta[counter] ?? 0);
    const days = rows.map((r) => r.day);
    const history = rows.map((r) => r.history);
    const departments = rows.map((r) => r.departmentId);
    const columns = sql.join(DAILY_COUNTERS.map((c) => sql.ref(c)));
    const arrays = sql.join(DAILY_COUNTERS.map((c) => sql`${column(c)}::bigint[]`));
    const updates = sql.join(DAILY_COUNTERS.map((c) => sql`${sql.ref(c)} = daily_stats.${sql.ref(c)} + excluded.${sql.ref(c)}`));
    await sql`
      insert into daily_stats (day, history, department_id, ${columns})
      select * from unnest(${days}::date[], ${history}::boolean[], ${departments}::uuid[], ${arrays})
      on conflict (day, coalesce(department_id, '00000000-0000-0000-0000-000000000000'::uuid), history)
      do update set ${updates}, updated_at = now()`.execute(db);
  }
}
