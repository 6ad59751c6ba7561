import type { Command } from 'commander';
import { activeOptions, importCommand, listCommand, removeCommand, showCommand } from './reference.ts';
import { examples, type ContextFor } from './shared.ts';

export function registerDepartmentCommands(departments: Command, context: ContextFor): void {
  listCommand(departments, context, 'departments with their operator count and open tickets', ['helpdesk departments list', 'helpdesk departments list --json > departments.json'], async (ctx, options) => {
    const { departmentsList } = await import('../commands/departments/list.ts');
    await departmentsList(ctx, options);
  });

  showCommand(departments, context, 'department', 'name', ['helpdesk departments show "IT Support"'], async (ctx, name, options) => {
    const { departmentsShow } = await import('../commands/departments/show.ts');
    await departmentsShow(ctx, name, options);
  });

  activeOptions(
    departments
      .command('add')
      .description('add a department (asks for the name on a terminal)')
      .option('--name <name>', 'unique name, regardless of case')
      .option('--description <text>', 'what the department handles'),
    'department',
  )
    .option('--json', 'print the new department as JSON')
    .addHelpText('after', examples(['helpdesk departments add --name "Network" --description "LAN, Wi-Fi, VPN"']))
    .action(async (options, command: Command) => {
      const { departmentsAdd } = await import('../commands/departments/add.ts');
      await departmentsAdd(context(command), options);
    });

  activeOptions(
    departments
      .command('update')
      .description('change a department')
      .argument('[name]', 'the department to change')
      .option('--name <name>', 'new name')
      .option('--description <text>', 'new description ("" clears it)'),
    'department',
  )
    .option('--json', 'print the department as JSON')
    .addHelpText('after', examples(['helpdesk departments update Network --name "Networks"', 'helpdesk departments update Network --no-active']))
    .action(async (name: string | undefined, options, command: Command) => {
      const { departmentsUpdate } = await import('../commands/departments/update.ts');
      await departmentsUpdate(context(command), name, options);
    });

  removeCommand(
    departments,
    context,
    'department',
    'name',
    ['helpdesk departments remove Network', 'helpdesk departments remove Network --reassign-to "IT Support" --yes'],
    async (ctx, name, options: { yes?: boolean; json?: boolean; reassignTo?: string }) => {
      const { departmentsRemove } = await import('../commands/departments/remove.ts');
      await departmentsRemove(ctx, name, options);
    },
  ).option('--reassign-to <department>', 'first move its operators, categories and open tickets to this department (one transaction)');

  importCommand(departments, context, 'departments', 'name', ['helpdesk departments import departments.json', 'helpdesk departments import departments.csv'], async (ctx, file, options) => {
    const { departmentsImport } = await import('../commands/departments/import.ts');
    await departmentsImport(ctx, file, options);
  });
}
