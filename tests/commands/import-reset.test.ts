import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_MAP, generateTicketsCsv } from '../../bench/generate-tickets.ts';
import { BIN, spawnCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// Issue 13: `db reset --yes` run while an import is under way made the import exit 1 with a
// foreign-key error. The import stops at a failpoint after staging its rows (it has looked up the
// seeded categories by then), a second process resets the database, and the import goes on
// (SIGUSR2). On the server the import must say the database was reset (exit 3) and write
// nothing; on the embedded database the reset cannot take the directory lock (exit 3) and the
// import completes.

const ROWS = 300;
const dir = mkdtempSync(join(tmpdir(), 'helpdesk-reset-'));
const csv = join(dir, 'tickets.csv');
let database: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.close();
  env = { ...database.env, NO_COLOR: '1' };
  // Seeded categories the generated rows name (Access, Hardware, ...): the import resolves them
  // to the ids of this seed before it writes.
  expect((await spawnCli(['db', 'reset', '--yes'], env)).code).toBe(0);
  await generateTicketsCsv(csv, ROWS, 11);
});
afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function ticketCount(): Promise<number> {
  const status = await spawnCli(['db', 'status', '--json'], env);
  expect(status.code).toBe(0);
  return JSON.parse(status.stdout).tables.find((t: { table: string }) => t.table === 'tickets').rows;
}

describe('db reset --yes while an import runs', () => {
  it('never ends in a foreign-key error: the server import is told of the reset, the embedded reset waits its turn', async () => {
    const child = spawn(process.execPath, [BIN, 'import', 'tickets', '--map', GENERATED_MAP, '--create-missing', csv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, HELPDESK_FAILPOINT: 'import:staged' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const staged = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('failpoint import:staged\n')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await Promise.race([staged, exited.then(() => expect.fail(`the import exited before staging: ${stderr}`))]);

    const reset = await spawnCli(['db', 'reset', '--yes'], env);
    child.kill('SIGUSR2');
    const code = await exited;
    const lines = stderr.split('\n').filter((line) => line !== '' && !line.startsWith('failpoint '));

    if (database.backend === 'postgresql') {
      expect(reset.code).toBe(0);
      expect(lines).toEqual(['error: the database was reset (helpdesk db reset) by another process during this command: nothing was written; run it again']);
      expect(code).toBe(3);
      expect(stdout).toBe('');
      expect(await ticketCount()).toBe(0);
    } else {
      expect(reset.code).toBe(3);
      expect(reset.stderr).toMatch(/^error: .*helpdesk import tickets.*\n$/);
      expect(lines).toEqual([]);
      expect(code).toBe(0);
      expect(stdout).toContain(`created ${ROWS} tickets`);
      expect(await ticketCount()).toBe(ROWS);
    }
  }, 300_000);
});
