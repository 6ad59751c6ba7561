import { sql, type Kysely } from 'kysely';

/** What defines the data, stored in the database (table `settings`), read once per command. */
export interface DatabaseSettings {
  /** The calendar of daily_stats: set by `db init --tz`, changed only by `stats rebuild --tz`. */
  statsTimeZone: string;
}

/** The zone of databases created before it was stored, and of `db init` without `--tz`. */
export const DEFAULT_STATS_TIME_ZONE = 'Asia/Almaty';

/**
 * Reads the settings; a database without the table yet (before `db init` / `db migrate`) has
 * the defaults. Runs outside any transaction, so a missing table aborts nothing.
 */
export async function readDatabaseSettings(db: Kysely<any>): Promise<DatabaseSettings> {
  try {
    const { rows } = await sql<{ name: string; value: string }>`select name, value from settings where name = 'stats_time_zone'`.execute(db);
    return { statsTimeZone: rows[0]?.value ?? DEFAULT_STATS_TIME_ZONE };
  } catch {
    return { statsTimeZone: DEFAULT_STATS_TIME_ZONE };
  }
}

/**
 * Stores the statistics time zone inside the caller's transaction (the rebuild that rebuckets
 * daily_stats in it, or `db init --tz`); returns the zone it replaces.
 */
export async function writeStatsTimeZone(db: Kysely<any>, zone: string): Promise<string | null> {
  const before = (await sql<{ value: string }>`select value from settings where name = 'stats_time_zone' for update`.execute(db)).rows[0]?.value ?? null;
  await sql`insert into settings (name, value) values ('stats_time_zone', ${zone}) on conflict (name) do update set value = excluded.value`.execute(db);
  return before;
}
