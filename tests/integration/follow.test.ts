import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_TICKETS_MAP, newTicketsCsv } from '../../bench/generate-tickets.ts';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.ts';
import { runCli, startCli, type StartedCli } from '../support/cli.ts';

// Real `pipeline run --follow` and `tickets watch` processes on a PostgreSQL server: woken by
// NOTIFY, sharing the work, killed, stopped, cut off from the server; and the event stream read
// back without a gap or a duplicate. PostgreSQL only: the embedded database has its own tests
// (tests/commands/events.test.ts).

const postgres = process.env.DATABASE_URL !== undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: TestDatabase;
let env: Record<string, string>;
let url: string;

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const one = async (text: string): Promise<number> => Number(Object.values((await sql(database, text))[0]!)[0]);
const listeners = () => one(`select count(*)::int from pg_stat_activity where datname = current_database() and application_name = 'helpdesk listener'`);

/** A follower, returned once its LISTEN connection is up (so a NOTIFY reaches it). */
async function startFollower(args: string[] = []): Promise<StartedCli> {
  const before = await listeners();
  const follower = startCli(['pipeline', 'run', '--follow', '--json', '--poll', '60', '--sla-every', '600', ...args], env);
  await waitFor('the follower to listen', async () => (await listeners()) > before);
  return follower;
}

async function importNew(prefix: string, n: number): Promise<void> {
  const result = await runCli(['import', 'tickets', '-', '--map', LIVE_TICKETS_MAP], { database, stdin: newTicketsCsv(prefix, n) });
  expect(result.code, result.stderr).toBe(0);
}

async function stop(follower: StartedCli, signal: NodeJS.Signals = 'SIGTERM') {
  const started = Date.now();
  follower.child.kill(signal);
  const result = await follower.exited;
  return { ...result, ms: Date.now() - started };
}

/** Every ticket decided exactly once: one prediction each, none left new. */
async function expectDecidedOnce(): Promise<void> {
  expect(await one(`select count(*)::int from tickets where status = 'new'`)).toBe(0);
  expect(await one(`select count(*)::int from (select ticket_id from ai_predictions group by 1 having count(*) > 1) x`)).toBe(0);
  expect(await one(`select count(*)::int from tickets t where t.status <> 'closed' and not exists (select 1 from ai_predictions p where p.ticket_id = t.id)`)).toBe(0);
  expect(await one(`select count(*)::int from ticket_events where kind = 'decided'`)).toBe(await one(`select count(*)::int from ai_predictions`));
}

beforeAll(async () => {
  if (!postgres) return;
  database = await createTestDatabase();
  env = { ...database.env, NO_COLOR: '1' };
  url = database.env.DATABASE_URL!;
  const cli = async (args: string[]) => {
    const result = await runCli(args, { database });
    expect(result.code, result.stderr).toBe(0);
  };
  await cli(['db', 'seed']);
  await cli(['import', 'tickets', new URL('../../fixtures/tickets/history.jsonl', import.meta.url).pathname]);
  await cli(['model', 'train', '--activate']);
});
afterAll(async () => {
  await database?.dispose();
});

describe.skipIf(!postgres)('pipeline run --follow on PostgreSQL', { timeout: 300_000 }, () => {
  it('decides a ticket created after it started, woken by NOTIFY (the poll is 60 s), and flags SLA breaches', async () => {
    // A routed ticket whose deadline has passed: the follower's first SLA check records it.
    await importNew('sla', 1);
    await runCli(['pipeline', 'run'], { database });
    await sql(database, `update tickets set sla_due_at = now() - interval '1 hour', status = 'in_work' where external_id = 'sla-1'`);
    const follower = await startFollower();
    const created = await runCli(['tickets', 'create', '--body', 'VPN не подключается с утра, помогите', '--email', 'follow@example.kz', '--json'], { database });
    expect(created.code, created.stderr).toBe(0);
    const number = (JSON.parse(created.stdout) as { number: number }).number;
    const ms = await waitFor('the decision', async () => (await one(`select count(*)::int from tickets where number = ${number} and status <> 'new'`)) === 1, 55_000);
    // Not a speed claim (bench/follow.ts measures latency): the follower's safety poll is 60 s,
    // so a decision before it can only have come from the notification.
    expect(ms).toBeLessThan(55_000);
    await waitFor('the SLA breach', async () => (await one(`select count(*)::int from ticket_events where kind = 'sla_breached'`)) === 1);
    const result = await stop(follower);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => (l.tickets as string[] | undefined)?.includes(String(number)))).toBe(true);
    expect(lines.find((l) => l.sla_breached !== undefined)).toMatchObject({ sla_breached: 1 });
    expect(await one(`select count(*)::int from tickets where sla_breached_at is not null`)).toBe(1);
    expect(await one(`select sum(sla_breaches_low + sla_breaches_medium + sla_breaches_high + sla_breaches_critical)::int from daily_stats where department_id is null`)).toBe(1);
    await expectDecidedOnce();
  });

  it('two followers and a SIGKILL of one: every ticket decided exactly once', async () => {
    const a = await startFollower(['--batch', '25']);
    const b = await startFollower(['--batch', '25']);
    await importNew('pair', 1200);
    // Kill A once it has committed a few batches; B carries on with A's rolled-back batch too.
    await waitFor('a batch of A', async () => a.child.stdout !== null && (await Promise.resolve(true)) && (await one(`select count(*)::int from ai_predictions`)) > 100);
    a.child.kill('SIGKILL');
    const killed = await a.exited;
    expect(killed.signal).toBe('SIGKILL');
    await importNew('pair-late', 200);
    await waitFor('all decided', async () => (await one(`select count(*)::int from tickets where status = 'new'`)) === 0);
    const result = await stop(b);
    expect(result.code, result.stderr).toBe(0);
    expect(killed.stdout.trim().split('\n').length).toBeGreaterThan(0);
    await expectDecidedOnce();
  });

  it('SIGTERM mid-stream: finishes its batch and exits 0 within 5 s, nothing half-written', async () => {
    const follower = await startFollower(['--batch', '20']);
    await importNew('term', 1500);
    await waitFor('the first batches', async () => (await one(`select count(*)::int from tickets where external_id like 'term-%' and status <> 'new'`)) >= 40);
    const result = await stop(follower);
    expect(result.code, result.stderr).toBe(0);
    // The promise of the command (it gives up on a hung batch after 4.5 s), not a speed claim.
    expect(result.ms).toBeLessThan(5000);
    const left = await one(`select count(*)::int from tickets where status = 'new'`);
    expect(left).toBeGreaterThan(0);
    // Every batch it committed is whole: the lines it printed add up to the decided tickets.
    const printed = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { count?: number }).reduce((s, l) => s + (l.count ?? 0), 0);
    expect(printed).toBe(await one(`select count(*)::int from tickets where external_id like 'term-%' and status <> 'new'`));
    // The rest is picked up by the next follower.
    const next = await startFollower();
    await waitFor('the rest', async () => (await one(`select count(*)::int from tickets where status = 'new'`)) === 0);
    expect((await stop(next)).code).toBe(0);
    await expectDecidedOnce();
  });

  it('survives its connections being terminated: one line, reconnects, loses nothing', async () => {
    const follower = await startFollower();
    await importNew('cut-before', 30);
    await waitFor('the first tickets', async () => (await one(`select count(*)::int from tickets where status = 'new'`)) === 0);
    // The follower's pool connections and its LISTEN connection (not this test's own: 'helpdesk: test').
    const cut = await one(`select count(*)::int from (select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database()
                             and (application_name like 'helpdesk: helpdesk pipeline%' or application_name = 'helpdesk listener')) x`);
    expect(cut).toBeGreaterThanOrEqual(2);
    await sleep(300);
    await importNew('cut-after', 30);
    try {
      await waitFor('the tickets after the cut', async () => (await one(`select count(*)::int from tickets where status = 'new'`)) === 0);
    } catch (error) {
      const activity = await sql(database, `select application_name, state, left(query, 60) as q from pg_stat_activity where datname = current_database()`);
      const left = await sql(database, `select external_id, status from tickets where status = 'new' limit 3`);
      const result = await stop(follower);
      throw new Error(`${(error as Error).message}; follower: code ${result.code}, stdout ${result.stdout}, stderr: ${result.stderr}; ${JSON.stringify(activity)} ${JSON.stringify(left)}`);
    }
    const result = await stop(follower);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split('\n').filter((l) => l.includes('connection lost'))).toHaveLength(1);
    await expectDecidedOnce();
  });
});

describe.skipIf(!postgres)('tickets watch on PostgreSQL', { timeout: 300_000 }, () => {
  it('--since replays, then follows, with no gap and no duplicate at the seam, even across a long transaction', async () => {
    const since = new Date(Date.now() - 1000);
    await importNew('watch-before', 20);
    // A transaction that takes an event id early and commits late: readers that followed by id
    // alone would skip its event.
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    await slow.query('begin');
    await slow.query(`insert into tickets (source, subject, body, content_hash) values ('portal', 'slow', 'slow transaction ticket', md5('slow'))`);
    const watcher = startCli(['tickets', 'watch', '--since', since.toISOString(), '--json', '--poll', '1'], env);
    watcherOut(watcher);
    const follower = await startFollower();
    for (let i = 0; i < 5; i++) {
      await importNew(`watch-${i}`, 15);
      if (i === 2) await slow.query('commit');
      await sleep(200);
    }
    await slow.end();
    const updated = await runCli(['tickets', 'update', '1', '--priority', 'critical'], { database });
    expect(updated.code, updated.stderr).toBe(0);
    await waitFor('all decided', async () => (await one(`select count(*)::int from tickets where status = 'new'`)) === 0);
    expect((await stop(follower)).code).toBe(0);
    const expected = (await sql<{ id: string }>(database, `select e.id::text as id from ticket_events e where e.created_at >= '${since.toISOString()}' order by e.id`)).map((r) => r.id);
    await waitFor('the watcher to print every event', async () => watcher.child.stdout !== null && countLines(watcherOut(watcher)) >= expected.length);
    const result = await stop(watcher);
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; event: string });
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((x, y) => Number(x) - Number(y))).toEqual(expected);
    expect(events.some((e) => e.event === 'updated')).toBe(true);
    // Every ticket written since then, the slow transaction's among them (and whatever the previous test wrote in that second).
    expect(events.filter((e) => e.event === 'created').length).toBe(await one(`select count(*)::int from ticket_events where kind = 'created' and created_at >= '${since.toISOString()}'`));
    expect(events.filter((e) => e.event === 'created').length).toBeGreaterThanOrEqual(20 + 1 + 75);
  });
});

// startCli collects stdout into its result only at exit: count lines as they arrive.
const outputs = new WeakMap<StartedCli, { text: string }>();
function watcherOut(cli: StartedCli): string {
  let box = outputs.get(cli);
  if (!box) {
    box = { text: '' };
    const b = box;
    cli.child.stdout!.on('data', (d: Buffer | string) => (b.text += d.toString()));
    outputs.set(cli, box);
  }
  return box.text;
}
const countLines = (text: string): number => text.split('\n').filter((l) => l.trim()).length;
