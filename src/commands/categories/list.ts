import { listCategories, type CategoryRow } from '../../services/reference/categories.ts';
import type { CommandContext } from '../context.ts';
import { runList, yesNo, type ListOptions, type ListView } from '../reference.ts';

export const categoriesView: ListView<CategoryRow> = {
  plural: 'categories',
  table: [
    { header: 'name', value: (c) => c.name },
    { header: 'department', value: (c) => c.department },
    { header: 'priority', value: (c) => c.defaultPriority },
    { header: 'tickets', value: (c) => c.tickets, align: 'right' },
    { header: 'active', value: (c) => yesNo(c.active) },
    { header: 'description', value: (c) => c.description },
  ],
  fields: ['name', 'department', 'defaultPriority', 'description', 'active', 'tickets'],
};

export async function categoriesList(ctx: CommandContext, options: ListOptions): Promise<void> {
  await runList(ctx, options, categoriesView, (em) => listCategories(em));
}
