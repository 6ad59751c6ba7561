import { findCategory, removeCategory } from '../../services/reference/categories.ts';
import { categoryChoices } from '../choices.ts';
import type { CommandContext } from '../context.ts';
import { runRemove, type RemoveOptions } from '../reference.ts';

export async function categoriesRemove(ctx: CommandContext, name: string | undefined, options: RemoveOptions): Promise<void> {
  await runRemove(ctx, name, options, {
    noun: 'category',
    keyName: 'NAME',
    find: async (em, ask) => (await findCategory(em, await ask.pick(name, 'NAME', 'Which category?', () => categoryChoices(em)))).name,
    display: (key) => `"${key}"`,
    remove: (em, key) => removeCategory(em, key),
  });
}
