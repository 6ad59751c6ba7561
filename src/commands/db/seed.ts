import { loadReferenceFixtures } from '../../services/reference/fixtures.ts';
import { seedReferenceData, type SeedResult } from '../../services/reference/seed.ts';
import { renderJson } from '../../output/render.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export function describeSeed(result: SeedResult): string {
  return Object.entries(result)
    .map(([kind, counts]) => `${kind} ${counts.created} new` + (counts.existing ? `, ${counts.existing} kept` : ''))
    .join('; ');
}

export async function dbSeed(ctx: CommandContext, options: { json?: boolean }): Promise<void> {
  const fixtures = loadReferenceFixtures();
  const result = await withDatabase(ctx, (db) => seedReferenceData(db.em, fixtures));
  print(ctx, options.json ? renderJson(result) : `seeded: ${describeSeed(result)}\n`);
}
