import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE_CONFIG } from '../../src/services/pipeline/config.ts';
import { runPipeline } from '../../src/services/pipeline/run.ts';
import { loadReferenceFixtures } from '../../src/services/reference/fixtures.ts';
import { seedReferenceData } from '../../src/services/reference/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { fixtureClassifier, insertNewTickets, readFixtureTickets } from '../support/fixture-tickets.ts';

let database: TestDatabase;


beforeAll(async () => {
  database = await createTestDatabase();
  await seedReferenceData(database.db.em.fork(), loadReferenceFixtures());
  await insertNewTickets(database.db.em.fork(), readFixtureTickets('incoming'));
});
afterAll(async () => {
  await database?.dispose();
});

describe('pipeline on the fixture tickets', () => {
  it('dry run decides without writing', async () => {
    const summary = await runPipeline(database.db.em.fork(), fixtureClassifier(), { batchSize: 25, dryRun: true, config: DEFAULT_PIPELINE_CONFIG, statsTimeZone: 'Asia/Almaty' });
    expect(summary.processed).toBe(25);
    expect(summary.tickets).toHaveLength(25);
    const k = database.db.em.fork().getKysely<any>();
    const counts = (await sql<{ n: number }>`select count(*)::int as n from ai_predictions`.execute(k)).rows[0]!;
    expect(counts.n).toBe(0);
  });

  it('decides every new ticket exactly once, with a prediction each and messages for the auto-resolved', async () => {
    const summary = await runPipeline(database.db.em.fork(), fixtureClassifier(), { batchSize: 16, dryRun: false, config: DEFAULT_PIPELINE_CONFIG, statsTimeZone: 'Asia/Almaty' });
    expect(summary.processed).toBe(60);
    expect(summary.batches).toBe(4);
    const total = Object.values(summary.decisions).reduce((a, b) => a + b, 0);
    expect(total).toBe(60);
    const k = database.db.em.fork().getKysely<any>();
    const one = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(k)).rows[0]!.n;
    expect(await one(sql`select count(*)::int as n from tickets where status = 'new'`)).toBe(0);
    expect(await one(sql`select count(*)::int as n from ai_predictions`)).toBe(60);
    expect(await one(sql`select count(distinct ticket_id)::int as n from ai_predictions`)).toBe(60);
    expect(await one(sql`select count(*)::int as n from tickets where status = 'auto_resolved'`)).toBe(summary.decisions.auto_resolved);
    expect(await one(sql`select count(*)::int as n from ticket_messages where author_kind = 'ai'`)).toBe(summary.decisions.auto_resolved);
    expect(await one(sql`select count(*)::int as n from tickets where escalated`)).toBe(summary.decisions.escalated);
    expect(await one(sql`select count(*)::int as n from tickets where operator_id is not null`)).toBe(summary.decisions.routed);
    // Operators never over capacity.
    expect(
      await one(sql`select count(*)::int as n from (select o.id from operators o join tickets t on t.operator_id = o.id
                     where t.status in ('new','in_work','waiting') group by o.id, o.capacity having count(*) > o.capacity) over`),
    ).toBe(0);
    // Daily statistics kept in the same transactions: the overall rows add up to the decisions.
    const stats = (await sql<{ created: number; auto: number; esc: number; routed: number; queued: number }>`
      select sum(tickets_created)::int as created, sum(auto_resolved)::int as auto, sum(escalated)::int as esc, sum(routed)::int as routed, sum(queued)::int as queued
      from daily_stats where department_id is null`.execute(k)).rows[0]!;
    expect(stats).toEqual({ created: 60, auto: summary.decisions.auto_resolved, esc: summary.decisions.escalated, routed: summary.decisions.routed, queued: summary.decisions.queued });
    // A second run finds nothing to do.
    const again = await runPipeline(database.db.em.fork(), fixtureClassifier(), { batchSize: 16, dryRun: false, config: DEFAULT_PIPELINE_CONFIG, statsTimeZone: 'Asia/Almaty' });
    expect(again.processed).toBe(0);
  });
});

describe('pipeline when the operators fill up', () => {
  let tight: TestDatabase;
  beforeAll(async () => {
    tight = await createTestDatabase();
    await seedReferenceData(tight.db.em.fork(), loadReferenceFixtures());
    await insertNewTickets(tight.db.em.fork(), readFixtureTickets('incoming'));
    // One place per operator: 60 tickets are far more than the operators can take, so capacity
    // is reached and the rest must queue (with the fixture capacities nobody comes near it).
    await sql`update operators set capacity = 1`.execute(tight.db.em.fork().getKysely<any>());
  });
  afterAll(async () => {
    await tight?.dispose();
  });

  it('never gives an operator more open tickets than their capacity; the rest wait in their department', async () => {
    const summary = await runPipeline(tight.db.em.fork(), fixtureClassifier(), { batchSize: 7, dryRun: false, config: DEFAULT_PIPELINE_CONFIG, statsTimeZone: 'Asia/Almaty' });
    expect(summary.processed).toBe(60);
    const k = tight.db.em.fork().getKysely<any>();
    const loads = (await sql<{ load: number; capacity: number }>`
      select count(t.id)::int as load, o.capacity from operators o
      left join tickets t on t.operator_id = o.id and t.status in ('new','in_work','waiting')
      group by o.id, o.capacity`.execute(k)).rows;
    expect(loads.length).toBeGreaterThan(0);
    expect(loads.filter((l) => l.load > l.capacity)).toEqual([]);
    // Capacity was really the limit: operators are full and tickets queued behind them.
    expect(loads.filter((l) => l.load === l.capacity).length).toBeGreaterThan(0);
    expect(summary.decisions.routed).toBe(loads.reduce((sum, l) => sum + l.load, 0));
    expect(summary.decisions.queued).toBeGreaterThan(0);
    const queued = (await sql<{ n: number }>`select count(*)::int as n from tickets where status = 'in_work' and operator_id is null and not escalated`.execute(k)).rows[0]!.n;
    expect(queued).toBe(summary.decisions.queued);
  });
});
