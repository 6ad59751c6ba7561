import type { Database } from '../../db/database.ts';
import { closeWithin, listen, ReconnectBackoff, type Listener } from '../../db/listen.ts';
import { DECISIONS, type Decision } from '../../entities/enums.ts';
import { progressBar } from '../../output/progress.ts';
import { ticketClassifier } from '../../services/model/classify.ts';
import { activeModelId, loadActiveModel } from '../../services/model/registry.ts';
import type { TicketClassifier } from '../../services/pipeline/classifier.ts';
import type { PipelineConfig } from '../../services/pipeline/config.ts';
import { runPipeline, type DecidedTicket } from '../../services/pipeline/run.ts';
import { Waker } from '../../services/pipeline/waker.ts';
import { checkSla } from '../../services/sla/check.ts';
import { statsTimeZone } from '../calendar.ts';
import { actorName, databaseTarget, note, print, type CommandContext } from '../context.ts';

export interface FollowSettings {
  batchSize: number;
  config: PipelineConfig;
  /** Seconds between looks when nothing wakes the follower (the safety net; the embedded database's only way). */
  pollSeconds: number;
  /** Seconds between SLA checks. */
  slaSeconds: number;
  json: boolean;
}

/** The notification channel the ticket triggers NOTIFY on (migration 20261202050000). */
export const TICKETS_CHANNEL = 'helpdesk_tickets';

/**
 * `pipeline run --follow`: decides new tickets as they arrive, in the batches and transactions
 * of `pipeline run`, until SIGTERM or SIGINT.
 *
 * PostgreSQL: a LISTEN connection of its own wakes it when a transaction that inserted (or set
 * back) new tickets commits; a look every `pollSeconds` is the safety net. Any number of followers
 * share the work through the batches' FOR UPDATE SKIP LOCKED claims. A lost connection is one
 * line on stderr, then reconnects with back-off (0.5 s doubling to 10 s); nothing is lost, since
 * an interrupted batch rolls back and its tickets are still new.
 *
 * Embedded database: PGlite serves one process at a time, so there is nothing to listen to. The
 * follower works in rounds: open the database (waiting while another command holds it), decide
 * what is new, check SLAs, close it again (releasing the lock) and sleep `pollSeconds`. It sees
 * what its own process and every later holder of the lock wrote, at the next round.
 *
 * A signal lets the running batch finish (or roll back with its connection) and exits 0.
 */
export async function followPipeline(ctx: CommandContext, settings: FollowSettings): Promise<void> {
  const target = databaseTarget(ctx);
  const embedded = target.kind === 'pglite';
  const waker = new Waker();
  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      // A second signal: give up at once (the open transaction rolls back with the connection).
      process.exit(130);
    }
    stopping = true;
    waker.wake();
    // A batch takes well under a second; should one hang on a dead connection, the promise to
    // stop within 5 s still holds: exiting closes the connection and the server rolls it back.
    setTimeout(() => {
      note(ctx, 'stopped: the open batch did not finish in 4.5 s and is rolled back');
      process.exit(0);
    }, 4500).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const status = settings.json ? progressBar({ isTTY: false, write: () => true }) : progressBar(ctx.io.stderr, { intervalMs: 250 });
  const started = performance.now();
  let decided = 0;
  let batches = 0;
  let last: DecidedTicket | null = null;
  let lostSince: number | null = null;
  const lost = (message: string): void => {
    if (lostSince !== null || stopping) return;
    lostSince = Date.now();
    status.clear();
    note(ctx, `${ctx.err.warn('warning:')} database connection lost (${message}); reconnecting with back-off, nothing is lost`);
  };
  const recent: { at: number; n: number }[] = [];
  const onBatch = (tickets: DecidedTicket[], seconds: number): void => {
    batches++;
    decided += tickets.length;
    last = tickets.at(-1) ?? last;
    const now = Date.now();
    recent.push({ at: now, n: tickets.length });
    while (recent.length > 0 && recent[0]!.at < now - 10_000) recent.shift();
    const rate = recent.reduce((s, r) => s + r.n, 0) / Math.max(1, Math.min(10, (performance.now() - started) / 1000));
    const counts = Object.fromEntries(DECISIONS.map((d) => [d, 0])) as Record<Decision, number>;
    for (const t of tickets) counts[t.decision]++;
    if (settings.json) {
      print(ctx, JSON.stringify({
        time: new Date(now).toISOString(),
        batch: batches,
        count: tickets.length,
        seconds: Number(seconds.toFixed(3)),
        decisions: counts,
        total: decided,
        rate: Math.round(rate),
        tickets: tickets.map((t) => t.number),
      }) + '\n');
    } else if (ctx.io.stderr.isTTY === true) {
      status.update(decided, statusText(decided, rate, last), true);
    } else {
      print(ctx, `${new Date(now).toISOString()} batch ${batches}: ${tickets.length} decided (${DECISIONS.filter((d) => counts[d] > 0).map((d) => `${counts[d]} ${d}`).join(', ')}) in ${seconds.toFixed(2)} s; ${decided} in all\n`);
    }
  };

  let listener: Listener | null = null;
  let db: Database | null = null;
  let classifier: TicketClassifier | null = null;
  let modelId: string | null = null;
  let nextSla = 0;
  const backoff = new ReconnectBackoff();
  note(
    ctx,
    embedded
      ? `following new tickets on the embedded database ${target.displayUrl}: it serves one process at a time, so this looks every ${settings.pollSeconds} s and releases the database in between (other commands can write meanwhile); stop with Ctrl-C or SIGTERM`
      : `following new tickets on ${target.displayUrl} (woken by NOTIFY ${TICKETS_CHANNEL}, a look every ${settings.pollSeconds} s as a safety net); stop with Ctrl-C or SIGTERM`,
  );
  try {
    while (!stopping) {
      try {
        if (!db) db = await ctx.openDatabase({ target, command: ctx.commandLine, actor: actorName(ctx) });
        const current = await activeModelId(db.em.fork());
        if (!classifier || current !== modelId) {
          classifier = ticketClassifier(await loadActiveModel(db.em.fork()), settings.config.thresholds.headQuality);
          // The first classification compiles the model's fused table (about 0.1 s): done now,
          // not in the first batch.
          classifier.classify(['warm-up']);
          modelId = current;
        }
        // LISTEN only once the model is loaded: a follower seen listening (pg_stat_activity,
        // 'helpdesk listener') is ready to decide. Nothing committed before is missed: the
        // look below follows the LISTEN.
        if (target.kind === 'postgresql' && !listener) {
          listener = await listen({ url: target.url, channels: [TICKETS_CHANNEL], onNotify: () => waker.wake(), onLost: lost, onRestored: () => waker.wake() });
        }
        const zone = statsTimeZone(db);
        await runPipeline(db.em.fork(), classifier, { batchSize: settings.batchSize, dryRun: false, config: settings.config, statsTimeZone: zone, onBatch, shouldStop: () => stopping });
        if (!stopping && Date.now() >= nextSla) {
          const sla = await checkSla(db.em.fork(), { timeZone: zone });
          nextSla = Date.now() + settings.slaSeconds * 1000;
          if (sla.breached > 0) {
            status.clear();
            if (settings.json) print(ctx, JSON.stringify({ time: new Date().toISOString(), sla_breached: sla.breached, by_priority: sla.byPriority, tickets: sla.tickets }) + '\n');
            else note(ctx, `SLA: ${sla.breached} open ticket(s) past their deadline recorded as breached (${sla.tickets.slice(0, 10).map((n) => `#${n}`).join(', ')}${sla.tickets.length > 10 ? ', ...' : ''})`);
          }
        }
        if (lostSince !== null) {
          lostSince = null;
        }
        backoff.reset();
        if (embedded) {
          await db.close();
          db = null;
        }
        if (stopping) break;
        await waker.wait(settings.pollSeconds * 1000);
      } catch (error) {
        if (db) {
          const open = db;
          db = null;
          await closeWithin(open);
        }
        if (stopping) break;
        if (embedded && (error as Error).name === 'DatabaseUnavailableError' && /in use by process/.test((error as Error).message)) {
          // Another command has the embedded database: take the next turn.
          await waker.wait(500);
          continue;
        }
        await backoff.after(error, lost, (ms) => waker.wait(ms));
      }
    }
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    status.clear();
    await listener?.close();
    if (db) await closeWithin(db, 3000);
  }
  const seconds = (performance.now() - started) / 1000;
  if (!settings.json) note(ctx, `stopped: ${decided} ticket(s) decided in ${batches} batch(es) over ${seconds.toFixed(1)} s`);
}

function statusText(decided: number, rate: number, last: DecidedTicket | null): string {
  const what = last ? `; last #${last.number} ${last.decision}${last.department ? ` -> ${last.department}` : ''}${last.operator ? ` (${last.operator})` : ''} at ${new Date().toTimeString().slice(0, 8)}` : '';
  return `following: ${decided} decided, ${Math.round(rate)}/s${what}`;
}
