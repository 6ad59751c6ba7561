import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTicketsCsv } from '../../bench/generate-tickets.ts';
import { NEW_TICKETS_MAP, undoPipeline } from '../../bench/pipeline-data.ts';
import { openDatabase } from '../../src/db/database.ts';
import { resolveTarget } from '../../src/db/target.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli, spawnCli, startCli } from '../support/cli.ts';

// Real `helpdesk pipeline run` processes: one killed with SIGKILL in the middle of its run and
// run again; on PostgreSQL, two started at once on the same database. In every case each new
// ticket must end up decided exactly once, with nothing half-written.

const TICKETS = 2000;
const BATCH = 40;
const fixture = (path: string): string => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));

let database: TestDatabase;
let env: Record<string, string>;
let tmp: string;

beforeAll(async () => {
  database = await createTestDatabase();
  tmp = mkdtempSync(join(tmpdir(), 'helpdesk-pipeline-crash-'));
  const cli = async (args: string[]) => {
    const result = await runCli(args, { database });
    // Training on a mostly English history warns that ru and kk are thin: expected here.
    expect(result.stderr.split('\n').filter((line) => line && !(args[0] === 'model' && line.startsWith('warning: ')))).toEqual([]);
    expect(result.code).toBe(0);
  };
  await cli(['db', 'seed']);
  await cli(['import', 'tickets', fixture('it-tickets/sample.csv'), '--map', 'body=Document,category=Topic_group', '--status', 'closed', '--create-missing']);
  await cli(['import', 'tickets', fixture('tickets/history.jsonl')]);
  await cli(['model', 'train', '--activate', '--no-tune']);
  const csv = join(tmp, 'new.csv');
  await generateTicketsCsv(csv, TICKETS, 23);
  await cli(['import', 'tickets', csv, '--map', NEW_TICKETS_MAP]);
  // The processes below need the database to themselves (PGlite: the directory lock).
  await database.db.close();
  env = { ...database.env, NO_COLOR: '1' };
});
afterAll(async () => {
  await database?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs queries on the test database with a connection of its own, closed afterwards. */
/** daily_stats after an undo: recomputed from the tickets, as `helpdesk stats rebuild` does. */
async function rebuildStats(): Promise<void> {
  const result = await runCli(['stats', 'rebuild'], { database });
  expect(result.code).toBe(0);
}

async function inspect<T>(work: (query: <R>(text: string) => Promise<R[]>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ target: resolveTarget({ env }), command: 'test', create: false });
  try {
    const k = db.orm.em.fork().getKysely();
    return await work(async <R>(text: string) => (await sql.raw<R>(text).execute(k)).rows);
  } finally {
    await db.close();
  }
}

interface State {
  fresh: number;
  decided: number;
  predictions: number;
  predictedTickets: number;
  orphanPredictions: number;
  decidedWithoutPrediction: number;
  autoResolved: number;
  messages: number;
  orphanMessages: number;
  templateUses: number;
  statsCreated: number;
  statsDecisions: number;
  overCapacity: number;
}

/** Everything that must agree after any number of committed batches. */
const STATE = `
  select
    (select count(*) from tickets where status = 'new')::int as fresh,
    (select count(*) from tickets where status in ('auto_resolved', 'in_work'))::int as decided,
    (select count(*) from ai_predictions)::int as predictions,
    (select count(distinct ticket_id) from ai_predictions)::int as "predictedTickets",
    (select count(*) from ai_predictions p join tickets t on t.id = p.ticket_id where t.status = 'new')::int as "orphanPredictions",
    (select count(*) from tickets t where t.status in ('auto_resolved', 'in_work') and not exists (select 1 from ai_predictions p where p.ticket_id = t.id))::int as "decidedWithoutPrediction",
    (select count(*) from tickets where status = 'auto_resolved')::int as "autoResolved",
    (select count(*) from ticket_messages)::int as messages,
    (select count(*) from ticket_messages m join tickets t on t.id = m.ticket_id
       where t.status <> 'auto_resolved' or not exists (select 1 from ai_predictions p where p.ticket_id = t.id and p.decision = 'auto_resolved'))::int as "orphanMessages",
    (select coalesce(sum(times_used), 0) from ai_auto_responses)::int as "templateUses",
    -- The intake: every ticket imported as new, decided or not (the imported history is counted apart).
    (select coalesce(sum(tickets_created), 0) from daily_stats where department_id is null and not history)::int as "statsCreated",
    (select coalesce(sum(auto_resolved + escalated + routed + queued), 0) from daily_stats where department_id is null)::int as "statsDecisions",
    (select count(*) from (select o.id from operators o join tickets t on t.operator_id = o.id and t.status in ('new', 'in_work', 'waiting')
       group by o.id having count(*) > max(o.capacity)) x)::int as "overCapacity"`;

/** The state is consistent with `decided` tickets decided: whole batches, nothing orphaned. */
function expectConsistent(state: State, decided: number): void {
  expect(state).toEqual({
    fresh: TICKETS - decided,
    decided,
    predictions: decided,
    predictedTickets: decided,
    orphanPredictions: 0,
    decidedWithoutPrediction: 0,
    autoResolved: state.messages,
    messages: state.messages,
    orphanMessages: 0,
    templateUses: state.messages,
    statsCreated: TICKETS,
    statsDecisions: decided,
    overCapacity: 0,
  });
}

const readState = () => inspect(async (query) => (await query<State>(STATE))[0]!);

describe('pipeline run killed with SIGKILL mid-run, then run again', () => {
  it('leaves whole batches only; the rerun decides the rest, each ticket exactly once', async () => {
    const args = ['pipeline', 'run', '--batch', String(BATCH)];
    /** Runs the pipeline until it reaches `failpoint` (HELPDESK_FAILPOINT), and kills it there. */
    const killAt = async (failpoint: string): Promise<void> => {
      const run = startCli(args, { ...env, HELPDESK_FAILPOINT: failpoint });
      await run.stderrShows(`failpoint ${failpoint.split('#')[0]}\n`);
      run.child.kill('SIGKILL');
      const killed = await run.exited;
      expect(killed.signal, `finished before the kill: ${killed.stderr}`).toBe('SIGKILL');
      expect(killed.stderr).toBe(`failpoint ${failpoint.split('#')[0]}\n`);
    };
    // Killed while its third batch is written but not committed: two whole batches stay.
    await killAt('pipeline:batch-written#3');
    expectConsistent(await readState(), 2 * BATCH);
    // Killed right after its second batch committed: both stay, on top of the two before.
    await killAt('pipeline:batch-committed#2');
    const partial = 4 * BATCH;
    expectConsistent(await readState(), partial);

    const rerun = await spawnCli([...args, '--json'], env);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ processed: TICKETS - partial, batches: (TICKETS - partial) / BATCH });
    const final = await readState();
    // (The generated tickets match no answer template closely enough to be answered since the
    // template match was made strict; expectConsistent still checks answers against decisions.)
    expectConsistent(final, TICKETS);
  });
});

describe.runIf(process.env.DATABASE_URL)('two pipeline run processes at once on PostgreSQL', () => {
  it('share the work: every ticket decided once, none left new, operators within capacity, both did some', async () => {
    const before = await inspect(async (query) => {
      const counts = await query<{ decision: string; n: number }>(`select decision::text as decision, count(*)::int as n from ai_predictions group by 1 order by 1`);
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      try {
        await undoPipeline(client);
        await rebuildStats();
      } finally {
        await client.end();
      }
      return Object.fromEntries(counts.map((c) => [c.decision, c.n]));
    });
    expectConsistent(await readState(), 0);

    const args = ['pipeline', 'run', '--batch', String(BATCH), '--json'];
    const runs = [startCli(args, env), startCli(args, env)];
    const results = await Promise.all(runs.map((r) => r.exited));
    const summaries = results.map((r) => {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { processed: number; decisions: Record<string, number> };
    });
    for (const s of summaries) expect(s.processed, `split ${summaries.map((x) => x.processed).join('/')}`).toBeGreaterThan(0);
    expect(summaries[0]!.processed + summaries[1]!.processed).toBe(TICKETS);
    expectConsistent(await readState(), TICKETS);
    // What does not depend on operator load is decided as by one process.
    const sum = (d: string) => summaries[0]!.decisions[d]! + summaries[1]!.decisions[d]!;
    expect({ auto_resolved: sum('auto_resolved'), escalated: sum('escalated'), assigned: sum('routed') + sum('queued') }).toEqual({
      auto_resolved: before.auto_resolved ?? 0,
      escalated: before.escalated ?? 0,
      assigned: (before.routed ?? 0) + (before.queued ?? 0),
    });
  });
  it('a second worker decides tickets while the first holds a claimed batch: they share the work, not queue behind it', async () => {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      await undoPipeline(client);
    } finally {
      await client.end();
    }
    await rebuildStats();
    // The first worker stops with its first batch claimed (FOR UPDATE ... SKIP LOCKED) and open.
    const holder = startCli(['pipeline', 'run', '--batch', String(BATCH)], { ...env, HELPDESK_FAILPOINT: 'pipeline:batch-claimed' });
    await holder.stderrShows('failpoint pipeline:batch-claimed\n');
    // The second claims other tickets and finishes three batches meanwhile. Without SKIP LOCKED it
    // would wait on the first worker's rows for ever (and this test would time out).
    const second = await spawnCli(['pipeline', 'run', '--batch', String(BATCH), '--limit', String(3 * BATCH), '--json'], env);
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(second.stdout)).toMatchObject({ processed: 3 * BATCH, batches: 3 });
    expect(holder.child.exitCode).toBeNull();
    holder.child.kill('SIGKILL');
    await holder.exited;
    // The held batch was never committed: exactly the second worker's tickets are decided.
    expectConsistent(await readState(), 3 * BATCH);
  });
  it('with no active operator at all, batches still take turns writing (they deadlocked on the template counters)', async () => {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      await undoPipeline(client);
        await rebuildStats();
      await client.query('update operators set active = false');
      // With no operator rows to lock, a batch takes the pipeline's advisory lock before writing:
      // held here, the first batch waits for it and commits nothing.
      await client.query(`select pg_advisory_lock(hashtext('helpdesk pipeline'))`);
      const blocked = startCli(['pipeline', 'run', '--batch', '50', '--json'], env);
      let waiting = 0;
      while (waiting === 0 && blocked.child.exitCode === null) {
        waiting = (await client.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)).rows[0]!.n;
      }
      expect(waiting).toBe(1);
      expect((await client.query<{ n: number }>('select count(*)::int as n from ai_predictions')).rows[0]!.n).toBe(0);
      await client.query(`select pg_advisory_unlock(hashtext('helpdesk pipeline'))`);
      const done = await blocked.exited;
      expect({ code: done.code, stderr: done.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(done.stdout)).toMatchObject({ processed: TICKETS, decisions: { routed: 0 } });
      expectConsistent(await readState(), TICKETS);

      // Two processes at once: no deadlock, the work shared.
      await undoPipeline(client);
        await rebuildStats();
    } finally {
      await client.end();
    }
    const args = ['pipeline', 'run', '--batch', '50', '--json'];
    const results = await Promise.all([startCli(args, env), startCli(args, env)].map((r) => r.exited));
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const summaries = results.map((r) => JSON.parse(r.stdout) as { processed: number; decisions: Record<string, number> });
    expect(summaries[0]!.processed + summaries[1]!.processed).toBe(TICKETS);
    expectConsistent(await readState(), TICKETS);
  });
});
