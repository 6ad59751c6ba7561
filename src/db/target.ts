import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseUnavailableError } from '../errors.ts';

export type DatabaseTarget =
  | { kind: 'postgresql'; url: string; /** the URL with any password replaced by *** */ displayUrl: string; dbName: string }
  | { kind: 'pglite'; dataDir: string; displayUrl: string };

export interface TargetOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  env: Record<string, string | undefined>;
}

/** Default embedded data directory: $HELPDESK_DATA_DIR, else $XDG_DATA_HOME/helpdesk, else ~/.local/share/helpdesk. */
export function defaultDataDir(env: Record<string, string | undefined>): string {
  if (env.HELPDESK_DATA_DIR) return resolve(env.HELPDESK_DATA_DIR);
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'helpdesk');
}

export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not parseable: hide anything between "://user:" and "@" by hand.
    return url.replace(/(\/\/[^:/@]*:)[^/]*@/, '$1***@');
  }
}

/** `--database-url` wins over DATABASE_URL; without either, the embedded database in `--data-dir`. */
export function resolveTarget(options: TargetOptions): DatabaseTarget {
  const url = options.databaseUrl ?? options.env.DATABASE_URL;
  if (url) return postgresTarget(url);
  const dataDir = options.dataDir ? resolve(options.dataDir) : defaultDataDir(options.env);
  return { kind: 'pglite', dataDir, displayUrl: dataDir };
}

function postgresTarget(url: string): DatabaseTarget {
  const displayUrl = maskUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUnavailableError(`malformed database URL ${displayUrl}: expected postgres://user:password@host:port/database`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseUnavailableError(`unsupported database URL ${displayUrl}: only postgres:// and postgresql:// are supported`);
  }
  const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!dbName || dbName.includes('/')) {
    throw new DatabaseUnavailableError(`database URL ${displayUrl} names no database: add it as the path, e.g. postgres://localhost/helpdesk`);
  }
  return { kind: 'postgresql', url, displayUrl, dbName };
}
