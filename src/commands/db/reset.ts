import { confirmDestructive } from '../../prompts/prompter.ts';
import { resetDatabase } from '../../services/database-admin.ts';
import { loadReferenceFixtures } from '../../services/reference/fixtures.ts';
import { seedReferenceData } from '../../services/reference/seed.ts';
import { renderJson } from '../../output/render.ts';
import { databaseTarget, note, print, withDatabase, type CommandContext } from '../context.ts';
import { describeSeed } from './seed.ts';

export async function dbReset(ctx: CommandContext, options: { yes?: boolean; seed: boolean; json?: boolean }): Promise<void> {
  const target = databaseTarget(ctx);
  const go = await confirmDestructive(ctx.prompter, options.yes, `Delete ALL data in ${target.displayUrl}?`);
  if (!go) {
    note(ctx, 'nothing changed');
    return;
  }
  const result = await withDatabase(ctx, async (db) => {
    const migrationsApplied = await resetDatabase(db);
    const seeded = options.seed ? await seedReferenceData(db.em, loadReferenceFixtures()) : null;
    return { location: target.displayUrl, migrationsApplied, seeded };
  });
  if (options.json) print(ctx, renderJson(result));
  else print(ctx, `database reset: ${result.location}\n` + (result.seeded ? `  seeded: ${describeSeed(result.seeded)}\n` : ''));
}
