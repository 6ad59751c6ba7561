import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { resolveTarget } from '../../src/db/target.ts';
import { pgliteTemplateDir, postgresTemplateName, withDatabaseName } from './template.ts';

export interface TestDatabase {
  backend: 'pglite' | 'postgresql';
  /** Global CLI options that point at this database. */
  cliArgs: string[];
  /** Environment for a spawned CLI that points at this database. */
  env: Record<string, string>;
  db: Database;
  dispose(): Promise<void>;
}

let counter = 0;

/** A fresh, migrated database for one test file, on the backend the run is for. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  return url ? postgresCopy(url) : pgliteCopy();
}

async function pgliteCopy(): Promise<TestDatabase> {
  const root = mkdtempSync(join(tmpdir(), 'helpdesk-test-'));
  const dataDir = join(root, 'data');
  cpSync(pgliteTemplateDir(), dataDir, { recursive: true });
  rmSync(join(dataDir, 'helpdesk.lock'), { force: true });
  const db = await openDatabase({ target: resolveTarget({ dataDir, env: {} }), command: 'test', create: false });
  return {
    backend: 'pglite',
    cliArgs: ['--data-dir', dataDir],
    env: { HELPDESK_DATA_DIR: dataDir },
    db,
    async dispose() {
      await db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function postgresCopy(url: string): Promise<TestDatabase> {
  const name = `${postgresTemplateName(url).slice(0, 40)}_t${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}" template "${postgresTemplateName(url)}"`);
  } finally {
    await admin.end();
  }
  const databaseUrl = withDatabaseName(url, name);
  const db = await openDatabase({ target: resolveTarget({ databaseUrl, env: {} }), command: 'test', create: false });
  return {
    backend: 'postgresql',
    cliArgs: ['--database-url', databaseUrl],
    env: { DATABASE_URL: databaseUrl },
    db,
    async dispose() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** Runs SQL on a test database through the ORM's connection. */
export async function sql<T = Record<string, unknown>>(database: TestDatabase, text: string): Promise<T[]> {
  return database.db.em.getConnection().execute<T[]>(text);
}

/** Everything an import writes, and the categories and departments, gone: a clean slate for an import test. */
export async function emptyImportedData(database: TestDatabase): Promise<void> {
  await sql(database, 'truncate tickets, training_samples, users, ticket_messages, ai_predictions, daily_stats cascade');
  await sql(database, 'delete from categories');
  await sql(database, 'delete from departments');
}
