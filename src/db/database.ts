import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager, MikroORM as SqlMikroORM } from '@mikro-orm/sql';

type MikroORM = SqlMikroORM;
import { DatabaseUnavailableError, HelpdeskError, UsageError } from '../errors.ts';
import { sharedOrmOptions } from './config.ts';
import type { DirectoryLock } from './lock.ts';
import { waitForLock } from './lock-wait.ts';
import { readDatabaseSettings, type DatabaseSettings } from './settings.ts';
import { scrubSecrets, type DatabaseTarget } from './target.ts';

export interface Database {
  readonly target: DatabaseTarget;
  readonly orm: MikroORM;
  /** A forked EntityManager for this command's work. */
  readonly em: EntityManager;
  /** Read once when the database is opened (defaults before the settings table exists). */
  settings: DatabaseSettings;
  /** The database login (session_user): who the audit trail and a refusal name. */
  readonly login?: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  target: DatabaseTarget;
  /** What runs, for the lock file ("helpdesk db init"). */
  command: string;
  /** Create the database when it does not exist (only `db init` and `demo`). */
  create?: boolean;
  /** How long to wait for the embedded database's lock held by another process (ms; default 0). */
  lockWaitMs?: number;
  /** Told once when the command starts waiting for the lock. */
  onLockWait?: (message: string) => void;
  /** Who runs it (the OS user): the event triggers record it as the actor of a change. */
  actor?: string | undefined;
  /**
   * The embedded database's shared_buffers for this process (default: the cluster's 128MB). Its
   * buffers are in the process's own memory and touched when it starts: a command that reads a
   * table once and needs the memory itself (model train) asks for less; 16MB took 115 MB off the
   * resident size of a process that opens the database.
   */
  pgliteSharedBuffers?: string | undefined;
}

/** The actor as a session setting value: letters, digits and . _ @ + - only (it travels in the startup options). */
function safeActor(actor: string | undefined): string | undefined {
  if (!actor) return undefined;
  return actor.replace(/[^A-Za-z0-9._@+-]/g, '_').slice(0, 100);
}

/** Layout of an embedded data directory: the PGlite cluster and our lock file beside it. */
export function pgliteLayout(dataDir: string): { clusterDir: string; lockFile: string } {
  return { clusterDir: join(dataDir, 'pgdata'), lockFile: join(dataDir, 'helpdesk.lock') };
}

export function isPgliteDatabase(dataDir: string): boolean {
  return existsSync(join(pgliteLayout(dataDir).clusterDir, 'PG_VERSION'));
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.target.kind === 'pglite' ? openPglite(options.target, options) : openPostgres(options.target, options);
}

async function openPglite(target: Extract<DatabaseTarget, { kind: 'pglite' }>, options: OpenOptions): Promise<Database> {
  const { dataDir } = target;
  const { clusterDir, lockFile } = pgliteLayout(dataDir);
  const exists = isPgliteDatabase(dataDir);
  if (!exists) {
    if (!options.create) {
      throw new DatabaseUnavailableError(`no helpdesk database in ${dataDir}: create it with \`helpdesk db init --data-dir ${dataDir}\``);
    }
    if (existsSync(dataDir)) {
      const foreign = readdirSync(dataDir).filter((entry) => entry !== 'helpdesk.lock' && !entry.startsWith('helpdesk.lock.') && entry !== 'pgdata');
      const clusterEntries = existsSync(clusterDir) ? readdirSync(clusterDir) : [];
      if (foreign.length > 0 || clusterEntries.length > 0) {
        throw new UsageError(`${dataDir} is not empty and holds no helpdesk database: choose an empty or new directory for --data-dir`);
      }
    }
    mkdirSync(dataDir, { recursive: true });
  }
  const lock = await waitForLock(lockFile, options.command, options.lockWaitMs ?? 0, options.onLockWait);
  try {
    const { MikroORM: PgliteOrm } = await import('@mikro-orm/pglite');
    const { PGlite } = await import('@electric-sql/pglite');
    const startParams = options.pgliteSharedBuffers ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.pgliteSharedBuffers}`] } : {};
    const orm = (await PgliteOrm.init({ ...sharedOrmOptions(), dbName: clusterDir, driverOptions: startParams })) as unknown as MikroORM;
    const login = await probe(orm, target);
    const actor = safeActor(options.actor);
    if (actor) await orm.em.getConnection().execute(`select set_config('helpdesk.actor', '${actor}', false)`);
    return wrap(orm, target, await readDatabaseSettings(orm.em), login, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgresql' }>, options: OpenOptions): Promise<Database> {
  if (options.create) await ensurePostgresDatabase(target);
  const { MikroORM: PostgresOrm } = await import('@mikro-orm/postgresql');
  let orm: MikroORM;
  try {
    orm = (await PostgresOrm.init({
      ...sharedOrmOptions(),
      clientUrl: target.url,
      pool: { min: 0, max: 4 },
      // Named in pg_stat_activity and in the audit trail (its command column), and the actor for
      // the event triggers (helpdesk.actor).
      driverOptions: {
        connectionTimeoutMillis: 5000,
        application_name: `helpdesk: ${options.command}`.slice(0, 63),
        ...(safeActor(options.actor) ? { options: `-c helpdesk.actor=${safeActor(options.actor)}` } : {}),
      },
    })) as unknown as MikroORM;
  } catch (error) {
    throw connectionError(error, target);
  }
  let login: string;
  try {
    login = await probe(orm, target);
  } catch (error) {
    await orm.close(true).catch(() => undefined);
    throw error;
  }
  try {
    return wrap(orm, target, await readDatabaseSettings(orm.em), login);
  } catch (error) {
    await orm.close(true).catch(() => undefined);
    throw error;
  }
}

/** Checks the connection and returns the login. */
async function probe(orm: MikroORM, target: DatabaseTarget): Promise<string> {
  try {
    const [row] = await orm.em.getConnection().execute<{ login: string }[]>('select session_user as login');
    return String(row?.login ?? '');
  } catch (error) {
    throw connectionError(error, target);
  }
}

function wrap(orm: MikroORM, target: DatabaseTarget, settings: DatabaseSettings, login: string, lock?: DirectoryLock): Database {
  let closed = false;
  return {
    target,
    orm,
    login,
    em: orm.em.fork(),
    settings,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await orm.close(true);
      } finally {
        lock?.release();
      }
    },
  };
}

/** Connects to the server's maintenance database and creates the target database if missing. */
async function ensurePostgresDatabase(target: Extract<DatabaseTarget, { kind: 'postgresql' }>): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new URL(target.url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const found = await client.query('select 1 from pg_database where datname = $1', [target.dbName]);
    if (found.rowCount === 0) {
      const quoted = '"' + target.dbName.replaceAll('"', '""') + '"';
      await client.query(`create database ${quoted}`).catch((error: { code?: string }) => {
        // Another process created it in the meantime: fine.
        if (error.code !== '42P04') throw error;
      });
    }
  } catch (error) {
    throw connectionError(error, target);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Turns driver errors into one line that names the server but never the password. */
export function connectionError(error: unknown, target: DatabaseTarget): HelpdeskError {
  if (error instanceof HelpdeskError) return error;
  const err = error as { code?: string; message?: string; cause?: unknown };
  const code = err.code ?? (err.cause as { code?: string } | undefined)?.code;
  const where = target.displayUrl;
  let what: string;
  switch (code) {
    case 'ECONNREFUSED':
      what = 'connection refused (is the server running?)';
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      what = 'host not found';
      break;
    case 'ETIMEDOUT':
      what = 'connection timed out';
      break;
    case '28P01':
    case '28000':
      what = 'authentication failed (check the user and password)';
      break;
    case '3D000':
      what = `database does not exist: create it with \`helpdesk db init\``;
      break;
    default: {
      const message = String(err.message ?? error).split('\n')[0] ?? 'unknown error';
      what = message.includes('timeout') ? 'connection timed out' : message;
    }
  }
  const safe = target.kind === 'postgresql' ? scrubSecrets(what, target.url) : what;
  return new DatabaseUnavailableError(`cannot open database ${where}: ${safe}`);
}
