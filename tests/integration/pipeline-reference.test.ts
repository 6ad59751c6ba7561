import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTicketsCsv } from '../../bench/generate-tickets.ts';
import { NEW_TICKETS_MAP, undoPipeline } from '../../bench/pipeline-data.ts';
import { runCli, spawnCli, startCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// Issue 13, item 1: `departments remove --reassign-to` while `pipeline run` works. Before, the
// pipeline died with a foreign-key error on tickets.department_id (3 of 3) and left thousands of
// tickets new. Now the removal waits for the batches in flight, and the batches after it reread
// the reference data: both succeed, every ticket is decided once, none points at the removed
// department.

const TICKETS = 1500;
const BATCH = 25;
const fixture = (path: string): string => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));

let database: TestDatabase;
let tmp: string;

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return;
  database = await createTestDatabase();
  tmp = mkdtempSync(join(tmpdir(), 'helpdesk-pipeline-reference-'));
  const cli = async (args: string[]) => {
    const result = await runCli(args, { database });
    // `model train` notes thin languages on stderr; only the exit code matters for the set-up.
    expect(result.code, result.stderr).toBe(0);
  };
  await cli(['db', 'seed']);
  await cli(['import', 'tickets', fixture('it-tickets/sample.csv'), '--map', 'body=Document,category=Topic_group', '--status', 'closed', '--create-missing']);
  await cli(['import', 'tickets', fixture('tickets/history.jsonl')]);
  await cli(['model', 'train', '--activate']);
  const csv = join(tmp, 'new.csv');
  await generateTicketsCsv(csv, TICKETS, 29);
  await cli(['import', 'tickets', csv, '--map', NEW_TICKETS_MAP]);
}, 300_000);
afterAll(async () => {
  await database?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.runIf(process.env.DATABASE_URL)('departments remove --reassign-to during pipeline run (PostgreSQL, concurrent processes)', () => {
  it.each([1, 2, 3])('round %i: both succeed, nothing is left new, no ticket points at the removed department', async (round) => {
    const env: Record<string, string> = { ...database.env, NO_COLOR: '1' };
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      await undoPipeline(client);
      // A department with no history that every category routes to: the pipeline's batches
      // write its id, and the removal (which deletes it) moves the categories and open tickets.
      const name = `Temporary ${round}`;
      expect((await runCli(['departments', 'add', '--name', name], { database })).code).toBe(0);
      await client.query(`update categories set default_department_id = (select id from departments where name = $1)`, [name]);
      const run = startCli(['pipeline', 'run', '--batch', String(BATCH), '--json'], env);
      // Remove it once the run has committed a few batches.
      for (let waited = 0; waited < 600; waited++) {
        const { rows } = await client.query<{ n: number }>('select count(*)::int as n from ai_predictions');
        if (rows[0]!.n >= 3 * BATCH || run.child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const removal = await spawnCli(['departments', 'remove', name, '--reassign-to', 'Service Desk', '--yes', '--json'], env);
      const done = await run.exited;
      expect({ code: removal.code, stderr: removal.stderr }).toEqual({ code: 0, stderr: '' });
      expect({ code: done.code, stderr: done.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(done.stdout).processed).toBe(TICKETS);
      const { rows } = await client.query<{ fresh: number; orphans: number; predictions: number; gone: number }>(
        `select (select count(*) from tickets where status = 'new')::int as fresh,
                (select count(*) from tickets t left join departments d on d.id = t.department_id where t.department_id is not null and d.id is null)::int as orphans,
                (select count(*) from ai_predictions)::int as predictions,
                (select count(*) from departments where name = $1)::int as gone`,
        [name],
      );
      expect(rows[0]).toEqual({ fresh: 0, orphans: 0, predictions: TICKETS, gone: 0 });
    } finally {
      await client.end();
    }
  }, 180_000);
});
