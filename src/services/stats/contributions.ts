import { sql, type Kysely } from 'kysely';
import { DAILY_COUNTERS, type DailyAccumulator, type DailyCounter, type DailyDelta } from './daily.ts';
import { sqlTimeZone } from '../time-zone.ts';

/**
 * What one ticket adds to daily_stats, defined once, in SQL, and used by every writer:
 * `stats rebuild` sums it over all tickets; the pipeline, `tickets update` and the importer add
 * the difference between a ticket's contribution after and before their change, in their own
 * transaction. So the incremental figures equal a rebuild by construction (and a test checks it).
 *
 * Every ticket counts from the moment it exists, on the day it was created, triaged or not (so
 * `tickets create`, an import of `new` tickets and the pipeline all keep the day's intake right).
 * A ticket of imported history (tickets.history: imported already handled, or flagged as history)
 * goes to the rows with history = true, apart from the intake; reports leave them out or add them.
 *
 * The cohort row is (day the ticket was created in the time zone, the department it is in now):
 *   tickets_created            1
 *   predictions                its AI predictions (every pipeline decision writes one)
 *   auto_resolved, escalated,
 *   routed, queued             1 for the decision of its latest prediction
 *   predictions_confirmed      its predictions a person confirmed (review = confirmed)
 *   predictions_corrected      its predictions a person corrected (review = corrected)
 *   routing_errors             1 when a person moved it away from the department the pipeline
 *                              routed (or queued) it to: its latest prediction is routed/queued
 *                              and has a corrected_department
 *   triaged_by_person          1 when a person moved it out of triage: its latest prediction is
 *                              escalated and it is no longer in the department it was escalated
 *                              to (not a routing error: an escalation claims no department)
 *   first_responses            1 when it has a first response whose duration is known: not
 *                              before its creation, and its times trusted (durations_unknown
 *                              is set by the importer for rows whose times were out of order
 *                              or had no creation time; such tickets count everywhere else)
 *   first_response_seconds_sum seconds from creation to the first response (those counted)
 *   resolved                   1 when its status is auto_resolved or closed
 *   resolution_seconds_sum     seconds from creation to resolution (resolved_at, else closed_at);
 *                              0 when durations_unknown
 *   closed                     1 when its status is closed
 *   sla_breaches_<priority>    1 when it was resolved after its sla_due_at, or the SLA monitor
 *                              flagged it open past that time (sla_breached_at; `sla check` and
 *                              the followers add it in their transaction); tickets open past
 *                              sla_due_at and not flagged yet are added by the report at read time
 * and one flow counter goes to the row of the day it was resolved (same department):
 *   resolved_on_day            1
 * so that the open backlog at the end of day D is the sum over days <= D of
 * tickets_created - resolved_on_day.
 */
export interface TicketContribution extends Record<DailyCounter, number> {
  id: string;
  history: boolean;
  day: string;
  department_id: string | null;
  done_day: string | null;
}

/** Counters of the cohort row, in DAILY_COUNTERS order (all but resolved_on_day). */
export const COHORT_COUNTERS = DAILY_COUNTERS.filter((c) => c !== 'resolved_on_day');

/** A time zone (name or UTC offset, parsed by src/services/time-zone.ts) as an SQL literal. */
export function zoneLiteral(timeZone: string): string {
  return sqlTimeZone(timeZone);
}

const PRIORITY_COUNTERS = ['low', 'medium', 'high', 'critical'] as const;

/**
 * SQL (text) for the per-ticket contributions: a `with` list ending in the CTE `pt`.
 * `ticketWhere` filters tickets (alias tk), `predictionWhere` the predictions aggregated for them;
 * `groupBy` (an expression over tk) becomes the column `grp` for reports by other dimensions.
 */
export function contributionsCte(timeZone: string, ticketWhere = 'true', predictionWhere = 'true', groupBy = "''"): string {
  const tz = zoneLiteral(timeZone);
  return `
    p as (
      select ticket_id,
             count(*)::int as n,
             (count(*) filter (where review = 'confirmed'))::int as confirmed,
             (count(*) filter (where review = 'corrected'))::int as corrected,
             (array_agg(corrected_department_id is not null order by created_at desc, id desc))[1] as moved,
             (array_agg(decision::text order by created_at desc, id desc))[1] as decision,
             (array_agg(department_id order by created_at desc, id desc))[1] as predicted_department_id
      from ai_predictions where ${predictionWhere}
      group by ticket_id
    ), tt as (
      select tk.id, ${groupBy} as grp, tk.history, tk.department_id, tk.created_at, tk.first_response_at, tk.sla_due_at, tk.sla_breached_at, tk.priority::text as priority, tk.status::text as status,
             tk.durations_unknown,
             tk.status in ('auto_resolved', 'closed') as done,
             greatest(coalesce(tk.resolved_at, tk.closed_at, tk.created_at), tk.created_at) as done_at,
             p.n, p.confirmed, p.corrected, p.moved, p.decision, p.predicted_department_id
      from tickets tk left join p on p.ticket_id = tk.id
      where (${ticketWhere})
    ), pt as (
      select id, grp, history, department_id,
             (created_at at time zone ${tz})::date as day,
             case when done then (done_at at time zone ${tz})::date end as done_day,
             1 as tickets_created,
             coalesce(n, 0) as predictions,
             (decision is not distinct from 'auto_resolved')::int as auto_resolved,
             (decision is not distinct from 'escalated')::int as escalated,
             (decision is not distinct from 'routed')::int as routed,
             (decision is not distinct from 'queued')::int as queued,
             coalesce(confirmed, 0) as predictions_confirmed,
             coalesce(corrected, 0) as predictions_corrected,
             (coalesce(moved, false) and decision in ('routed', 'queued'))::int as routing_errors,
             (decision is not distinct from 'escalated' and department_id is distinct from predicted_department_id)::int as triaged_by_person,
             coalesce(first_response_at >= created_at and not durations_unknown, false)::int as first_responses,
             (case when first_response_at >= created_at and not durations_unknown then round(extract(epoch from first_response_at - created_at)) else 0 end)::float8 as first_response_seconds_sum,
             done::int as resolved,
             (case when done and not durations_unknown then round(extract(epoch from done_at - created_at)) else 0 end)::float8 as resolution_seconds_sum,
             (status = 'closed')::int as closed,
             ${PRIORITY_COUNTERS.map((p) => `(priority = '${p}' and sla_due_at is not null and (sla_breached_at is not null or (done and done_at > sla_due_at)))::int as sla_breaches_${p}`).join(',\n             ')},
             0 as resolved_on_day
      from tt
    )`;
}

/**
 * One statement that adds the contributions of the tickets matching `ticketWhere` to daily_stats
 * (rows for days from..to only, when given). Used by the rebuild (after deleting the range) and
 * by the importer for the tickets it created.
 */
export function addContributionsSql(timeZone: string, options: { ticketWhere?: string; predictionWhere?: string; from?: string; to?: string } = {}): string {
  const cohort = COHORT_COUNTERS.map((c) => c).join(', ');
  const zeros = COHORT_COUNTERS.map((c) => `0 as ${c}`).join(', ');
  const all = [...COHORT_COUNTERS, 'resolved_on_day'];
  const range = options.from && options.to ? `where day between '${options.from}'::date and '${options.to}'::date` : '';
  return `
    with ${contributionsCte(timeZone, options.ticketWhere, options.predictionWhere)},
    rows as (
      select day, history, department_id, ${cohort}, 0 as resolved_on_day from pt
      union all
      select done_day, history, department_id, ${zeros}, 1 from pt where done_day is not null
    )
    insert into daily_stats (day, history, department_id, ${all.join(', ')}, updated_at)
    select day, history, case when grouping(department_id) = 1 then null else department_id end,
           ${all.map((c) => `sum(${c})`).join(', ')}, now()
    from rows ${range}
    group by grouping sets ((day, history, department_id), (day, history))
    having grouping(department_id) = 1 or department_id is not null
    on conflict (day, coalesce(department_id, '00000000-0000-0000-0000-000000000000'::uuid), history)
    do update set ${all.map((c) => `${c} = daily_stats.${c} + excluded.${c}`).join(', ')}, updated_at = now()`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idList(ids: readonly string[]): string {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`not a ticket id: ${id}`);
  return `'{${ids.join(',')}}'::uuid[]`;
}

/** The contributions of some tickets, one row each. */
export async function ticketContributions(db: Kysely<any>, timeZone: string, ids: readonly string[]): Promise<TicketContribution[]> {
  if (ids.length === 0) return [];
  const list = idList(ids);
  const text = `with ${contributionsCte(timeZone, `tk.id = any(${list})`, `ticket_id = any(${list})`)}
    select id, history, department_id, to_char(day, 'YYYY-MM-DD') as day, to_char(done_day, 'YYYY-MM-DD') as done_day,
           ${DAILY_COUNTERS.join(', ')} from pt`;
  const rows = (await sql.raw<Record<string, unknown>>(text).execute(db)).rows;
  return rows.map((r) => {
    const out: Record<string, unknown> = { id: r.id, history: r.history === true, day: r.day, department_id: r.department_id ?? null, done_day: r.done_day ?? null };
    for (const c of DAILY_COUNTERS) out[c] = Number(r[c] ?? 0);
    return out as unknown as TicketContribution;
  });
}

/** Adds `sign` times the contributions to the accumulator (the cohort row and the resolution day's row). */
export function accumulate(stats: DailyAccumulator, contributions: readonly TicketContribution[], sign: 1 | -1): void {
  for (const c of contributions) {
    const delta: DailyDelta = {};
    for (const counter of COHORT_COUNTERS) if (c[counter] !== 0) delta[counter] = sign * c[counter];
    stats.add(c.day, c.department_id, delta, c.history);
    if (c.done_day) stats.add(c.done_day, c.department_id, { resolved_on_day: sign }, c.history);
  }
}

/**
 * Keeps daily_stats right around a change to some tickets, inside the caller's transaction:
 * call before changing them, then `commit()` after the change is written (flushed).
 */
export async function trackTickets(db: Kysely<any>, timeZone: string, ids: readonly string[]): Promise<{ commit(stats: DailyAccumulator, after?: Kysely<any>): Promise<void> }> {
  const before = await ticketContributions(db, timeZone, ids);
  return {
    async commit(stats, after = db) {
      accumulate(stats, before, -1);
      accumulate(stats, await ticketContributions(after, timeZone, ids), 1);
      await stats.flush(after);
    },
  };
}
