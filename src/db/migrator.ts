import type { Migrator } from '@mikro-orm/migrations';
import type { MikroORM } from '@mikro-orm/sql';
import { migrationOptions } from './config.ts';

/**
 * The ORM's migrator, loaded on first use: the migrations package and the migration files are
 * read only by the commands that migrate (see the stand-in in config.ts).
 */
export async function migratorFor(orm: MikroORM): Promise<Migrator> {
  if (orm.config.getExtension('@mikro-orm/migrator') === undefined) {
    const [{ Migrator: RealMigrator }, { MIGRATIONS }] = await Promise.all([import('@mikro-orm/migrations'), import('../../migrations/index.ts')]);
    orm.config.set('migrations', { ...orm.config.get('migrations'), ...migrationOptions(MIGRATIONS) });
    RealMigrator.register(orm);
  }
  return orm.migrator as Migrator;
}
