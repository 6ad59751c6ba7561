import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations/index.ts';

/** Where the migrated template database lives; named after the migrations so a new one rebuilds it. */
export function templateKey(): string {
  const last = MIGRATIONS.at(-1)?.name ?? 'none';
  return `${MIGRATIONS.length}-${last}`.replace(/[^a-zA-Z0-9_-]/g, '_');
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
