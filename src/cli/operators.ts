import type { Command } from 'commander';
import { activeOptions, importCommand, listCommand, removeCommand, showCommand } from './reference.ts';
import { examples, type ContextFor } from './shared.ts';

const valueOptions = (command: Command, fresh: boolean): Command =>
  activeOptions(
    command
      .option('--name <name>', fresh ? 'full name' : 'new name')
      .option('--email <email>', fresh ? 'e-mail address, unique regardless of case' : 'new e-mail address')
      .option('--department <department>', 'department the operator works in')
      .option('--languages <list>', 'languages spoken, from ru, kk, en, e.g. ru,kk')
      .option('--capacity <n>', 'open tickets the operator takes at most (a positive integer)'),
    'operator',
  ).option('--json', 'print the operator as JSON');

export function registerOperatorCommands(operators: Command, context: ContextFor): void {
  listCommand<{ format?: string; json?: boolean; department?: string }>(
    operators,
    context,
    'operators with their load (open tickets against capacity)',
    ['helpdesk operators list', 'helpdesk operators list --department "IT Support" --format csv'],
    async (ctx, options) => {
      const { operatorsList } = await import('../commands/operators/list.ts');
      await operatorsList(ctx, options);
    },
  ).option('--department <department>', 'only the operators of this department');

  showCommand(operators, context, 'operator', 'email', ['helpdesk operators show aigerim@example.kz'], async (ctx, email, options) => {
    const { operatorsShow } = await import('../commands/operators/show.ts');
    await operatorsShow(ctx, email, options);
  });

  valueOptions(operators.command('add').description('add an operator (asks for what is missing on a terminal)'), true)
    .addHelpText('after', examples(['helpdesk operators add --name "Aigerim N." --email aigerim@example.kz --department "IT Support" --languages ru,kk --capacity 8']))
    .action(async (options, command: Command) => {
      const { operatorsAdd } = await import('../commands/operators/add.ts');
      await operatorsAdd(context(command), options);
    });

  valueOptions(operators.command('update').description('change an operator').argument('[email]', 'the operator to change'), false)
    .addHelpText('after', examples(['helpdesk operators update aigerim@example.kz --capacity 10', 'helpdesk operators update aigerim@example.kz --no-active']))
    .action(async (email: string | undefined, options, command: Command) => {
      const { operatorsUpdate } = await import('../commands/operators/update.ts');
      await operatorsUpdate(context(command), email, options);
    });

  removeCommand(operators, context, 'operator (one with ticket history is deactivated instead)', 'email', ['helpdesk operators remove aigerim@example.kz --yes'], async (ctx, email, options: { yes?: boolean; json?: boolean }) => {
    const { operatorsRemove } = await import('../commands/operators/remove.ts');
    await operatorsRemove(ctx, email, options);
  });

  importCommand(operators, context, 'operators', 'e-mail', ['helpdesk operators import operators.csv'], async (ctx, file, options) => {
    const { operatorsImport } = await import('../commands/operators/import.ts');
    await operatorsImport(ctx, file, options);
  });
}
