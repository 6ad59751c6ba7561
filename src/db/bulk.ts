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
   * see `copyTable`), each chunk holding whole lines. Returns the number of rows copied.
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

/** A string in COPY's text format: backslash escapes for \ tab CR LF. */
function copyText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, escapeChar) : value;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const escapeChar = (c: string): string => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r');

/**
 * The SQL types a bulk path's columns may have: for each, the value a row holds (the function's
 * parameter) and how COPY's text format writes it. A value of undefined (or null) is NULL, `\N`.
 * Every string is escaped, uuids too: ours never need it, but one that did would shift the
 * line's columns.
 */
const COPY_TYPES = {
  int: (value: number): string => String(value),
  uuid: copyText,
  text: copyText,
  boolean: (value: boolean): string => (value ? 't' : 'f'),
  /** Epoch milliseconds, written as ISO 8601 in UTC. */
  timestamptz: (value: number): string => new Date(value).toISOString(),
  /** JSON text. */
  jsonb: copyText,
} as const;

export type CopyType = keyof typeof COPY_TYPES;
/** A column's type as its DDL says it: nullable, or `not null`. */
export type CopyColumnType = CopyType | `${CopyType} not null`;
/** What a row holds for a column of that type: undefined for NULL unless the column is `not null`. */
export type CopyValue<T extends CopyColumnType> = T extends `${infer S extends CopyType} not null`
  ? Parameters<(typeof COPY_TYPES)[S]>[0]
  : T extends CopyType
    ? Parameters<(typeof COPY_TYPES)[T]>[0] | undefined
    : never;
/** One row of a column table: a value for every column, by name. */
export type CopyRow<Table extends Record<string, CopyColumnType>> = { -readonly [K in keyof Table]: CopyValue<Table[K]> };

export interface CopyTable<Table extends Record<string, CopyColumnType>> {
  /** The column names in table order: the COPY (or INSERT) column list. */
  readonly columns: readonly (keyof Table & string)[];
  /** Each column's SQL type, as the DDL gives it. */
  readonly types: Table;
  /** `name type, ...`: the body of a `create table`. */
  readonly ddl: string;
  /** One row as a line of COPY's text format, newline included. */
  line(row: CopyRow<Table>): string;
}

/** The row type of a column table. */
export type CopyTableRow<T> = T extends CopyTable<infer Table> ? CopyRow<Table> : never;

/**
 * A bulk path's columns from one typed table, name -> SQL type in column order: the DDL, the
 * COPY column list and the COPY line all come from it, and the row type too, so a column added
 * to the table is a compile error until the code filling the rows gives it a value.
 */
export function copyTable<const Table extends Record<string, CopyColumnType>>(table: Table): CopyTable<Table> {
  const columns = Object.keys(table) as (keyof Table & string)[];
  // Names that need no quoting: the DDL names the columns unquoted and COPY quoted, and the line
  // below is generated code that reads them as properties. None is integer-like either, so the
  // object's key order is the order the table was written in.
  for (const name of columns) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`copyTable: column name ${JSON.stringify(name)} needs quoting`);
  const encoders = columns.map((name) => COPY_TYPES[table[name]!.replace(/ not null$/, '') as CopyType]);
  // The line is built by a function generated once from the names, so that `r.subject` is a
  // constant property load that V8 compiles to a field read. A loop over the names does a
  // megamorphic keyed load per column instead: on the import benchmark's rows (26 columns, CPU
  // time, best of 26 rounds) 2.74 µs a row against 2.35-2.48 for the hand-written line this
  // replaced, where the generated one takes 2.44-2.50. The encoders are passed in, not written
  // into the source.
  const source = columns.map((name, i) => `(r.${name} == null ? N : e[${i}](r.${name}))`).join(" + '\\t' + ");
  const line = new Function('e', 'N', `return function copyLine(r) { return ${source} + '\\n'; };`)(encoders, '\\N') as (row: CopyRow<Table>) => string;
  return { columns, types: table, ddl: columns.map((name) => `${name} ${table[name]}`).join(',\n'), line };
}

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
