import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { InputError } from '../../errors.ts';
import { dayIn } from './daily.ts';

export interface DailyRow {
  day: string;
  /** Department name when the report is by department; null for the whole helpdesk. */
  department: string | null;
  newTickets: number;
  autoResolved: number;
  /** Share of the day's new tickets answered automatically (0..1), null without tickets. */
  autoResolvedShare: number | null;
  escalated: number;
  routed: number;
  queued: number;
  /** Confirmed / (confirmed + corrected) predictions; null when nobody reviewed any. */
  aiAccuracy: number | null;
  routingErrors: number;
  /** Average minutes to the first response, null when no ticket had one. */
  avgFirstResponseMinutes: number | null;
  slaBreaches: { low: number; medium: number; high: number; critical: number };
}

export interface DailyReport {
  from: string;
  to: string;
  rows: DailyRow[];
  total: DailyRow;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function parseDay(value: string, flag: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new InputError(`${flag} must be a date as YYYY-MM-DD (got "${value}")`);
  }
  return value;
}

/** The last `days` calendar days up to today in the time zone, unless from/to are given. */
export function reportRange(options: { from?: string | undefined; to?: string | undefined; days?: number; timeZone: string; now?: Date }): { from: string; to: string } {
  const today = dayIn(options.timeZone)(options.now ?? new Date());
  const to = options.to ? parseDay(options.to, '--to') : today;
  const from = options.from ? parseDay(options.from, '--from') : addDays(to, -((options.days ?? 14) - 1));
  if (from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  return { from, to };
}

type Sums = Record<string, number>;

function toRow(day: string, department: string | null, s: Sums): DailyRow {
  const reviewed = (s.predictions_confirmed ?? 0) + (s.predictions_corrected ?? 0);
  const created = s.tickets_created ?? 0;
  return {
    day,
    department,
    newTickets: created,
    autoResolved: s.auto_resolved ?? 0,
    autoResolvedShare: created > 0 ? (s.auto_resolved ?? 0) / created : null,
    escalated: s.escalated ?? 0,
    routed: s.routed ?? 0,
    queued: s.queued ?? 0,
    aiAccuracy: reviewed > 0 ? (s.predictions_confirmed ?? 0) / reviewed : null,
    routingErrors: s.routing_errors ?? 0,
    avgFirstResponseMinutes: (s.first_responses ?? 0) > 0 ? (s.first_response_seconds_sum ?? 0) / s.first_responses! / 60 : null,
    slaBreaches: { low: s.sla_breaches_low ?? 0, medium: s.sla_breaches_medium ?? 0, high: s.sla_breaches_high ?? 0, critical: s.sla_breaches_critical ?? 0 },
  };
}

const SUMMED = [
  'tickets_created',
  'auto_resolved',
  'escalated',
  'routed',
  'queued',
  'predictions_confirmed',
  'predictions_corrected',
  'routing_errors',
  'first_responses',
  'first_response_seconds_sum',
  'sla_breaches_low',
  'sla_breaches_medium',
  'sla_breaches_high',
  'sla_breaches_critical',
] as const;

/** Per calendar day for the whole helpdesk, every day present (zeros, not gaps), and a totals row. */
export async function dailyReport(em: EntityManager, range: { from: string; to: string }): Promise<DailyReport> {
  const db = em.getKysely<any>();
  const columns = sql.join(SUMMED.map((c) => sql`sum(${sql.ref(c)})::float8 as ${sql.ref(c)}`));
  const rows = (
    await sql<Record<string, any>>`
      select to_char(day, 'YYYY-MM-DD') as day, ${columns}
      from daily_stats where department_id is null and day between ${range.from}::date and ${range.to}::date
      group by day`.execute(db)
  ).rows;
  const byDay = new Map(rows.map((r) => [r.day as string, r as Sums]));
  const out: DailyRow[] = [];
  const total: Sums = {};
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) {
    const sums = byDay.get(day) ?? {};
    for (const c of SUMMED) total[c] = (total[c] ?? 0) + Number(sums[c] ?? 0);
    out.push(toRow(day, null, Object.fromEntries(SUMMED.map((c) => [c, Number(sums[c] ?? 0)]))));
  }
  return { from: range.from, to: range.to, rows: out, total: toRow('total', null, total) };
}
