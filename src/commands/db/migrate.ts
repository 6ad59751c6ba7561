import { applyMigrations } from '../../services/database-admin.ts';
import { renderJson } from '../../output/render.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export async function dbMigrate(ctx: CommandContext, options: { json?: boolean }): Promise<void> {
  const applied = await withDatabase(ctx, applyMigrations);
  if (options.json) print(ctx, renderJson({ applied }));
  else print(ctx, applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'migrations: up to date\n');
}
