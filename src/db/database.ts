import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { EntityManager, MikroORM as SqlMikroORM } from '@mikro-orm/sql';
import { sql, type Kysely } from 'kysely';
import { DatabaseUnavailableError, HelpdeskError, UsageError } from '../errors.ts';
import type { DirectoryLock } from './lock.ts';
import { waitForLock } from './lock-wait.ts';
import type { HelpdeskSchema } from './schema.ts';
import { readDatabaseSettings, type DatabaseSettings } from './settings.ts';
import { scrubSecrets, type DatabaseTarget } from './target.ts';
import { typeParsers } from './types.ts';

type MikroORM = SqlMikroORM;

// Nothing here imports MikroORM (or the entities, which import it) at the top: a command opened
// with `orm: false` loads kysely and the driver only. Loading MikroORM's core and SQL packages
// (~1.5 MB of JS) and discovering the entities cost ~250 ms of CPU per command (issue 12).

export interface Database {
  readonly target: DatabaseTarget;
  /** The ORM; throws when the database was opened with `orm: false`. */
  readonly orm: MikroORM;
  /** A forked EntityManager for this command's work; throws when opened with `orm: false`. */
  readonly em: EntityManager;
  /**
   * Plain SQL through Kysely, with or without the ORM (with it, the ORM's own connection): what
   * the read stores take, so the same store serves both kinds of open.
   */
  readonly sql: Kysely<HelpdeskSchema>;
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
   * false: open with Kysely alone (same login, session settings and errors), for commands whose
   * stores are plain SQL; `orm` and `em` then throw. Default true.
   */
  orm?: boolean;
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
  // The cluster starts (WebAssembly compile, then PostgreSQL's own start: most of a command's
  // time here) while the ORM's modules load and its metadata is discovered, instead of after.
  const pglite = startPglite(clusterDir, options.pgliteSharedBuffers);
  const actor = safeActor(options.actor);
  if (options.orm === false) {
    let kysely: Kysely<HelpdeskSchema> | undefined;
    try {
      const { Kysely: KyselyClass, PGliteDialect } = await import('./kysely.ts');
      kysely = new KyselyClass<HelpdeskSchema>({ dialect: new PGliteDialect({ pglite: () => pglite }) });
      const login = await probe(kysely, target);
      // One connection: a session setting holds for the whole command.
      if (actor) await sql`select set_config('helpdesk.actor', ${actor}, false)`.execute(kysely);
      const settings = await readDatabaseSettings(kysely);
      // Kysely's PGlite driver closes the instance it was handed when destroyed.
      return sqlOnly(kysely, target, settings, login, lock);
    } catch (error) {
      await kysely?.destroy().catch(() => undefined);
      await pglite.then((p) => p.close()).catch(() => undefined);
      lock.release();
      throw error;
    }
  }
  let orm: MikroORM | undefined;
  try {
    const [{ MikroORM: PgliteOrm }, { sharedOrmOptions }] = await Promise.all([import('@mikro-orm/pglite'), import('./config.ts')]);
    orm = (await PgliteOrm.init({ ...sharedOrmOptions(), dbName: clusterDir, driverOptions: { pglite: () => pglite } })) as unknown as MikroORM;
    const kysely = orm.em.getKysely<HelpdeskSchema>();
    const login = await probe(kysely, target);
    if (actor) await sql`select set_config('helpdesk.actor', ${actor}, false)`.execute(kysely);
    const settings = await readDatabaseSettings(kysely);
    // The ORM leaves an instance it was handed open: closing it is ours.
    return wrap(orm, target, settings, login, lock, async () => (await pglite).close());
  } catch (error) {
    await orm?.close(true).catch(() => undefined);
    await pglite.then((p) => p.close()).catch(() => undefined);
    lock.release();
    throw error;
  }
}

/**
 * Opens the PGlite cluster with the type parsers @mikro-orm/pglite would give an instance it
 * creates itself (createPostgreSqlTypeParsers: dates, timestamps and intervals stay strings, and
 * their arrays are parsed as text arrays), so results are the same as when the ORM owns it.
 */
async function startPglite(clusterDir: string, sharedBuffers?: string): Promise<PGlite> {
  const [{ PGlite: Pglite }, parsers] = await Promise.all([import('@electric-sql/pglite'), typeParsers()]);
  const startParams = sharedBuffers ? { startParams: [...Pglite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] } : {};
  return Pglite.create({ dataDir: clusterDir, parsers, ...startParams });
}

/**
 * The pg connection options both ways of opening use: named in pg_stat_activity and in the audit
 * trail (its command column), and the actor for the event triggers (helpdesk.actor).
 */
function postgresDriverOptions(options: OpenOptions): Record<string, unknown> {
  const actor = safeActor(options.actor);
  return {
    connectionTimeoutMillis: 5000,
    application_name: `helpdesk: ${options.command}`.slice(0, 63),
    ...(actor ? { options: `-c helpdesk.actor=${actor}` } : {}),
  };
}

const POOL = { min: 0, max: 4 };

async function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgresql' }>, options: OpenOptions): Promise<Database> {
  if (options.create) await ensurePostgresDatabase(target);
  if (options.orm === false) return openPostgresSqlOnly(target, options);
  const [{ MikroORM: PostgresOrm }, { sharedOrmOptions }] = await Promise.all([import('@mikro-orm/postgresql'), import('./config.ts')]);
  let orm: MikroORM;
  try {
    orm = (await PostgresOrm.init({ ...sharedOrmOptions(), clientUrl: target.url, pool: POOL, driverOptions: postgresDriverOptions(options) })) as unknown as MikroORM;
  } catch (error) {
    throw connectionError(error, target);
  }
  try {
    const kysely = orm.em.getKysely<HelpdeskSchema>();
    const login = await probe(kysely, target);
    return wrap(orm, target, await readDatabaseSettings(kysely), login);
  } catch (error) {
    await orm.close(true).catch(() => undefined);
    throw error;
  }
}

/**
 * Kysely over a pg Pool configured as @mikro-orm/postgresql configures its own
 * (PostgreSqlConnection.mapOptions): host, port, user, password and database from the URL, the
 * same pool size, type parsers and driver options, and errors of idle connections ignored.
 */
async function openPostgresSqlOnly(target: Extract<DatabaseTarget, { kind: 'postgresql' }>, options: OpenOptions): Promise<Database> {
  const [{ Kysely: KyselyClass, PostgresDialect }, { default: pg }, parsers] = await Promise.all([import('./kysely.ts'), import('pg'), typeParsers()]);
  const url = new URL(target.url);
  const types = new pg.TypeOverrides();
  for (const [oid, parser] of Object.entries(parsers)) types.setTypeParser(Number(oid), parser);
  const pool = new pg.Pool({
    host: decodeURIComponent(url.hostname),
    port: +url.port,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname).replace(/^\//, ''),
    ...POOL,
    types,
    ...postgresDriverOptions(options),
  });
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', () => undefined);
  const kysely = new KyselyClass<HelpdeskSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    const login = await probe(kysely, target);
    return sqlOnly(kysely, target, await readDatabaseSettings(kysely), login);
  } catch (error) {
    await kysely.destroy().catch(() => undefined);
    throw error;
  }
}

/** Checks the connection and returns the login. */
async function probe(kysely: Kysely<HelpdeskSchema>, target: DatabaseTarget): Promise<string> {
  try {
    const [row] = (await sql<{ login: string }>`select session_user as login`.execute(kysely)).rows;
    return String(row?.login ?? '');
  } catch (error) {
    throw connectionError(error, target);
  }
}

function wrap(orm: MikroORM, target: DatabaseTarget, settings: DatabaseSettings, login: string, lock?: DirectoryLock, closeDriver?: () => Promise<void>): Database {
  let closed = false;
  const em = orm.em.fork();
  return {
    target,
    orm,
    login,
    em,
    get sql() {
      // Inside the fork's transaction, its connection.
      return em.getKysely<HelpdeskSchema>();
    },
    settings,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await orm.close(true);
        await closeDriver?.();
      } finally {
        lock?.release();
      }
    },
  };
}

/** A database opened with Kysely alone (`orm: false`). */
function sqlOnly(kysely: Kysely<HelpdeskSchema>, target: DatabaseTarget, settings: DatabaseSettings, login: string, lock?: DirectoryLock): Database {
  let closed = false;
  const noOrm = (what: string): never => {
    throw new Error(`programming error: db.${what} used on a database opened with { orm: false } (plain SQL only): open it with the ORM, or use db.sql`);
  };
  return {
    target,
    get orm(): MikroORM {
      return noOrm('orm');
    },
    get em(): EntityManager {
      return noOrm('em');
    },
    sql: kysely,
    login,
    settings,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await kysely.destroy();
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
