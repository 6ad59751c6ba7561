import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { readDatabaseSettings, writeStatsTimeZone } from '../../db/settings.ts';
import { UsageError } from '../../errors.ts';
import { validTimeZone } from '../../services/pipeline/config.ts';
import { applyMigrations } from '../../services/database-admin.ts';
import { loadReferenceFixtures } from '../../services/reference/fixtures.ts';
import { seedReferenceData, type SeedResult } from '../../services/reference/seed.ts';
import { renderJson } from '../../output/render.ts';
import { note, print, withDatabase, type CommandContext } from '../context.ts';
import { describeSeed } from './seed.ts';

export interface InitOptions {
  seed: boolean;
  /** The statistics time zone of a new database. */
  tz?: string;
  json?: boolean;
}

export interface InitResult {
  backend: string;
  location: string;
  migrationsApplied: string[];
  seeded: SeedResult | null;
  statsTimeZone: string;
}

export async function dbInit(ctx: CommandContext, options: InitOptions): Promise<void> {
  const zone = options.tz !== undefined ? validTimeZone(options.tz, '--tz') : undefined;
  const result = await withDatabase(
    ctx,
    async (db): Promise<InitResult> => {
      note(ctx, ctx.err.dim(`database: ${db.target.displayUrl} (${db.target.kind})`));
      const migrationsApplied = await applyMigrations(db);
      const statsTimeZone = zone === undefined ? (await readDatabaseSettings(db.sql)).statsTimeZone : await initStatsTimeZone(db, zone);
      const seeded = options.seed ? await seedReferenceData(db.em, loadReferenceFixtures()) : null;
      return { backend: db.target.kind, location: db.target.displayUrl, migrationsApplied, seeded, statsTimeZone };
    },
    { create: true },
  );
  if (options.json) {
    print(ctx, renderJson(result));
    return;
  }
  const lines = [
    `${ctx.out.ok('✓')} database ready: ${result.location} (${result.backend})`,
    result.migrationsApplied.length > 0 ? `  migrations applied: ${result.migrationsApplied.join(', ')}` : '  migrations: up to date',
    `  statistics time zone: ${result.statsTimeZone}`,
  ];
  if (result.seeded) lines.push(`  seeded: ${describeSeed(result.seeded)}`);
  print(ctx, lines.join('\n') + '\n');
}

/**
 * `db init --tz`: the calendar of a database without tickets. Once tickets are counted, only
 * `stats rebuild --tz` changes it (it rebuckets every day in the same transaction).
 */
async function initStatsTimeZone(db: Database, zone: string): Promise<string> {
  const current = (await readDatabaseSettings(db.sql)).statsTimeZone;
  if (zone === current) return zone;
  await db.em.transactional(async (tx) => {
    const k = tx.getKysely<any>();
    const [row] = (await sql<{ n: number }>`select count(*)::int as n from (select 1 from tickets limit 1) t`.execute(k)).rows;
    if ((row?.n ?? 0) > 0) {
      throw new UsageError(`--tz ${zone}: this database already counts its tickets in ${current}; change the statistics time zone with \`helpdesk stats rebuild --tz ${zone}\``);
    }
    await writeStatsTimeZone(k, zone);
  });
  return zone;
}
