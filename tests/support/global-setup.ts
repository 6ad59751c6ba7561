import { existsSync, renameSync, rmSync } from 'node:fs';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.ts';
import { resolveTarget } from '../../src/db/target.ts';
import { applyMigrations } from '../../src/services/database-admin.ts';
import { pgliteTemplateDir, postgresTemplateName, withDatabaseName } from './template.ts';

/**
 * Builds one migrated template database per run; each test file starts from a copy of it
 * (a copied data directory on PGlite, CREATE DATABASE ... TEMPLATE on PostgreSQL).
 */
export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) await postgresTemplate(url);
  else await pgliteTemplate();
}

async function pgliteTemplate(): Promise<void> {
  const dir = pgliteTemplateDir();
  if (existsSync(dir)) return;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const db = await openDatabase({ target: resolveTarget({ dataDir: building, env: {} }), command: 'test template', create: true });
  try {
    await applyMigrations(db);
  } finally {
    await db.close();
  }
  try {
    renameSync(building, dir);
  } catch (error) {
    // Another run built it at the same time: use theirs.
    if (!existsSync(dir)) throw error;
    rmSync(building, { recursive: true, force: true });
  }
}

async function postgresTemplate(url: string): Promise<void> {
  const name = postgresTemplateName(url);
  const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
  await admin.connect();
  try {
    // Rebuilt every run: cheap on a server, and never stale.
    await admin.query(`drop database if exists "${name}" with (force)`);
    const db = await openDatabase({ target: resolveTarget({ databaseUrl: withDatabaseName(url, name), env: {} }), command: 'test template', create: true });
    try {
      await applyMigrations(db);
    } finally {
      await db.close();
    }
  } finally {
    await admin.end();
  }
}
