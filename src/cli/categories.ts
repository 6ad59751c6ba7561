import { Option, type Command } from 'commander';
import { activeOptions, importCommand, listCommand, removeCommand, showCommand } from './reference.ts';
import { examples, type ContextFor } from './shared.ts';

const valueOptions = (command: Command, fresh: boolean): Command =>
  activeOptions(
    command
      .option('--name <name>', fresh ? 'unique name, regardless of case' : 'new name')
      .option('--department <department>', 'department its tickets go to by default')
      .addOption(new Option('--priority <priority>', `default priority${fresh ? ' (default medium)' : ''}`).choices(['low', 'medium', 'high', 'critical']))
      .option('--description <text>', 'what belongs in the category'),
    'category',
  ).option('--json', 'print the category as JSON');

export function registerCategoryCommands(categories: Command, context: ContextFor): void {
  listCommand(categories, context, 'categories with their department and ticket count', ['helpdesk categories list', 'helpdesk categories list --format csv > categories.csv'], async (ctx, options) => {
    const { categoriesList } = await import('../commands/categories/list.ts');
    await categoriesList(ctx, options);
  });

  showCommand(categories, context, 'category', 'name', ['helpdesk categories show "Password reset"'], async (ctx, name, options) => {
    const { categoriesShow } = await import('../commands/categories/show.ts');
    await categoriesShow(ctx, name, options);
  });

  valueOptions(categories.command('add').description('add a category (asks for what is missing on a terminal)'), true)
    .addHelpText('after', examples(['helpdesk categories add --name "Password reset" --department "IT Support" --priority low']))
    .action(async (options, command: Command) => {
      const { categoriesAdd } = await import('../commands/categories/add.ts');
      await categoriesAdd(context(command), options);
    });

  valueOptions(categories.command('update').description('change a category').argument('[name]', 'the category to change'), false)
    .addHelpText('after', examples(['helpdesk categories update "Password reset" --priority medium']))
    .action(async (name: string | undefined, options, command: Command) => {
      const { categoriesUpdate } = await import('../commands/categories/update.ts');
      await categoriesUpdate(context(command), name, options);
    });

  removeCommand(categories, context, 'category (one with tickets is deactivated instead)', 'name', ['helpdesk categories remove "Password reset" --yes'], async (ctx, name, options: { yes?: boolean; json?: boolean }) => {
    const { categoriesRemove } = await import('../commands/categories/remove.ts');
    await categoriesRemove(ctx, name, options);
  });

  importCommand(categories, context, 'categories', 'name', ['helpdesk categories import categories.json'], async (ctx, file, options) => {
    const { categoriesImport } = await import('../commands/categories/import.ts');
    await categoriesImport(ctx, file, options);
  });
}
