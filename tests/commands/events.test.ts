import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_TICKETS_MAP, newTicketsCsv } from '../../bench/generate-tickets.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../src/services/pipeline/config.ts';
import { runPipeline } from '../../src/services/pipeline/run.ts';
import { describeEvent } from '../../src/commands/tickets/watch.ts';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.ts';
import { fixtureClassifier } from '../support/fixture-tickets.ts';
import { runCli, spawnCli, startCli } from '../support/cli.ts';

// The event stream as every writer leaves it (triggers, same transaction), `sla check`, the
// departments' queues, and what the embedded database supports: `tickets watch --no-follow`,
// `pipeline run --follow` in rounds that release the database, and a clear refusal to follow
// events. On both backends.

let database: TestDatabase;
const history = new URL('../../fixtures/tickets/history.jsonl', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const one = async (text: string): Promise<number> => Number(Object.values((await sql(database, text))[0]!)[0]);
const kinds = async (): Promise<Record<string, number>> =>
  Object.fromEntries((await sql<{ kind: string; n: number }>(database, `select kind, count(*)::int as n from ticket_events group by 1`)).map((r) => [r.kind, Number(r.n)]));

beforeAll(async () => {
  database = await createTestDatabase();
  expect((await runCli(['db', 'seed'], { database })).code).toBe(0);
});
afterAll(async () => {
  await database?.dispose();
});

describe('events written by every writer, in its transaction', () => {
  it('an imported history of handled tickets adds no events; open and new tickets are "created"', async () => {
    const imported = await runCli(['import', 'tickets', history], { database });
    expect(imported.code, imported.stderr).toBe(0);
    const open = await one(`select count(*)::int from tickets where status in ('new', 'in_work', 'waiting')`);
    expect(await kinds()).toEqual(open > 0 ? { created: open } : {});
    const fresh = await runCli(['import', 'tickets', '-', '--map', LIVE_TICKETS_MAP], { database, stdin: newTicketsCsv('ev', 12) });
    expect(fresh.code, fresh.stderr).toBe(0);
    const created = await runCli(['tickets', 'create', '--body', 'Не работает принтер на третьем этаже', '--email', 'ev@example.kz'], { database });
    expect(created.code, created.stderr).toBe(0);
    expect((await kinds()).created).toBe(open + 13);
    // A rolled-back import leaves no event behind.
    const dry = await runCli(['import', 'tickets', '-', '--map', LIVE_TICKETS_MAP, '--dry-run'], { database, stdin: newTicketsCsv('dry', 5) });
    expect(dry.code, dry.stderr).toBe(0);
    expect((await kinds()).created).toBe(open + 13);
  });

  it('the pipeline: one "decided" per prediction with where the ticket went, no "updated"', async () => {
    const summary = await runPipeline(database.db.em.fork(), fixtureClassifier(), { batchSize: 50, dryRun: false, config: DEFAULT_PIPELINE_CONFIG, statsTimeZone: 'Asia/Almaty' });
    expect(summary.processed).toBeGreaterThan(0);
    const k = await kinds();
    expect(k.decided).toBe(await one(`select count(*)::int from ai_predictions`));
    expect(k.updated).toBeUndefined();
    const [decided] = await sql<{ data: Record<string, unknown>; actor: string }>(database, `select data, actor from ticket_events where kind = 'decided' and data->>'decision' = 'routed' limit 1`);
    expect(decided!.actor).toBe('pipeline');
    expect(decided!.data).toMatchObject({ decision: 'routed' });
    expect(typeof decided!.data.department).toBe('string');
    expect(typeof decided!.data.operator).toBe('string');
    expect(typeof decided!.data.confidence).toBe('number');
  });

  it('a queued decision carries its department\'s queue length as the batch left it (one count per department and batch)', async () => {
    // Nobody to assign: the next tickets routed to a department are queued there.
    const active = await sql<{ id: string; active: boolean }>(database, `select id, active from operators`);
    await sql(database, `update operators set active = false`);
    try {
      const fresh = await runCli(['import', 'tickets', '-', '--map', LIVE_TICKETS_MAP], { database, stdin: newTicketsCsv('queue', 30) });
      expect(fresh.code, fresh.stderr).toBe(0);
      const summary = await runPipeline(database.db.em.fork(), fixtureClassifier(), { batchSize: 10, dryRun: false, config: DEFAULT_PIPELINE_CONFIG, statsTimeZone: 'Asia/Almaty' });
      expect(summary.decisions.queued).toBeGreaterThan(0);
      const queued = await sql<{ xid: string; department_id: string; n: number }>(
        database,
        `select xid::text as xid, department_id, (data->>'queued_in_department')::int as n from ticket_events
         where kind = 'decided' and data->>'decision' = 'queued' and ticket_number in (select number from tickets where external_id like 'queue-%')
         order by id`,
      );
      expect(queued.length).toBe(summary.decisions.queued);
      // Within a batch (one transaction), one number per department; it only grows batch to batch.
      const byBatch = new Map<string, number>();
      for (const e of queued) {
        const key = `${e.xid}/${e.department_id}`;
        if (byBatch.has(key)) expect(e.n).toBe(byBatch.get(key));
        byBatch.set(key, e.n);
      }
      const lastXid = queued.at(-1)!.xid;
      // The last batch's numbers are the queues as they are now (nothing changed since).
      const now = await sql<{ department_id: string; n: number }>(
        database,
        `select department_id, count(*)::int as n from tickets where operator_id is null and status in ('new', 'in_work', 'waiting') and not escalated and department_id is not null group by 1`,
      );
      const current = new Map(now.map((r) => [r.department_id, Number(r.n)]));
      for (const e of queued.filter((q) => q.xid === lastXid)) expect(e.n).toBe(current.get(e.department_id));
    } finally {
      for (const o of active) await sql(database, `update operators set active = ${o.active === true} where id = '${o.id}'`);
    }
  });

  it('tickets update: "updated" with each change as [old, new]; closing: "closed"', async () => {
    const [t] = await sql<{ number: string }>(database, `select number::text as number from tickets where status = 'in_work' and operator_id is not null order by number limit 1`);
    const before = await kinds();
    const updated = await runCli(['tickets', 'update', t!.number, '--priority', 'critical'], { database });
    expect(updated.code, updated.stderr).toBe(0);
    const closed = await runCli(['tickets', 'update', t!.number, '--status', 'closed'], { database });
    expect(closed.code, closed.stderr).toBe(0);
    const after = await kinds();
    expect(after.updated).toBe((before.updated ?? 0) + 1);
    expect(after.closed).toBe((before.closed ?? 0) + 1);
    const [u] = await sql<{ data: { changes: Record<string, unknown> } }>(database, `select data from ticket_events where kind = 'updated' and ticket_number = ${t!.number}`);
    expect(Object.keys(u!.data.changes)).toEqual(['priority']);
    expect((u!.data.changes.priority as unknown[])[1]).toBe('critical');
  });

  it('a reviewed prediction: "corrected" (and "confirmed") from the prediction\'s review', async () => {
    const [t] = await sql<{ number: string; other: string }>(
      database,
      `select t.number::text as number, (select c.name from categories c where c.id is distinct from t.category_id and c.active order by c.name limit 1) as other
       from tickets t join ai_predictions p on p.ticket_id = t.id
       where t.status = 'in_work' and p.decision = 'routed' and p.review = 'pending' order by t.number limit 1`,
    );
    const moved = await runCli(['tickets', 'update', t!.number, '--category', t!.other], { database });
    expect(moved.code, moved.stderr).toBe(0);
    expect((await kinds()).corrected, moved.stdout + moved.stderr).toBe(1);
    await sql(database, `update ai_predictions set review = 'confirmed', reviewed_at = now() where id = (select id from ai_predictions where review = 'pending' order by created_at, id limit 1)`);
    expect((await kinds()).confirmed).toBe(1);
  });
});

describe('sla check', () => {
  it('records open tickets past their deadline once, with an event each, counted in daily_stats like a rebuild', async () => {
    await sql(database, `update tickets set sla_due_at = now() - interval '2 hours' where id in (select id from tickets where status = 'in_work' order by number limit 3)`);
    const first = await runCli(['sla', 'check', '--json'], { database });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ breached: 3 });
    const second = await runCli(['sla', 'check'], { database });
    expect(second.stdout).toContain('no new SLA breaches');
    expect((await kinds()).sla_breached).toBe(3);
    expect(await one(`select count(*)::int from tickets where sla_breached_at is not null`)).toBe(3);
    const counters = `select sum(sla_breaches_low + sla_breaches_medium + sla_breaches_high + sla_breaches_critical)::int from daily_stats where department_id is null`;
    const kept = await one(counters);
    expect(kept).toBeGreaterThanOrEqual(3);
    // Rows whose counters all went back to zero (a ticket moved to another department) are left
    // by the incremental writers and not written by a rebuild: compare the rows that hold something.
    const snapshot = async () =>
      sql(database, `select day::text, coalesce(department_id::text, '') as d, sla_breaches_low, sla_breaches_medium, sla_breaches_high, sla_breaches_critical, tickets_created, resolved
                     from daily_stats where sla_breaches_low + sla_breaches_medium + sla_breaches_high + sla_breaches_critical + tickets_created + resolved <> 0 order by 1, 2`);
    const incremental = await snapshot();
    expect((await runCli(['stats', 'rebuild'], { database })).code).toBe(0);
    expect(await snapshot()).toEqual(incremental);
    // The daily report counts a flagged ticket once (from daily_stats), not again as "open past due".
    const report = JSON.parse((await runCli(['stats', 'daily', '--from', '2020-01-01', '--json'], { database })).stdout) as { total: { slaBreaches: Record<string, number> } };
    const openUnflagged = await one(`select count(*)::int from tickets where status in ('new','in_work','waiting') and sla_due_at < now() and sla_breached_at is null and priority is not null`);
    expect(Object.values(report.total.slaBreaches).reduce((a, b) => a + b, 0)).toBe(kept + openUnflagged);
  });
});

describe('departments list', () => {
  it('shows queued tickets and operators at capacity', async () => {
    const [d] = await sql<{ id: string; name: string }>(database, `select id, name from departments where name = 'Procurement'`);
    await sql(database, `update tickets set department_id = '${d!.id}', operator_id = null, escalated = false, status = 'in_work' where id in (select id from tickets where status = 'closed' order by number limit 2)`);
    const [o] = await sql<{ id: string; capacity: number }>(database, `select id, capacity from operators where department_id = '${d!.id}' and active order by email limit 1`);
    await sql(database, `update operators set capacity = 1 where id = '${o!.id}'`);
    await sql(database, `update tickets set operator_id = '${o!.id}', status = 'in_work' where id = (select id from tickets where status = 'closed' order by number limit 1)`);
    const rows = JSON.parse((await runCli(['departments', 'list', '--json'], { database })).stdout) as { name: string; queued: number; atCapacity: number }[];
    const row = rows.find((r) => r.name === 'Procurement')!;
    expect(row.queued).toBe(await one(`select count(*)::int from tickets where department_id = '${d!.id}' and status in ('new','in_work','waiting') and operator_id is null and not escalated`));
    expect(row.queued).toBeGreaterThanOrEqual(2);
    expect(row.atCapacity).toBe(1);
  });
});

describe('tickets watch', () => {
  it('--since --no-follow prints the stored events, filtered, as JSON Lines with stable keys, or as lines for people', async () => {
    const all = (await runCli(['tickets', 'watch', '--since', '1d', '--no-follow', '--json'], { database })).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(all.length).toBe(await one(`select count(*)::int from ticket_events`));
    expect(Object.keys(all[0]!)).toEqual(['id', 'at', 'event', 'ticket', 'ticket_id', 'department', 'operator', 'language', 'status', 'actor', 'data']);
    const decided = await runCli(['tickets', 'watch', '--since', '1d', '--no-follow', '--event', 'decided', '--language', 'ru'], { database });
    expect(decided.code, decided.stderr).toBe(0);
    const lines = decided.stdout.trim().split('\n');
    expect(lines.length).toBe(await one(`select count(*)::int from ticket_events where kind = 'decided' and language = 'ru'`));
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}decided +#\d+ +(auto_resolved|escalated|routed|queued)/);
    const bad = await runCli(['tickets', 'watch', '--since', '1d', '--no-follow', '--event', 'exploded'], { database });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--event must be one of created, decided');
    // A department as every command matches one: any case; unknown names the known ones, sorted.
    const known = (await sql<{ name: string }>(database, 'select name from departments')).map((d) => d.name).sort();
    const nowhere = await runCli(['tickets', 'watch', '--since', '1d', '--no-follow', '--department', 'Nowhere'], { database });
    expect(nowhere).toMatchObject({ code: 2, stdout: '', stderr: `error: unknown department "Nowhere" (known: ${known.join(', ')})\n` });
    const anyCase = await runCli(['tickets', 'watch', '--since', '1d', '--no-follow', '--department', ` ${known[0]!.toUpperCase()} `], { database });
    expect(anyCase.code, anyCase.stderr).toBe(0);
    expect(describeEvent({ id: '1', at: '2026-12-01T10:00:00.000Z', event: 'operator_at_capacity', ticket: null, ticket_id: null, department: 'Projects', operator: 'a@x', language: null, status: null, actor: 'pipeline', data: { operator_name: 'A', operator: 'a@x', open: 5, capacity: 5, department: 'Projects' } }, null)).toBe(
      '2026-12-01 10:00:00  operator_at_capacity          A <a@x> 5/5 open tickets, Projects',
    );
  });

  it.skipIf(process.env.DATABASE_URL !== undefined)('embedded database: following is refused with a clear message', async () => {
    const result = await runCli(['tickets', 'watch'], { database });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: tickets watch follows new events on a PostgreSQL server only (--database-url or DATABASE_URL): the embedded database serves one process at a time, so nothing else could write while it watched. Add --no-follow to print the stored events (with --since) and exit.\n',
    );
  });
});

describe.skipIf(process.env.DATABASE_URL !== undefined)('pipeline run --follow on the embedded database', () => {
  it('works in rounds that release the database: decides what another process wrote, exits 0 on SIGTERM', async () => {
    // The model the follower needs, then the database to the processes below.
    expect((await runCli(['model', 'train', '--activate'], { database })).code).toBe(0);
    await database.db.close();
    const env = { ...database.env, NO_COLOR: '1' };
    const follower = startCli(['pipeline', 'run', '--follow', '--poll', '3', '--json'], env);
    let stderr = '';
    follower.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitUntil(() => stderr.includes('following new tickets'), 200_000);
    expect(stderr).toContain('it serves one process at a time, so this looks every 3 s and releases the database in between');
    // Another process writes while the follower sleeps (it retries while the follower has its turn).
    let created: Awaited<ReturnType<typeof spawnCli>> | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      created = await spawnCli(['tickets', 'create', '--body', 'Ноутбук не включается после обновления', '--json'], env);
      if (created.code !== 3) break;
      expect(created.stderr).toContain('is in use by process');
    }
    expect(created!.code, created!.stderr).toBe(0);
    const number = String((JSON.parse(created!.stdout) as { number: number }).number);
    let out = '';
    follower.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitUntil(() => out.split('\n').some((l) => l.includes(`"${number}"`)), 200_000);
    follower.child.kill('SIGTERM');
    const result = await follower.exited;
    expect(result.code, result.stderr).toBe(0);
  }, 600_000);
});

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await sleep(100);
  }
}
