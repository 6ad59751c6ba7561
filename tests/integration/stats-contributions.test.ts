import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { DailyAccumulator, DAILY_COUNTERS } from '../../src/services/stats/daily.ts';
import { accumulate, addContributionsSql, COHORT_COUNTERS, contributionsCte, ticketContributions, trackTickets, zoneLiteral, type TicketContribution } from '../../src/services/stats/contributions.ts';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.ts';

// Issue 18: what one ticket adds to daily_stats, checked counter by counter against figures worked
// out by hand from the rules in src/services/stats/contributions.ts (not from the same SQL), on
// tickets built to sit on each rule's edge. Also the mutation tests' database half
// (vitest.mutate-db.config.ts).

const D1 = '00000000-0000-4000-8000-0000000000d1';
const D2 = '00000000-0000-4000-8000-0000000000d2';
const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface TicketRow {
  n: number;
  created: string;
  status: 'new' | 'in_work' | 'waiting' | 'closed' | 'auto_resolved';
  department?: string | null;
  priority?: 'low' | 'medium' | 'high' | 'critical' | null;
  firstResponse?: string;
  resolved?: string;
  closed?: string;
  slaDue?: string;
  slaBreached?: string;
  history?: boolean;
  durationsUnknown?: boolean;
}
interface PredictionRow {
  ticket: number;
  at: string;
  decision: 'auto_resolved' | 'escalated' | 'routed' | 'queued';
  department?: string | null;
  review?: 'pending' | 'confirmed' | 'corrected';
  correctedDepartment?: string | null;
}

const lit = (v: string | null | undefined): string => (v === undefined || v === null ? 'null' : `'${v}'`);

const TICKETS: TicketRow[] = [
  // 1: a new ticket late in the UTC evening: another day in Almaty (UTC+5); nothing but the intake.
  { n: 1, created: '2026-11-30T22:30:00Z', status: 'new', department: D1 },
  // 2: escalated, then routed to D1 and corrected to D2 by a person; closed, resolved after its SLA.
  { n: 2, created: '2026-11-01T10:00:00Z', status: 'closed', department: D2, priority: 'high', firstResponse: '2026-11-01T10:00:30Z', resolved: '2026-11-02T10:00:00Z', closed: '2026-11-03T09:00:00Z', slaDue: '2026-11-01T12:00:00Z' },
  // 3: escalated to D2, a person moved it to D1; its first response is dated before its creation; flagged by the SLA monitor.
  { n: 3, created: '2026-11-05T08:00:00Z', status: 'in_work', department: D1, priority: 'low', firstResponse: '2026-11-05T07:00:00Z', slaDue: '2026-11-05T09:00:00Z', slaBreached: '2026-11-05T09:05:00Z' },
  // 4: imported history, auto-resolved without a resolution time, times untrusted.
  { n: 4, created: '2026-11-06T12:00:00Z', status: 'auto_resolved', department: null, priority: 'critical', firstResponse: '2026-11-06T12:10:00Z', history: true, durationsUnknown: true },
  // 5: queued in D1, a person corrected the department; closed (no resolved_at) after its SLA.
  { n: 5, created: '2026-11-07T12:00:00Z', status: 'closed', department: D2, priority: 'medium', closed: '2026-11-08T12:00:00Z', slaDue: '2026-11-08T11:59:59Z' },
  // 6: closed, resolved "before" it was created: resolved the day it was created, in 0 s; resolved exactly at the SLA: no breach.
  { n: 6, created: '2026-11-09T12:00:00Z', status: 'closed', department: D1, priority: 'high', resolved: '2026-11-09T11:00:00Z', slaDue: '2026-11-09T12:00:00Z' },
  // 7: escalated, still in the triage department: not triaged by a person; first response exactly at creation.
  { n: 7, created: '2026-11-10T12:00:00Z', status: 'waiting', department: D2, priority: 'critical', firstResponse: '2026-11-10T12:00:00Z', slaDue: '2026-11-10T13:00:00Z' },
];
const PREDICTIONS: PredictionRow[] = [
  { ticket: 2, at: '2026-11-01T10:00:01Z', decision: 'escalated', department: D2, review: 'confirmed' },
  { ticket: 2, at: '2026-11-01T10:05:00Z', decision: 'routed', department: D1, review: 'corrected', correctedDepartment: D2 },
  { ticket: 3, at: '2026-11-05T08:00:01Z', decision: 'routed', department: D1, review: 'corrected', correctedDepartment: D2 },
  { ticket: 3, at: '2026-11-05T08:00:02Z', decision: 'escalated', department: D2 },
  { ticket: 4, at: '2026-11-06T12:00:01Z', decision: 'auto_resolved', department: null, review: 'confirmed' },
  { ticket: 5, at: '2026-11-07T12:00:01Z', decision: 'queued', department: D1, review: 'corrected', correctedDepartment: D2 },
  { ticket: 6, at: '2026-11-09T12:00:01Z', decision: 'routed', department: D1 },
  { ticket: 7, at: '2026-11-10T12:00:01Z', decision: 'escalated', department: D2 },
];

const zero = Object.fromEntries(DAILY_COUNTERS.map((c) => [c, 0])) as Record<(typeof DAILY_COUNTERS)[number], number>;
const expected = (n: number, day: string, department: string | null, doneDay: string | null, counters: Partial<typeof zero>, history = false): TicketContribution => ({
  id: id(n),
  history,
  day,
  department_id: department,
  done_day: doneDay,
  ...zero,
  tickets_created: 1,
  ...counters,
});
const EXPECTED_UTC: TicketContribution[] = [
  expected(1, '2026-11-30', D1, null, {}),
  expected(2, '2026-11-01', D2, '2026-11-02', {
    predictions: 2, routed: 1, predictions_confirmed: 1, predictions_corrected: 1, routing_errors: 1,
    first_responses: 1, first_response_seconds_sum: 30, resolved: 1, resolution_seconds_sum: 86_400, closed: 1, sla_breaches_high: 1,
  }),
  expected(3, '2026-11-05', D1, null, { predictions: 2, escalated: 1, predictions_corrected: 1, triaged_by_person: 1, sla_breaches_low: 1 }),
  expected(4, '2026-11-06', null, '2026-11-06', { predictions: 1, auto_resolved: 1, predictions_confirmed: 1, resolved: 1 }, true),
  expected(5, '2026-11-07', D2, '2026-11-08', { predictions: 1, queued: 1, predictions_corrected: 1, routing_errors: 1, resolved: 1, resolution_seconds_sum: 86_400, closed: 1, sla_breaches_medium: 1 }),
  expected(6, '2026-11-09', D1, '2026-11-09', { predictions: 1, routed: 1, resolved: 1, closed: 1 }),
  expected(7, '2026-11-10', D2, null, { predictions: 1, escalated: 1, first_responses: 1 }),
];

let database: TestDatabase;
let db: Kysely<any>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db.em.getKysely<any>();
  await sql(database, `insert into departments (id, name) values ('${D1}', 'Contributions One'), ('${D2}', 'Contributions Two')`);
  for (const t of TICKETS) {
    await sql(
      database,
      `insert into tickets (id, source, subject, body, status, department_id, priority, content_hash, created_at, first_response_at, resolved_at, closed_at, sla_due_at, sla_breached_at, history, durations_unknown)
       values ('${id(t.n)}', 'email', 's${t.n}', 'b${t.n}', '${t.status}', ${lit(t.department)}, ${lit(t.priority)}, 'h${t.n}', '${t.created}', ${lit(t.firstResponse)}, ${lit(t.resolved)}, ${lit(t.closed)}, ${lit(t.slaDue)}, ${lit(t.slaBreached)}, ${t.history ?? false}, ${t.durationsUnknown ?? false})`,
    );
  }
  for (const p of PREDICTIONS) {
    await sql(
      database,
      `insert into ai_predictions (ticket_id, department_id, confidence, scores, thresholds, decision, reason, review, corrected_department_id, created_at)
       values ('${id(p.ticket)}', ${lit(p.department)}, 0.5, '{}', '{}', '${p.decision}', 'r', '${p.review ?? 'pending'}', ${lit(p.correctedDepartment)}, '${p.at}')`,
    );
  }
});
afterAll(async () => {
  await database?.dispose();
});

const byId = (rows: TicketContribution[]): TicketContribution[] => [...rows].sort((a, b) => a.id.localeCompare(b.id));

describe('ticketContributions: one row per ticket, every counter by its rule', () => {
  it.each(EXPECTED_UTC.map((e, i) => [i + 1, e] as const))('ticket %i (UTC)', async (n, want) => {
    expect(await ticketContributions(db, 'UTC', [id(n)])).toEqual([want]);
  });

  it('days are calendar days of the statistics time zone', async () => {
    const rows = byId(await ticketContributions(db, 'Asia/Almaty', [id(1), id(2)]));
    expect(rows.map((r) => [r.day, r.done_day])).toEqual([
      ['2026-12-01', null],
      ['2026-11-01', '2026-11-02'],
    ]);
    expect(byId(await ticketContributions(db, '-11:00', [id(1)])).map((r) => r.day)).toEqual(['2026-11-30']);
    expect(byId(await ticketContributions(db, '-11:00', [id(2)])).map((r) => [r.day, r.done_day])).toEqual([['2026-10-31', '2026-11-01']]);
  });

  it('all tickets at once, and none', async () => {
    expect(byId(await ticketContributions(db, 'UTC', TICKETS.map((t) => id(t.n))))).toEqual(EXPECTED_UTC);
    expect(await ticketContributions(db, 'UTC', [])).toEqual([]);
  });

  it('refuses what is not a ticket id rather than splice it into SQL', async () => {
    await expect(ticketContributions(db, 'UTC', [id(1), "x'); drop table tickets; --"])).rejects.toThrow(`not a ticket id: x'); drop table tickets; --`);
    await expect(ticketContributions(db, 'UTC', [`${id(1)}0`])).rejects.toThrow('not a ticket id');
    await expect(ticketContributions(db, 'UTC', [`0${id(1)}`])).rejects.toThrow('not a ticket id');
  });

  it('the grouping column of reports', async () => {
    const rows = await sql<{ id: string; grp: string }>(database, `with ${contributionsCte('UTC', `tk.id in ('${id(1)}', '${id(4)}')`, 'true', `tk.status::text`)} select id, grp from pt order by id`);
    expect(rows.map((r) => r.grp)).toEqual(['new', 'auto_resolved']);
    const none = await sql<{ predictions: number }>(database, `with ${contributionsCte('UTC', `tk.id = '${id(2)}'`, 'false')} select predictions from pt`);
    expect(none.map((r) => Number(r.predictions))).toEqual([0]);
    expect(zoneLiteral('UTC')).toBe("'UTC'");
  });
});

/** daily_stats as (day, history, department or 'all') -> non-zero counters (rows of zeros left out). */
async function dailyStats(): Promise<Record<string, Record<string, number>>> {
  const rows = await sql<Record<string, unknown>>(database, `select to_char(day, 'YYYY-MM-DD') as day, history, department_id, ${DAILY_COUNTERS.join(', ')} from daily_stats`);
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const counters = Object.fromEntries(DAILY_COUNTERS.map((c) => [c, Number(r[c])]).filter(([, v]) => v !== 0));
    // A row whose counters all went back to 0 (a ticket subtracted again) is the same as none.
    if (Object.keys(counters).length === 0) continue;
    out[`${r.day as string}/${r.history === true ? 'history' : 'intake'}/${r.department_id === D1 ? 'D1' : r.department_id === D2 ? 'D2' : 'all'}`] = counters;
  }
  return out;
}

/** The daily_stats rows the expected contributions give, summed by hand. */
function expectedDaily(contributions: readonly TicketContribution[], from = '0000-00-00', to = '9999-99-99'): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const add = (day: string, history: boolean, department: string | null, counters: Record<string, number>): void => {
    if (day < from || day > to) return;
    for (const d of department ? [department, null] : [null]) {
      const k = `${day}/${history ? 'history' : 'intake'}/${d === D1 ? 'D1' : d === D2 ? 'D2' : 'all'}`;
      const row = (out[k] ??= {});
      for (const [c, v] of Object.entries(counters)) if (v !== 0) row[c] = (row[c] ?? 0) + v;
    }
  };
  for (const c of contributions) {
    add(c.day, c.history, c.department_id, Object.fromEntries(COHORT_COUNTERS.map((k) => [k, c[k]])));
    if (c.done_day) add(c.done_day, c.history, c.department_id, { resolved_on_day: 1 });
  }
  return out;
}

describe('addContributionsSql: the rebuild statement', () => {
  it('adds every ticket to its cohort row, its department and the whole helpdesk, and the resolution day', async () => {
    await sql(database, 'delete from daily_stats');
    await sql(database, addContributionsSql('UTC'));
    expect(await dailyStats()).toEqual(expectedDaily(EXPECTED_UTC));
    // Run again: everything doubles (it adds, it does not overwrite).
    await sql(database, addContributionsSql('UTC'));
    const twice = expectedDaily([...EXPECTED_UTC, ...EXPECTED_UTC]);
    expect(await dailyStats()).toEqual(twice);
  });

  it('only the days of the range, only the tickets and predictions asked for', async () => {
    await sql(database, 'delete from daily_stats');
    await sql(database, addContributionsSql('UTC', { from: '2026-11-02', to: '2026-11-07' }));
    expect(await dailyStats()).toEqual(expectedDaily(EXPECTED_UTC, '2026-11-02', '2026-11-07'));
    // half a range is no range
    await sql(database, 'delete from daily_stats');
    await sql(database, addContributionsSql('UTC', { from: '2026-11-02' }));
    expect(await dailyStats()).toEqual(expectedDaily(EXPECTED_UTC));
    await sql(database, 'delete from daily_stats');
    await sql(database, addContributionsSql('UTC', { ticketWhere: `tk.id = '${id(2)}'`, predictionWhere: 'false' }));
    expect(await dailyStats()).toEqual({
      '2026-11-01/intake/D2': { tickets_created: 1, first_responses: 1, first_response_seconds_sum: 30, resolved: 1, resolution_seconds_sum: 86_400, closed: 1, sla_breaches_high: 1 },
      '2026-11-01/intake/all': { tickets_created: 1, first_responses: 1, first_response_seconds_sum: 30, resolved: 1, resolution_seconds_sum: 86_400, closed: 1, sla_breaches_high: 1 },
      '2026-11-02/intake/D2': { resolved_on_day: 1 },
      '2026-11-02/intake/all': { resolved_on_day: 1 },
    });
  });
});

describe('accumulate and trackTickets: the incremental writers', () => {
  it('adds the cohort counters and the resolution day, with the sign given', async () => {
    await sql(database, 'delete from daily_stats');
    const stats = new DailyAccumulator();
    accumulate(stats, EXPECTED_UTC, 1);
    await stats.flush(db);
    expect(await dailyStats()).toEqual(expectedDaily(EXPECTED_UTC));
    accumulate(stats, EXPECTED_UTC.slice(1, 2), -1);
    await stats.flush(db);
    expect(await dailyStats()).toEqual(expectedDaily(EXPECTED_UTC.filter((_, i) => i !== 1)));
  });

  it('adds the difference a change to a ticket makes', async () => {
    await sql(database, 'delete from daily_stats');
    const tracked = await trackTickets(db, 'UTC', [id(7)]);
    await sql(database, `update tickets set status = 'closed', resolved_at = '2026-11-11T12:00:00Z', department_id = '${D1}' where id = '${id(7)}'`);
    const stats = new DailyAccumulator();
    await tracked.commit(stats);
    const before = { tickets_created: 1, predictions: 1, escalated: 1, first_responses: 1 };
    const after = { tickets_created: 1, predictions: 1, escalated: 1, first_responses: 1, triaged_by_person: 1, resolved: 1, resolution_seconds_sum: 86_400, closed: 1, sla_breaches_critical: 1 };
    const minus = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, -v]));
    expect(await dailyStats()).toEqual({
      '2026-11-10/intake/D2': minus(before),
      '2026-11-10/intake/D1': after,
      '2026-11-10/intake/all': { triaged_by_person: 1, resolved: 1, resolution_seconds_sum: 86_400, closed: 1, sla_breaches_critical: 1 },
      '2026-11-11/intake/D1': { resolved_on_day: 1 },
      '2026-11-11/intake/all': { resolved_on_day: 1 },
    });
  });
});
