import type { MigrationObject, Options } from '@mikro-orm/core';
import { ALL_ENTITIES } from '../entities/index.ts';

export const MIGRATIONS_TABLE = 'helpdesk_migrations';

/**
 * Stands in for MikroORM's Migrator at start-up. Without an extension of that name MikroORM
 * imports @mikro-orm/migrations itself (its own copy, outside the bundle: about 350 modules),
 * yet only the `db` commands and `demo` migrate; they load the real one with `migratorFor`
 * (src/db/migrator.ts).
 */
class Migrator {
  static register(): void {}
}

/** The migrator's settings; the list of migrations is handed in by `migratorFor`. */
export function migrationOptions(migrationsList: MigrationObject[]): NonNullable<Options['migrations']> {
  return {
    tableName: MIGRATIONS_TABLE,
    migrationsList,
    path: 'migrations',
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    silent: true,
  };
}

/** Settings shared by both backends: same entities, same migrations. */
export function sharedOrmOptions(): Partial<Options> {
  return {
    entities: ALL_ENTITIES,
    extensions: [Migrator],
    // Triggers and their functions (the event stream, migration 20261202050000) are written by
    // migrations only: the entities do not declare them, so drift checks must not drop them.
    schemaGenerator: { ignoreTriggers: true, ignoreRoutines: true },
    // Entities are defined in code; no folder discovery, no metadata cache files next to the data.
    discovery: { warnWhenNoEntities: true },
    metadataCache: { enabled: false },
    // Only `db init` creates a database (explicitly); other commands must fail on a missing one.
    ensureDatabase: false,
    debug: false,
    allowGlobalContext: false,
  };
}
