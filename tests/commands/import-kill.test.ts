import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_MAP, generatedRows, generateTicketsCsv } from '../../bench/generate-tickets.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { BIN, spawnCli } from '../support/cli.ts';

// A real `helpdesk import` process is killed with SIGKILL in the middle of its work; rerunning
// the same command must end with exactly the rows of the file: nothing lost, nothing doubled.

const ROWS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'helpdesk-kill-'));
const csv = join(dir, 'tickets.csv');
let database: TestDatabase;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  database = await createTestDatabase();
  // The spawned processes need the database to themselves (PGlite: the directory lock).
  await database.db.close();
  env = { ...database.env, NO_COLOR: '1' };
  await generateTicketsCsv(csv, ROWS, 7);
});
afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const args = ['import', 'tickets', '--map', GENERATED_MAP, '--create-missing'];

async function tableCounts(): Promise<Record<string, number>> {
  const status = await spawnCli(['db', 'status', '--json'], env);
  expect(status.stderr).toBe('');
  expect(status.code).toBe(0);
  const report = JSON.parse(status.stdout);
  // 20,000 rows into an empty database rebuild the indexes: a kill during the rebuild must leave
  // every index and constraint in place (no drift from the entities).
  expect(report.drift).toEqual([]);
  return Object.fromEntries(report.tables.map((t: { table: string; rows: number }) => [t.table, t.rows]));
}

function start(extra: string[], failpoint?: string): { child: ChildProcess; stopped: Promise<void>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args, ...extra], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...(failpoint ? { HELPDESK_FAILPOINT: failpoint } : {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let reached: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (reached = resolve));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (failpoint && stderr.includes(`failpoint ${failpoint}\n`)) reached();
  });
  child.stdout!.resume();
  // Writing to a process we have just killed fails with EPIPE: expected here, not an error.
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, stopped, exited };
}

/** Runs the import of the whole file until it reaches `failpoint`, and kills it there. */
async function killAt(failpoint: string): Promise<void> {
  const run = start([csv], failpoint);
  await Promise.race([run.stopped, run.exited.then((r) => expect.fail(`exited before ${failpoint}: ${r.stderr}`))]);
  run.child.kill('SIGKILL');
  const killed = await run.exited;
  expect(killed.signal).toBe('SIGKILL');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('import tickets killed with SIGKILL, then run again', () => {
  it('killed while reading or at the end of any phase before the commit: nothing is left behind, and the rerun is exact; killed after the commit: complete', async () => {
    const text = readFileSync(csv, 'utf8');
    const emails = new Set([...generatedRows(ROWS, 7)].map((row) => row[1]!.toLowerCase()));

    // 1. Half the file on stdin, the rest never comes: the process is mid-import for sure.
    const half = start(['-']);
    half.child.stdin!.write(text.slice(0, Math.floor(text.length * 0.6)));
    await sleep(3000);
    half.child.kill('SIGKILL');
    const killed = await half.exited;
    expect(killed.signal).toBe('SIGKILL');
    const afterKill = await tableCounts();
    expect(afterKill).toMatchObject({ tickets: 0, users: 0, training_samples: 0, categories: 0 });

    // 2. The whole file, killed exactly where each phase ends: everything up to the commit is
    //    one transaction, so each leaves nothing (and, after the index rebuild, no drift).
    for (const point of ['import:staged', 'import:written', 'import:before-commit']) {
      await killAt(point);
      expect(await tableCounts(), point).toMatchObject({ tickets: 0, users: 0, training_samples: 0, categories: 0 });
    }

    // 3. The same command again: exactly the file's rows.
    const rerun = await spawnCli([...args, csv, '--json'], env);
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary).toMatchObject({ created: ROWS, skipped: 0, indexesRebuilt: true });
    expect(await tableCounts()).toMatchObject({ tickets: ROWS, training_samples: ROWS, users: emails.size, categories: 8, departments: 1 });

    // 4. Killed just after its commit: the import is complete; run again, nothing is added.
    await spawnCli(['db', 'reset', '--yes', '--no-seed'], env).then((r) => expect(r.code).toBe(0));
    await killAt('import:committed');
    expect(await tableCounts()).toMatchObject({ tickets: ROWS, training_samples: ROWS, users: emails.size, categories: 8 });
    const again = await spawnCli([...args, csv, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, skipped: ROWS, usersCreated: 0, samplesCreated: 0 });
    expect(await tableCounts()).toMatchObject({ tickets: ROWS, training_samples: ROWS, users: emails.size });
  }, 600_000);
});
