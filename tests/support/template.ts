import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations/index.ts';

/**
 * Where the migrated template database lives: named after the migrations and a hash of their
 * files, so that a new or edited migration rebuilds it.
 */
export function templateKey(): string {
  const dir = fileURLToPath(new URL('../../migrations/', import.meta.url));
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  const last = MIGRATIONS.at(-1)?.name ?? 'none';
  return `${MIGRATIONS.length}-${last}-${hash.digest('hex').slice(0, 12)}`.replace(/[^a-zA-Z0-9_-]/g, '_');
}

export function pgliteTemplateDir(): string {
  return join(tmpdir(), `helpdesk-test-template-${templateKey()}`);
}

/** The server URL with another database name. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/' + name;
  return parsed.toString();
}

export function postgresTemplateName(url: string): string {
  const base = decodeURIComponent(new URL(url).pathname.slice(1)) || 'helpdesk_test';
  return `${base}_tpl_${templateKey().toLowerCase()}`.slice(0, 63);
}
