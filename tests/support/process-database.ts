import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { pgliteTemplateDir } from './template.ts';

/**
 * A migrated database for tests that run bin/helpdesk as child processes: on PGlite a copy of the
 * template directory that this process does not open (the child takes the directory lock), on
 * PostgreSQL a database of its own.
 */
export async function createProcessDatabase(): Promise<{ env: Record<string, string>; dispose(): Promise<void>; database?: TestDatabase }> {
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase();
    return { env: database.env, database, dispose: () => database.dispose() };
  }
  const root = mkdtempSync(join(tmpdir(), 'helpdesk-proc-'));
  const dataDir = join(root, 'data');
  cpSync(pgliteTemplateDir(), dataDir, { recursive: true });
  rmSync(join(dataDir, 'helpdesk.lock'), { force: true });
  return { env: { HELPDESK_DATA_DIR: dataDir }, dispose: async () => rmSync(root, { recursive: true, force: true }) };
}
