import { join } from 'node:path';
import { PROJECT_ROOT } from '../../paths.ts';
import { UsageError } from '../../errors.ts';
import { applyMigrations } from '../../services/database-admin.ts';
import { migratorFor } from '../../db/migrator.ts';
import { note, print, withDatabase, type CommandContext } from '../context.ts';

const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations') + '/';

/** For developers: writes a migration with the SQL that brings the database in line with the entities. */
export async function dbMakeMigration(ctx: CommandContext, name: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new UsageError(`migration name must be snake_case letters and digits (got "${name}")`);
  const result = await withDatabase(ctx, async (db) => {
    await applyMigrations(db);
    return (await migratorFor(db.orm)).create(MIGRATIONS_DIR, false, false, name);
  });
  if (!result.fileName) {
    note(ctx, 'no changes: the entities match the migrated schema');
    return;
  }
  print(ctx, `${MIGRATIONS_DIR}${result.fileName}\n`);
  note(ctx, 'now add it to the list in migrations/index.ts');
}
