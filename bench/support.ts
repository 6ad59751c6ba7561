// Shared by the benchmarks: number formatting, progress lines, and a fresh helpdesk database.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import pg from 'pg';
import { sharedDir } from '../tests/support/shared.ts';

export const BIN = fileURLToPath(new URL('../bin/helpdesk', import.meta.url));

/**
 * The shared material (data sets, reference scripts), found by the tests' one rule
 * (tests/support/shared.ts: `HELPDESK_SHARED_DIR`, an empty value meaning absent, else `../shared`
 * beside the project); when absent, the `../shared` path, so that a benchmark names what it misses.
 */
export const SHARED_DIR = sharedDir() ?? fileURLToPath(new URL('../../shared', import.meta.url));

export const sharedPath = (...parts: string[]): string => join(SHARED_DIR, ...parts);

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function log(text: string): void {
  process.stderr.write(text + '\n');
}

/** Drops the database named in `url` and creates it again with `helpdesk db init` (reference data seeded). */
export async function recreateDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`drop database if exists "${name}" with (force)`);
  await client.end();
  const init = spawnSync(process.execPath, [BIN, '--database-url', url, 'db', 'init'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`db init failed: ${init.stderr}`);
}
