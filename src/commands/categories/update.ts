import { parseCategory, showCategory, updateCategory } from '../../services/reference/categories.ts';
import { categoryChoices } from '../choices.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, reportSaved, requireChanges, requireFlags } from '../reference.ts';
import { categoryFlags, categoryLabel, type CategoryAddOptions } from './add.ts';

export async function categoriesUpdate(ctx: CommandContext, current: string | undefined, options: CategoryAddOptions): Promise<void> {
  requireFlags(ctx, [[current, 'NAME']]);
  const patch = parseCategory(categoryFlags(options), categoryLabel);
  requireChanges(patch, ['--name', '--department', '--priority', '--description', '--active', '--no-active']);
  const { outcome, row } = await withDatabase(ctx, async (db) => {
    const name = await asker(ctx).pick(current, 'NAME', 'Which category?', () => categoryChoices(db.em));
    const outcome = await updateCategory(db.em, name, patch, categoryLabel);
    return { outcome, row: await showCategory(db.em, patch.name ?? name) };
  });
  reportSaved(ctx, options, 'category', `"${row.name}"`, outcome, row);
}
