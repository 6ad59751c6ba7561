import { activateModel } from '../../services/model/registry.ts';
import { renderJson } from '../../output/render.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export async function modelActivate(ctx: CommandContext, id: string, options: { json?: boolean }): Promise<void> {
  const result = await withDatabase(ctx, (db) => activateModel(db.em, id));
  if (options.json) {
    print(ctx, renderJson(result));
    return;
  }
  const m = result.model;
  if (!result.changed) {
    print(ctx, `${m.name} v${m.version} (${m.id}) is already the active model\n`);
    return;
  }
  const was = result.previous ? ` (was v${result.previous.version})` : '';
  print(ctx, `${ctx.out.ok('✓')} active model: ${m.name} v${m.version} (${m.id})${was}\n`);
}
