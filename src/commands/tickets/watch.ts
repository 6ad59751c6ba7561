import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { closeWithin, listen, ReconnectBackoff, type Listener } from '../../db/listen.ts';
import { LANGUAGES, TICKET_STATUSES } from '../../entities/enums.ts';
import { UsageError } from '../../errors.ts';
import type { Style } from '../../output/style.ts';
import { EVENT_KINDS, EventCursor, type EventFilter, type TicketEventRow } from '../../services/events/store.ts';
import { parseTimestamp } from '../../services/import/rows.ts';
import { Waker } from '../../services/pipeline/waker.ts';
import { actorName, databaseTarget, isTerminal, note, print, withDatabase, type CommandContext } from '../context.ts';
import { oneOfIfGiven } from '../../services/one-of.ts';
import { namedIn } from '../../services/tickets/ticket-store.ts';

export interface WatchFlags {
  since?: string;
  json?: boolean;
  department?: string;
  language?: string;
  status?: string;
  event?: string;
  follow?: boolean;
  poll?: string;
}

/** The channel every event trigger NOTIFYs (migration 20261202050000). */
export const EVENTS_CHANNEL = 'helpdesk_events';

/** `--since`: an ISO date or date-time, DD.MM.YYYY [HH:MM], or a span back from now (90s, 15m, 2h, 1d). */
export function parseSince(value: string, now = new Date()): Date {
  const span = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim());
  if (span) return new Date(now.getTime() - Number(span[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as 's' | 'm' | 'h' | 'd']);
  const parsed = parseTimestamp(value.trim());
  if (!parsed) throw new UsageError(`--since must be a date, a date-time or a span such as 15m, 2h or 1d (got "${value}")`);
  return new Date(parsed);
}

/**
 * `tickets watch`: the event stream. With --since, first the stored events from that time, then
 * (unless --no-follow) the new ones as they commit, without a gap or a duplicate at the seam (see
 * EventCursor). On PostgreSQL a LISTEN connection wakes it; a look every --poll seconds is the
 * safety net, and a lost connection is one line on stderr, then reconnects.
 */
export async function ticketsWatch(ctx: CommandContext, flags: WatchFlags): Promise<void> {
  const kinds = flags.event?.split(',').map((k) => oneOfIfGiven(EVENT_KINDS, k, '--event')!);
  const filter: EventFilter = {
    kinds,
    language: oneOfIfGiven(LANGUAGES, flags.language, '--language'),
    status: oneOfIfGiven(TICKET_STATUSES, flags.status, '--status'),
    since: flags.since !== undefined ? parseSince(flags.since) : undefined,
  };
  const follow = flags.follow !== false;
  const pollSeconds = flags.poll !== undefined ? Number(flags.poll) : 5;
  if (!(pollSeconds > 0)) throw new UsageError(`--poll must be a positive number of seconds (got "${flags.poll}")`);
  const target = databaseTarget(ctx);
  if (follow && target.kind === 'pglite') {
    throw new UsageError(
      'tickets watch follows new events on a PostgreSQL server only (--database-url or DATABASE_URL): the embedded database serves one process at a time, so nothing else could write while it watched. Add --no-follow to print the stored events (with --since) and exit.',
    );
  }
  if (!follow && filter.since === undefined) throw new UsageError('--no-follow needs --since: which stored events to print');

  const line = (e: TicketEventRow): string => (flags.json ? JSON.stringify(e) : describeEvent(e, isTerminal(ctx) ? ctx.out : null)) + '\n';
  const cursor = new EventCursor(filter);
  if (!follow) {
    await withDatabase(ctx, async (db) => {
      if (flags.department) filter.departmentId = await departmentId(db.em.getKysely<any>(), flags.department);
      for (const e of await cursor.next(db.em.getKysely<any>())) print(ctx, line(e));
    });
    return;
  }

  const waker = new Waker();
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    waker.wake();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  let listener: Listener | null = null;
  let db: Database | null = null;
  let lost = false;
  const onLost = (message: string): void => {
    if (lost || stopping) return;
    lost = true;
    note(ctx, `${ctx.err.warn('warning:')} database connection lost (${message}); reconnecting with back-off, no event is lost`);
  };
  try {
    if (target.kind === 'postgresql') {
      listener = await listen({ url: target.url, channels: [EVENTS_CHANNEL], onNotify: () => waker.wake(), onLost, onRestored: () => waker.wake() });
    }
    const backoff = new ReconnectBackoff();
    let started = false;
    while (!stopping) {
      try {
        db = await ctx.openDatabase({ target, command: ctx.commandLine, actor: actorName(ctx) });
        {
          const k = db.em.getKysely<any>();
          if (!started) {
            if (flags.department) filter.departmentId = await departmentId(k, flags.department);
            if (filter.since === undefined) await cursor.skipExisting(k);
            started = true;
          }
          while (!stopping) {
            for (const e of await cursor.next(k)) print(ctx, line(e));
            lost = false;
            backoff.reset();
            await waker.wait(pollSeconds * 1000);
          }
        }
      } catch (error) {
        if (db) {
          const open = db;
          db = null;
          await closeWithin(open);
        }
        if (stopping) break;
        await backoff.after(error, onLost, (ms) => waker.wait(ms));
      }
    }
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await listener?.close();
    await closeLast(db);
  }
}

async function closeLast(db: Database | null): Promise<void> {
  if (db) await closeWithin(db, 3000);
}

async function departmentId(db: Kysely<any>, name: string): Promise<string> {
  return namedIn((await sql<{ id: string; name: string }>`select id, name from departments`.execute(db)).rows, name, 'department').id;
}

/** One line for people: time, event, ticket, then what happened. */
export function describeEvent(e: TicketEventRow, style: Style | null): string {
  const d = e.data as Record<string, any>;
  const paint = (kind: string, text: string): string => {
    if (!style) return text;
    if (kind === 'sla_breached' || kind === 'operator_at_capacity') return style.error(text);
    if (kind === 'created') return style.accent(text);
    if (kind === 'decided') return style.ok(text);
    if (kind === 'corrected' || kind === 'updated') return style.warn(text);
    return style.bold(text);
  };
  const time = e.at.slice(0, 19).replace('T', ' ');
  const ticket = e.ticket ? `#${e.ticket}` : '';
  let what = '';
  switch (e.event) {
    case 'created':
      what = `${e.language ?? '?'} ${d.source ?? ''}: ${String(d.subject ?? '').slice(0, 80)}`;
      break;
    case 'decided':
      what = `${d.decision}${d.department ? ` -> ${d.department}` : ''}${d.operator ? ` (${d.operator})` : ''}, ${d.category ?? 'no category'} ${Number(d.confidence ?? 0).toFixed(2)}, ${d.priority ?? ''}`;
      if (d.decision === 'queued') what += `, ${d.queued_in_department} queued in the department`;
      break;
    case 'updated':
      what = `by ${e.actor}: ${Object.entries((d.changes ?? {}) as Record<string, [unknown, unknown]>)
        .map(([field, [from, to]]) => `${field} ${from ?? '-'} -> ${to ?? '-'}`)
        .join(', ')}`;
      break;
    case 'confirmed':
    case 'corrected':
      what = `by ${e.actor}: ${d.category ?? ''}${d.department ? ` / ${d.department}` : ''}${e.event === 'corrected' && d.predicted_category ? ` (predicted ${d.predicted_category}${d.predicted_department ? ` / ${d.predicted_department}` : ''})` : ''}`;
      break;
    case 'closed':
      what = `by ${e.actor} (was ${d.from})`;
      break;
    case 'sla_breached':
      what = `${d.priority ?? ''} ticket open past its deadline ${String(d.sla_due_at ?? '').slice(0, 16).replace('T', ' ')}${e.department ? `, ${e.department}` : ''}${e.operator ? ` (${e.operator})` : ''}`;
      break;
    case 'operator_at_capacity':
      what = `${d.operator_name} <${d.operator}> ${d.open}/${d.capacity} open tickets, ${d.department}`;
      break;
    default:
      what = JSON.stringify(d);
  }
  return `${time}  ${paint(e.event, e.event.padEnd(20))} ${ticket.padEnd(8)} ${what}`;
}
