import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';
import type { Database } from './database.ts';

/**
 * Bulk work on either backend through the driver's own client, one session (one connection)
 * at a time: parameterised queries, COPY FROM in text format, and an explicit transaction.
 * MikroORM's `execute()` inlines parameters into the SQL text and has no COPY, so imports and
 * the pipeline use this instead.
 *
 * PostgreSQL: a dedicated client from the ORM's pool; COPY ... FROM STDIN via pg-copy-streams,
 * streamed with back-pressure. PGlite: the ORM's own PGlite instance (one connection anyway;
 * the caller must not use the ORM while a session is open); COPY ... FROM '/dev/blob' with the
 * data handed over in blobs of a few megabytes, so memory stays flat whatever the volume.
 */
export interface BulkSession {
  readonly backend: 'postgresql' | 'pglite';
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * COPY `table` (`columns`) from `chunks`: COPY text format (tab-separated, `\N` for null,
   * see `copyField`), each chunk holding whole lines. Returns the number of rows copied.
   */
  copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<number>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** begin, work, commit; rollback when the work throws. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

/** Bytes (as UTF-16 length, close enough) handed to PGlite per COPY statement. */
const PGLITE_COPY_BATCH = 4 * 1024 * 1024;

export async function openBulkSession(db: Database): Promise<BulkSession> {
  const native = (await db.em.getConnection().getNativeClient()) as unknown;
  return db.target.kind === 'pglite' ? pgliteSession(native as PGlite) : postgresSession(await (native as Pool).connect());
}

/** Opens a session, runs `work`, and always releases the session. */
export async function withBulkSession<T>(db: Database, work: (session: BulkSession) => Promise<T>): Promise<T> {
  const session = await openBulkSession(db);
  try {
    return await work(session);
  } finally {
    await session.release();
  }
}

/** One value in COPY's text format: `\N` for null, backslash escapes for \ tab CR LF. */
export function copyField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, escapeChar) : value;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const escapeChar = (c: string): string => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r');

const LOCK_NOT_AVAILABLE = '55P03';
const DEADLOCK_DETECTED = '40P01';

const quoteIdent = (name: string): string => '"' + name.replaceAll('"', '""') + '"';
const copyTarget = (table: string, columns: readonly string[]): string => `${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})`;

function withTransaction(session: Pick<BulkSession, 'begin' | 'commit' | 'rollback'>) {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    await session.begin();
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await session.rollback().catch(() => undefined);
      throw error;
    }
    await session.commit();
    return result;
  };
}

function postgresSession(client: PoolClient): BulkSession {
  let broken = false;
  let open = false;
  const base = {
    backend: 'postgresql' as const,
    async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
      const result = await client.query(sql, params);
      return result.rows as Row[];
    },
    async copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<number> {
      const { default: copyStreams } = await import('pg-copy-streams');
      const stream = client.query(copyStreams.from(`COPY ${copyTarget(table, columns)} FROM STDIN`));
      try {
        await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: 256 * 1024 }), stream);
      } catch (error) {
        // pg-copy-streams answers a destroyed stream with CopyFail; the server then reports
        // the COPY as failed and the connection stays usable for ROLLBACK. Be safe anyway.
        broken = !(await client.query('select 1').then(() => true, () => false));
        throw error;
      }
      return stream.rowCount;
    },
    begin: async () => {
      await client.query('BEGIN');
      open = true;
    },
    commit: async () => {
      open = false;
      await client.query('COMMIT');
    },
    rollback: async () => {
      open = false;
      await client.query('ROLLBACK');
    },
    async release() {
      if (open && !broken) await base.rollback().catch(() => (broken = true));
      client.release(broken);
    },
  };
  return { ...base, transaction: withTransaction(base) };
}

function pgliteSession(pglite: PGlite): BulkSession {
  let open = false;
  const base = {
    backend: 'pglite' as const,
    async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
      const result = await pglite.query<Row>(sql, params);
      return result.rows;
    },
    async copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<number> {
      const sql = `COPY ${copyTarget(table, columns)} FROM '/dev/blob'`;
      let parts: string[] = [];
      let size = 0;
      let rows = 0;
      const flush = async (): Promise<void> => {
        if (size === 0) return;
        const result = await pglite.query(sql, [], { blob: new Blob(parts) });
        rows += result.affectedRows ?? 0;
        parts = [];
        size = 0;
      };
      for await (const chunk of chunks) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= PGLITE_COPY_BATCH) await flush();
      }
      await flush();
      return rows;
    },
    begin: async () => {
      await pglite.query('BEGIN');
      open = true;
    },
    commit: async () => {
      open = false;
      await pglite.query('COMMIT');
    },
    rollback: async () => {
      open = false;
      await pglite.query('ROLLBACK');
    },
    async release() {
      // The instance belongs to the ORM: nothing to give back, but a transaction left open
      // (a caller that threw between begin and commit) would swallow the ORM's next queries.
      if (open && !pglite.closed) await base.rollback().catch(() => undefined);
    },
  };
  return { ...base, transaction: withTransaction(base) };
}

/**
 * For a load that is large against what a table holds: drops the tables' indexes, unique
 * constraints and foreign keys (all but the primary keys) inside the caller's transaction, and
 * returns what creates them again. Building an index once over sorted keys, and checking a
 * foreign key with one join, is several times cheaper than maintaining ten indexes and four
 * checks row by row. The definitions come from the catalog, so the schema ends exactly as it
 * was; a unique constraint that the loaded rows break fails the rebuild, and with it the
 * transaction. The tables are locked (ACCESS EXCLUSIVE) until the transaction ends, so while the
 * indexes are gone nobody else reads or writes them; the caller must deduplicate by itself.
 *
 * With `lockTimeout` (e.g. '3s'), tables that another session is using are given up on after
 * that long (or at once on a deadlock): nothing is dropped and the result is undefined.
 */
export async function deferIndexes(session: BulkSession, tables: readonly string[], options: { lockTimeout?: string } = {}): Promise<(() => Promise<void>) | undefined> {
  const lockAll = async (): Promise<void> => {
    for (const table of tables) await session.query(`lock table ${quoteIdent(table)} in access exclusive mode`);
  };
  if (!options.lockTimeout) {
    await lockAll();
  } else {
    await session.query('savepoint defer_indexes');
    try {
      await session.query(`set local lock_timeout = '${options.lockTimeout.replaceAll("'", "''")}'`);
      await lockAll();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== LOCK_NOT_AVAILABLE && code !== DEADLOCK_DETECTED) throw error;
      await session.query('rollback to savepoint defer_indexes');
      return undefined;
    }
    // The locks stay with the transaction, and so would the timeout (SET LOCAL outlives a released
    // savepoint): put it back for the statements that follow.
    await session.query('release savepoint defer_indexes');
    await session.query('set local lock_timeout to default');
  }
  const constraints = await session.query<{ table: string; name: string; ddl: string; kind: string }>(
    `select conrelid::regclass::text as table, quote_ident(conname) as name, pg_get_constraintdef(oid) as ddl, contype::text as kind
     from pg_constraint where conrelid = any($1::regclass[]) and contype in ('f', 'u') order by contype, oid`,
    [tables],
  );
  const indexes = await session.query<{ name: string; ddl: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as ddl
     from pg_index i
     where i.indrelid = any($1::regclass[]) and not i.indisprimary
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
     order by i.indexrelid`,
    [tables],
  );
  // Foreign keys ('f') before unique constraints ('u') when dropping; the reverse when creating.
  for (const c of constraints) await session.query(`alter table ${c.table} drop constraint ${c.name}`);
  for (const index of indexes) await session.query(`drop index ${index.name}`);
  return async () => {
    // Sorts for the index builds in memory where the server allows it (a session setting). Not
    // on PGlite: there that memory would be this process's own.
    if (session.backend === 'postgresql') await session.query(`set local maintenance_work_mem = '256MB'`);
    for (const c of constraints.filter((k) => k.kind === 'u')) await session.query(`alter table ${c.table} add constraint ${c.name} ${c.ddl}`);
    for (const index of indexes) await session.query(index.ddl);
    for (const c of constraints.filter((k) => k.kind === 'f')) await session.query(`alter table ${c.table} add constraint ${c.name} ${c.ddl}`);
  };
}
