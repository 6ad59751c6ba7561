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

/**
 * Connection-string parameters whose value is a secret: the password (also in the query string,
 * `?password=`, which libpq and node-postgres accept) and the passphrase of the client key.
 * Key and certificate paths (`sslkey`, `sslcert`, `sslrootcert`) are not secrets and stay.
 */
const SECRET_PARAMETERS = ['password', 'sslpassword'];
const SECRET_PARAMETER = new RegExp(`((?:^|[?&;\\s])(?:${SECRET_PARAMETERS.join('|')})\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|[^&;\\s]*?(?=[:,.)]?(?:[&;\\s]|$)))`, 'gi');

/**
 * The one masking function: every credential a connection string can carry becomes `***`, the
 * user-info password and each secret parameter, whether the URL parses or not (and in the
 * libpq `key=value` form too). Everything that prints a URL prints this; src/main.ts also passes
 * every error line through it, in case a driver message quotes a connection string.
 */
export function maskUrl(text: string): string {
  return text
    // (Only the placeholder of a hint, "postgres://user:password@host", is left as it is.)
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/([^\s:/@?#]*):)([^\s/?#]*)@/gi, (all, head: string, user: string, password: string) =>
      user === 'user' && password === 'password' ? all : `${head}***@`)
    .replace(SECRET_PARAMETER, '$1***');
}

/** The secret values a connection string carries (decoded), to scrub them from driver messages. */
export function urlSecrets(url: string): string[] {
  const secrets: string[] = [];
  try {
    const parsed = new URL(url);
    if (parsed.password) secrets.push(decodeURIComponent(parsed.password), parsed.password);
    for (const [key, value] of parsed.searchParams) if (SECRET_PARAMETERS.includes(key.toLowerCase()) && value) secrets.push(value);
  } catch {
    /* an unparseable URL is refused before anything connects */
  }
  return [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** `text` with every secret of `url` replaced by `***`. */
export function scrubSecrets(text: string, url: string): string {
  let out = text;
  for (const secret of urlSecrets(url)) out = out.replaceAll(secret, '***');
  return out;
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
