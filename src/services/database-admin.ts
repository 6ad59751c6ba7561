import type { Database } from '../db/database.ts';
import { MIGRATIONS_TABLE } from '../db/config.ts';
import { migratorFor } from '../db/migrator.ts';
import { DatabaseUnavailableError, HelpdeskError } from '../errors.ts';
import { syncRoles } from '../db/roles.ts';

export interface TableCount {
  table: string;
  rows: number;
}

export interface DatabaseStatus {
  backend: 'pglite' | 'postgresql';
  location: string;
  applied: { name: string; executedAt: string | null }[];
  pending: string[];
  /** SQL the schema would need to match the entities; empty when in step. */
  drift: string[];
  tables: TableCount[];
}

export async function applyMigrations(db: Database): Promise<string[]> {
  const applied = (await (await migratorFor(db.orm)).up()).map((m) => m.name);
  // A later migration may add tables: their grants, and the owner, follow (src/db/roles.ts).
  // The migration that introduced the roles has just done it.
  if (db.target.kind === 'postgresql' && applied.length > 0 && !applied.includes(ROLES_MIGRATION)) {
    await db.em.transactional(async (tx) => syncRoles((text) => tx.getConnection().execute(text, [], 'all', tx.getTransactionContext())));
  }
  return applied;
}

const ROLES_MIGRATION = 'Migration20261202060000_roles_and_audit';

export async function pendingMigrations(db: Database): Promise<string[]> {
  return (await (await migratorFor(db.orm)).getPending()).map((m) => m.name);
}

export function tableNames(db: Database): string[] {
  return [...db.orm.getMetadata().getAll().values()].filter((meta) => !meta.embeddable && !meta.virtual).map((meta) => meta.tableName);
}

export async function countRows(db: Database): Promise<TableCount[]> {
  const connection = db.em.getConnection();
  const existing = new Set(
    (await connection.execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = current_schema()`,
    )).map((r) => r.table_name),
  );
  // A login sees the counts of the tables it may read (an agent's under row-level security).
  const readable = new Set(
    (await connection.execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = current_schema() and has_table_privilege(format('%I.%I', table_schema, table_name), 'select')`,
    )).map((r) => r.table_name),
  );
  const names = tableNames(db).filter((t) => existing.has(t) && readable.has(t)).sort();
  if (names.length === 0) return [];
  const union = names.map((t) => `select '${t}' as "table", count(*)::int as "rows" from "${t}"`).join(' union all ');
  const rows = await connection.execute<{ table: string; rows: number }[]>(union);
  const byName = new Map(rows.map((r) => [r.table, Number(r.rows)]));
  return names.map((table) => ({ table, rows: byName.get(table) ?? 0 }));
}

export async function databaseStatus(db: Database): Promise<DatabaseStatus> {
  const executed = await (await migratorFor(db.orm)).getExecuted();
  const pending = await pendingMigrations(db);
  // Drift is only meaningful once every migration has run: before that, pending ones explain it.
  const drift = pending.length === 0 ? await schemaDrift(db) : [];
  return {
    backend: db.target.kind,
    location: db.target.displayUrl,
    applied: executed.map((m) => ({ name: m.name, executedAt: m.executed_at ? new Date(m.executed_at).toISOString() : null })),
    pending,
    drift,
    tables: await countRows(db),
  };
}

async function schemaDrift(db: Database): Promise<string[]> {
  const sql = await db.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  return sql
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('set ') && !line.includes(MIGRATIONS_TABLE) && !OWN_SQL_OBJECTS.test(line));
}

/**
 * The audit triggers, the helpdesk_* functions, the row-level security policies and the
 * analysts' views are defined in src/db/roles.ts, not by the entities; the ORM reads them and
 * would drop them.
 */
const OWN_SQL_OBJECTS =
  /^(drop (trigger|function) if exists "(helpdesk_|[a-z_]+_helpdesk_audit_fn)|drop view if exists "helpdesk_redacted"\.|drop schema if exists "helpdesk_redacted"|drop policy "helpdesk_|alter table "[a-z_]+" disable row level security)/;

/** Drops every table and type of the application, then runs the migrations again. */
export async function resetDatabase(db: Database): Promise<string[]> {
  await db.orm.schema.drop({ dropMigrationsTable: false });
  // The migrations table stays (the migrator has checked it exists); only its rows go.
  await db.em.getConnection().execute(`delete from "${MIGRATIONS_TABLE}"`);
  return applyMigrations(db);
}

/**
 * Notices a `db reset` by another process while long work runs (an import): the reset deletes
 * every migration row and applies the migrations again, so their ids (a sequence) all move past
 * the ones seen at the start. `explain` turns the error the work then fails with (a foreign key,
 * a missing table) into one line saying what happened (exit 3).
 */
export async function watchForReset(db: Database): Promise<{ explain(error: unknown): Promise<unknown> }> {
  const idsOf = async (): Promise<{ low: number; high: number; rows: number }> => {
    const rows = await db.em
      .getConnection()
      .execute<{ low: number | string | null; high: number | string | null; rows: number | string }[]>(`select min(id) as low, max(id) as high, count(*) as rows from "${MIGRATIONS_TABLE}"`);
    return { low: Number(rows[0]?.low ?? 0), high: Number(rows[0]?.high ?? 0), rows: Number(rows[0]?.rows ?? 0) };
  };
  const before = await idsOf();
  return {
    async explain(error) {
      if (error instanceof HelpdeskError) return error;
      let after: { low: number; high: number; rows: number };
      try {
        after = await idsOf();
      } catch {
        // The migrations table itself is gone or unreachable: the database changed under us.
        return new DatabaseUnavailableError(`the database was reset or changed by another process during this command: nothing was written; run it again`);
      }
      if (before.rows > 0 && (after.rows === 0 || after.low > before.high)) {
        return new DatabaseUnavailableError(`the database was reset (helpdesk db reset) by another process during this command: nothing was written; run it again`);
      }
      return error;
    },
  };
}
