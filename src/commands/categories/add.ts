import { addCategory, parseCategory } from '../../services/reference/categories.ts';
import { departmentChoices } from '../choices.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, confirmAnswers, flagLabels, reportSaved, requireFlags } from '../reference.ts';

export interface CategoryAddOptions {
  name?: string;
  department?: string;
  priority?: string;
  description?: string;
  active?: boolean;
  json?: boolean;
}

export const categoryLabel = flagLabels({ defaultPriority: '--priority' });

const given = (options: CategoryAddOptions) => ({
  name: options.name,
  department: options.department,
  defaultPriority: options.priority,
  description: options.description,
  active: options.active,
});

export async function categoriesAdd(ctx: CommandContext, options: CategoryAddOptions): Promise<void> {
  requireFlags(ctx, [[options.name, '--name'], [options.department, '--department']]);
  parseCategory(given(options), categoryLabel); // everything given is checked before the database is opened
  const row = await withDatabase(ctx, async (db) => {
    const ask = asker(ctx);
    const patch = parseCategory(
      {
        ...given(options),
        name: await ask.text(options.name, '--name', 'Name of the new category', (v) => parseCategory({ name: v }, categoryLabel)),
        department: await ask.pick(options.department, '--department', 'Department its tickets go to', () => departmentChoices(db.em)),
      },
      categoryLabel,
    );
    if (!(await confirmAnswers(ctx, ask, `Add category "${patch.name}" (${patch.department}, ${patch.defaultPriority ?? 'medium'} priority)?`))) return null;
    return addCategory(db.em, patch, categoryLabel);
  });
  if (row) reportSaved(ctx, options, 'category', `"${row.name}"`, 'created', row);
}

export { given as categoryFlags };
