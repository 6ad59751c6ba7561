import type { EntityManager } from '@mikro-orm/sql';
import { sql, type Kysely } from 'kysely';
import { InputError, UsageError } from '../../errors.ts';
import { contributionsCte, zoneLiteral } from './contributions.ts';
import { dayIn } from './daily.ts';

export const DIMENSIONS = ['department', 'category', 'language', 'source', 'operator'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface DailyRow {
  day: string;
  /** The group's name when the report is `--by` something ("(none)" for tickets without one); null overall. */
  group: string | null;
  newTickets: number;
  autoResolved: number;
  /** Share of the day's new tickets answered automatically (0..1), null without tickets. */
  autoResolvedShare: number | null;
  escalated: number;
  routed: number;
  queued: number;
  /** Confirmed / (confirmed + corrected) predictions; null when nobody reviewed any. */
  aiAccuracy: number | null;
  predictionsConfirmed: number;
  predictionsCorrected: number;
  routingErrors: number;
  /** Escalated tickets a person moved out of triage to a department. */
  triagedByPerson: number;
  /** Average minutes to the first response, null when no ticket had one. */
  avgFirstResponseMinutes: number | null;
  resolved: number;
  /** Resolved after their SLA deadline, or still open past it now, by priority. */
  slaBreaches: { low: number; medium: number; high: number; critical: number };
  /** Open (not resolved) tickets at the end of the day; for the totals row, at the end of the range. */
  backlog: number;
}

/** Whether imported history is added to the figures (`include`) or left out (`exclude`, the intake only). */
export const HISTORY_CHOICES = ['exclude', 'include'] as const;
export type HistoryChoice = (typeof HISTORY_CHOICES)[number];

export function parseHistory(value: string | undefined): HistoryChoice {
  if (value === undefined) return 'exclude';
  if (!(HISTORY_CHOICES as readonly string[]).includes(value)) throw new UsageError(`--history must be one of ${HISTORY_CHOICES.join(', ')} (got "${value}")`);
  return value as HistoryChoice;
}

export interface DailyReport {
  from: string;
  to: string;
  timeZone: string;
  by: Dimension | null;
  history: HistoryChoice;
  rows: DailyRow[];
  /** One per group when `by` is set (empty otherwise). */
  totals: DailyRow[];
  /** Over everything. */
  total: DailyRow;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function parseDimension(value: string | undefined): Dimension | null {
  if (value === undefined) return null;
  if (!(DIMENSIONS as readonly string[]).includes(value)) throw new UsageError(`--by must be one of ${DIMENSIONS.join(', ')} (got "${value}")`);
  return value as Dimension;
}

/** The last `days` calendar days up to today in the time zone, unless from/to (days, YYYY-MM-DD) are given. */
export function reportRange(options: { from?: string | undefined; to?: string | undefined; days?: number; timeZone: string; now?: Date }): { from: string; to: string } {
  const today = dayIn(options.timeZone)(options.now ?? new Date());
  const to = options.to ?? today;
  const from = options.from ?? addDays(to, -((options.days ?? 14) - 1));
  if (from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  if (addDays(from, 3660) < to) throw new InputError(`--from ${from} to --to ${to} is more than ten years`);
  return { from, to };
}

/** Counters a report row is made of (sums, so they add up over days and groups). */
const SUMMED = [
  'tickets_created',
  'auto_resolved',
  'escalated',
  'routed',
  'queued',
  'predictions_confirmed',
  'predictions_corrected',
  'routing_errors',
  'triaged_by_person',
  'first_responses',
  'first_response_seconds_sum',
  'resolved',
  'sla_breaches_low',
  'sla_breaches_medium',
  'sla_breaches_high',
  'sla_breaches_critical',
] as const;

type Sums = Record<(typeof SUMMED)[number], number> & { backlog: number };

const zero = (): Sums => Object.fromEntries([...SUMMED, 'backlog'].map((c) => [c, 0])) as Sums;

function toRow(day: string, group: string | null, s: Sums): DailyRow {
  const reviewed = s.predictions_confirmed + s.predictions_corrected;
  return {
    day,
    group,
    newTickets: s.tickets_created,
    autoResolved: s.auto_resolved,
    autoResolvedShare: s.tickets_created > 0 ? s.auto_resolved / s.tickets_created : null,
    escalated: s.escalated,
    routed: s.routed,
    queued: s.queued,
    aiAccuracy: reviewed > 0 ? s.predictions_confirmed / reviewed : null,
    predictionsConfirmed: s.predictions_confirmed,
    predictionsCorrected: s.predictions_corrected,
    routingErrors: s.routing_errors,
    triagedByPerson: s.triaged_by_person,
    avgFirstResponseMinutes: s.first_responses > 0 ? s.first_response_seconds_sum / s.first_responses / 60 : null,
    resolved: s.resolved,
    slaBreaches: { low: s.sla_breaches_low, medium: s.sla_breaches_medium, high: s.sla_breaches_high, critical: s.sla_breaches_critical },
    backlog: s.backlog,
  };
}

/** The ticket column a dimension groups by, and where its names come from. */
const DIMENSION_SQL: Record<Dimension, { column: string; names?: string }> = {
  department: { column: 'tk.department_id::text', names: 'select id::text as id, name from departments' },
  category: { column: 'tk.category_id::text', names: 'select id::text as id, name from categories' },
  language: { column: 'tk.language::text' },
  source: { column: 'tk.source::text' },
  operator: { column: 'tk.operator_id::text', names: 'select id::text as id, name from operators' },
};

const NONE = '(none)';
const OVERALL = '';

interface Piece {
  day: string;
  group: string;
  values: Partial<Sums>;
}

function bounds(range: { from: string; to: string }, timeZone: string): { start: string; end: string } {
  const tz = zoneLiteral(timeZone);
  return { start: `('${range.from}'::date::timestamp at time zone ${tz})`, end: `(('${range.to}'::date + 1)::timestamp at time zone ${tz})` };
}

/**
 * Per calendar day (in the time zone daily_stats were kept in), every day present (zeros, not
 * gaps), overall or by a dimension, with totals. Overall and by department read daily_stats (a
 * few rows per day whatever the volume); the other dimensions aggregate the tickets of the range
 * with the same per-ticket definitions. Open tickets past their SLA deadline come from the
 * tickets at read time (status index).
 */
export async function dailyReport(
  em: EntityManager,
  options: { from: string; to: string; timeZone: string; by?: Dimension | null; history?: HistoryChoice; now?: Date },
): Promise<DailyReport> {
  const db = em.getKysely<any>();
  const timeZone = options.timeZone;
  const by = options.by ?? null;
  const history = options.history ?? 'exclude';
  const range = { from: options.from, to: options.to };
  const parts: Piece[] = [];
  // Imported history left out: the rows (and tickets) with history = true are not read.
  const rows = history === 'include' ? 'true' : 'not history';
  const tickets = history === 'include' ? 'true' : 'not tk.history';
  if (by === null || by === 'department') parts.push(...(await fromDailyStats(db, range, by === 'department', rows)));
  else parts.push(...(await fromTickets(db, range, timeZone, by, tickets)));
  parts.push(...(await openPastDue(db, range, timeZone, by, options.now ?? new Date(), tickets)));

  const names = by && DIMENSION_SQL[by].names ? new Map((await sql.raw<{ id: string; name: string }>(DIMENSION_SQL[by].names!).execute(db)).rows.map((r) => [r.id, r.name])) : new Map<string, string>();
  const label = (group: string): string | null => (by === null ? null : group === OVERALL ? NONE : names.get(group) ?? group);

  // day -> group -> sums; groups seen anywhere in the range get a row every day.
  const cells = new Map<string, Map<string, Sums>>();
  const groups = new Set<string>();
  const baseline = new Map<string, number>();
  for (const part of parts) {
    if (part.day < range.from) {
      baseline.set(part.group, (baseline.get(part.group) ?? 0) + (part.values.backlog ?? 0));
      groups.add(part.group);
      continue;
    }
    groups.add(part.group);
    let byGroup = cells.get(part.day);
    if (!byGroup) cells.set(part.day, (byGroup = new Map()));
    let sums = byGroup.get(part.group);
    if (!sums) byGroup.set(part.group, (sums = zero()));
    for (const [k, v] of Object.entries(part.values)) sums[k as keyof Sums] += Number(v);
  }
  // Overall, or by a dimension with nothing in the range: still a row every day.
  if (by === null || groups.size === 0) groups.add(OVERALL);
  const ordered = [...groups].sort((a, b) => (label(a) ?? '').localeCompare(label(b) ?? ''));
  const dayRows: DailyRow[] = [];
  const totals = new Map(ordered.map((g) => [g, zero()]));
  const running = new Map(ordered.map((g) => [g, baseline.get(g) ?? 0]));
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) {
    for (const group of ordered) {
      const sums = cells.get(day)?.get(group) ?? zero();
      // Parts carry the backlog's daily change; the row shows the running level.
      running.set(group, running.get(group)! + sums.backlog);
      sums.backlog = running.get(group)!;
      const total = totals.get(group)!;
      for (const c of SUMMED) total[c] += sums[c];
      total.backlog = sums.backlog;
      dayRows.push(toRow(day, label(group), sums));
    }
  }
  const out: DailyRow[] = [];
  if (by !== null) {
    for (const group of ordered) out.push(toRow('total', label(group), totals.get(group)!));
  }
  const overall = zero();
  for (const t of totals.values()) for (const c of [...SUMMED, 'backlog'] as const) overall[c] += t[c];
  return { from: range.from, to: range.to, timeZone, by, history, rows: dayRows, totals: out, total: toRow('total', by === null ? null : 'all', overall) };
}

/** Overall (or per department) sums from daily_stats, and the backlog's change per day. */
async function fromDailyStats(db: Kysely<any>, range: { from: string; to: string }, byDepartment: boolean, rows: string): Promise<Piece[]> {
  const columns = SUMMED.map((c) => `sum(${c})::float8 as ${c}`).join(', ');
  const where = `${byDepartment ? 'department_id is not null' : 'department_id is null'} and ${rows}`;
  const group = byDepartment ? `coalesce(department_id::text, '')` : `''`;
  const inRange = (
    await sql.raw<Record<string, unknown>>(`
      select to_char(day, 'YYYY-MM-DD') as day, ${group} as grp, ${columns}, sum(tickets_created - resolved_on_day)::float8 as backlog
      from daily_stats where ${where} and day between '${range.from}'::date and '${range.to}'::date
      group by 1, 2`).execute(db)
  ).rows;
  // Backlog before the range: every day's inflow minus outflow up to the day before.
  const before = (
    await sql.raw<Record<string, unknown>>(`
      select ${group} as grp, sum(tickets_created - resolved_on_day)::float8 as backlog
      from daily_stats where ${where} and day < '${range.from}'::date group by 1`).execute(db)
  ).rows;
  const parts: Piece[] = [];
  for (const r of before) parts.push({ day: addDays(range.from, -1), group: String(r.grp), values: { backlog: Number(r.backlog) } });
  for (const r of inRange) {
    const values: Partial<Sums> = { backlog: Number(r.backlog) };
    for (const c of SUMMED) values[c] = Number(r[c] ?? 0);
    parts.push({ day: String(r.day), group: String(r.grp), values });
  }
  if (byDepartment) {
    // Tickets without a department are only in the overall rows: show them as "(none)".
    const overall = await fromDailyStats(db, range, false, rows);
    const summed = new Map<string, Partial<Sums>>();
    for (const p of parts) {
      const s = summed.get(p.day) ?? {};
      for (const [k, v] of Object.entries(p.values)) s[k as keyof Sums] = (s[k as keyof Sums] ?? 0) + Number(v);
      summed.set(p.day, s);
    }
    for (const o of overall) {
      const s = summed.get(o.day) ?? {};
      const values: Partial<Sums> = {};
      let any = false;
      for (const [k, v] of Object.entries(o.values)) {
        const rest = Number(v) - (s[k as keyof Sums] ?? 0);
        values[k as keyof Sums] = rest;
        if (rest !== 0) any = true;
      }
      if (any) parts.push({ day: o.day, group: OVERALL, values });
    }
  }
  return parts;
}

/** Other dimensions: the tickets created in the range, with the per-ticket definitions of daily_stats. */
async function fromTickets(db: Kysely<any>, range: { from: string; to: string }, timeZone: string, by: Dimension, tickets: string): Promise<Piece[]> {
  const { start, end } = bounds(range, timeZone);
  const column = DIMENSION_SQL[by].column;
  const inRange = `tk.created_at >= ${start} and tk.created_at < ${end} and ${tickets}`;
  const cte = contributionsCte(timeZone, inRange, `ticket_id in (select tk.id from tickets tk where ${inRange})`, `coalesce(${column}, '')`);
  const columns = SUMMED.map((c) => `sum(${c})::float8 as ${c}`).join(', ');
  const cohort = (await sql.raw<Record<string, unknown>>(`with ${cte} select to_char(day, 'YYYY-MM-DD') as day, grp, ${columns} from pt group by 1, 2`).execute(db)).rows;
  // The backlog's daily change from every ticket created before the end of the range
  // (+1 the day it was created, -1 the day it was resolved); days before the range collapse into one.
  const tz = zoneLiteral(timeZone);
  const doneAt = 'greatest(coalesce(tk.resolved_at, tk.closed_at, tk.created_at), tk.created_at)';
  const flows = (
    await sql.raw<{ day: string; grp: string; n: number }>(`
      select to_char(greatest(d, '${range.from}'::date - 1), 'YYYY-MM-DD') as day, grp, sum(n)::float8 as n from (
        select (tk.created_at at time zone ${tz})::date as d, coalesce(${column}, '') as grp, 1 as n
        from tickets tk where tk.created_at < ${end} and ${tickets}
        union all
        select (${doneAt} at time zone ${tz})::date, coalesce(${column}, ''), -1
        from tickets tk where tk.status in ('auto_resolved', 'closed') and ${doneAt} < ${end} and ${tickets}
      ) e group by 1, 2`).execute(db)
  ).rows;
  const parts: Piece[] = [];
  for (const r of cohort) {
    const values: Partial<Sums> = {};
    for (const c of SUMMED) values[c] = Number(r[c] ?? 0);
    parts.push({ day: String(r.day), group: String(r.grp), values });
  }
  for (const r of flows) parts.push({ day: r.day, group: r.grp, values: { backlog: Number(r.n) } });
  return parts;
}

/** Tickets created in the range, still open, past their SLA deadline now, not yet flagged (flagged ones are in daily_stats). */
async function openPastDue(db: Kysely<any>, range: { from: string; to: string }, timeZone: string, by: Dimension | null, now: Date, tickets: string): Promise<Piece[]> {
  const { start, end } = bounds(range, timeZone);
  const tz = zoneLiteral(timeZone);
  const group = by === null ? `''` : `coalesce(${DIMENSION_SQL[by].column}, '')`;
  const rows = (
    await sql.raw<{ day: string; grp: string; priority: string; n: number }>(`
      select to_char((tk.created_at at time zone ${tz})::date, 'YYYY-MM-DD') as day, ${group} as grp, tk.priority::text as priority, count(*)::int as n
      from tickets tk
      where tk.status in ('new', 'in_work', 'waiting') and tk.created_at >= ${start} and tk.created_at < ${end} and ${tickets}
        and tk.sla_due_at < '${now.toISOString()}'::timestamptz and tk.priority is not null
        and tk.sla_breached_at is null
      group by 1, 2, 3`).execute(db)
  ).rows;
  return rows.map((r) => ({ day: r.day, group: r.grp, values: { [`sla_breaches_${r.priority}`]: Number(r.n) } }));
}
