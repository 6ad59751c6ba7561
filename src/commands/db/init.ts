import { applyMigrations } from '../../services/database-admin.ts';
import { loadReferenceFixtures } from '../../services/reference/fixtures.ts';
import { seedReferenceData, type SeedResult } from '../../services/reference/seed.ts';
import { renderJson } from '../../output/render.ts';
import { note, print, withDatabase, type CommandContext } from '../context.ts';
import { describeSeed } from './seed.ts';

export interface InitOptions {
  seed: boolean;
  json?: boolean;
}

export interface InitResult {
  backend: string;
  location: string;
  migrationsApplied: string[];
  seeded: SeedResult | null;
}

export async function dbInit(ctx: CommandContext, options: InitOptions): Promise<void> {
  const result = await withDatabase(
    ctx,
    async (db): Promise<InitResult> => {
      note(ctx, ctx.err.dim(`database: ${db.target.displayUrl} (${db.target.kind})`));
      const migrationsApplied = await applyMigrations(db);
      const seeded = options.seed ? await seedReferenceData(db.em, loadReferenceFixtures()) : null;
      return { backend: db.target.kind, location: db.target.displayUrl, migrationsApplied, seeded };
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
  ];
  if (result.seeded) lines.push(`  seeded: ${describeSeed(result.seeded)}`);
  print(ctx, lines.join('\n') + '\n');
}
