import { Option, type Command } from 'commander';
import { listCommand, showCommand } from './reference.ts';
import { examples, type ContextFor } from './shared.ts';

const valueOptions = (command: Command, fresh: boolean): Command =>
  command
    .option('--email <email>', fresh ? 'e-mail address, unique regardless of case' : 'new e-mail address')
    .option('--name <name>', 'full name ("" clears it)')
    .option('--phone <phone>', 'phone number ("" clears it)')
    .addOption(new Option('--kind <kind>', `client or employee${fresh ? ' (default client)' : ''}`).choices(['client', 'employee']))
    .option('--language <language>', 'preferred language: ru, kk or en ("" clears it)')
    .option('--json', 'print the user as JSON');

export function registerUserCommands(users: Command, context: ContextFor): void {
  listCommand<{ format?: string; json?: boolean; kind?: string }>(users, context, 'users with their ticket counts', ['helpdesk users list', 'helpdesk users list --kind employee --format csv'], async (ctx, options) => {
    const { usersList } = await import('../commands/users/list.ts');
    await usersList(ctx, options);
  }).addOption(new Option('--kind <kind>', 'only clients or only employees').choices(['client', 'employee']));

  showCommand(users, context, 'user', 'email', ['helpdesk users show dana@example.kz'], async (ctx, email, options) => {
    const { usersShow } = await import('../commands/users/show.ts');
    await usersShow(ctx, email, options);
  });

  valueOptions(users.command('add').description('add a user (asks for the e-mail on a terminal)'), true)
    .addHelpText('after', examples(['helpdesk users add --email dana@example.kz --name "Dana K." --language kk']))
    .action(async (options, command: Command) => {
      const { usersAdd } = await import('../commands/users/add.ts');
      await usersAdd(context(command), options);
    });

  valueOptions(users.command('update').description('change a user').argument('[email]', 'the user to change'), false)
    .addHelpText('after', examples(['helpdesk users update dana@example.kz --kind employee']))
    .action(async (email: string | undefined, options, command: Command) => {
      const { usersUpdate } = await import('../commands/users/update.ts');
      await usersUpdate(context(command), email, options);
    });
}
