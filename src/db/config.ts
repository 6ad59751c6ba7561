import type { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { ALL_ENTITIES } from '../entities/index.ts';
import { MIGRATIONS } from '../../migrations/index.ts';

export const MIGRATIONS_TABLE = 'helpdesk_migrations';

/** Settings shared by both backends: same entities, same migrations. */
export function sharedOrmOptions(): Partial<Options> {
  return {
    entities: ALL_ENTITIES,
    extensions: [Migrator],
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList: MIGRATIONS,
      path: 'migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    // Entities are defined in code; no folder discovery, no metadata cache files next to the data.
    discovery: { warnWhenNoEntities: true },
    metadataCache: { enabled: false },
    // Only `db init` creates a database (explicitly); other commands must fail on a missing one.
    ensureDatabase: false,
    debug: false,
    allowGlobalContext: false,
  };
}
