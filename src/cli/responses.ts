import { Option, type Command } from 'commander';
import { activeOptions, importCommand, listCommand, removeCommand, showCommand } from './reference.ts';
import { collect, examples, type ContextFor } from './shared.ts';

const languageOption = (what: string) => new Option('--language <language>', what).choices(['ru', 'kk', 'en']);

const valueOptions = (command: Command, fresh: boolean): Command =>
  activeOptions(
    command
      .option('--name <name>', fresh ? 'short name, the same in each language' : 'new name')
      .option('--category <category>', 'category the template answers')
      .option('--trigger <text>', `an example of a ticket it answers (repeat for more${fresh ? '' : '; replaces the examples'})`, collect)
      .option('--answer <text>', 'answer text; placeholders: {{ticket_number}}, {{client_name}}, {{subject}}, {{category}}, {{department}}'),
    'template',
  ).option('--json', 'print the template as JSON');

export function registerResponseCommands(responses: Command, context: ContextFor): void {
  listCommand<{ format?: string; json?: boolean; category?: string; language?: string }>(
    responses,
    context,
    'answer templates',
    ['helpdesk responses list', 'helpdesk responses list --language kk --json'],
    async (ctx, options) => {
      const { responsesList } = await import('../commands/responses/list.ts');
      await responsesList(ctx, options);
    },
  )
    .option('--category <category>', 'only the templates of this category')
    .addOption(languageOption('only the templates in this language'));

  showCommand(responses, context, 'answer template', 'name', ['helpdesk responses show password-reset --language ru'], async (ctx, name, options) => {
    const { responsesShow } = await import('../commands/responses/show.ts');
    await responsesShow(ctx, name, options);
  }).addOption(languageOption('which language (needed when the name exists in several)'));

  valueOptions(responses.command('add').description('add an answer template (asks for what is missing on a terminal)').addOption(languageOption('language of the answer')), true)
    .addHelpText('after', examples([`helpdesk responses add --name password-reset --category "Password reset" --language en --trigger "forgot my password" --answer "Hello {{client_name}}, ticket {{ticket_number}}: use the reset link."`]))
    .action(async (options, command: Command) => {
      const { responsesAdd } = await import('../commands/responses/add.ts');
      await responsesAdd(context(command), options);
    });

  valueOptions(
    responses.command('update').description('change an answer template').argument('[name]', 'the template to change').addOption(languageOption('which language (needed when the name exists in several)')),
    false,
  )
    .addHelpText('after', examples(['helpdesk responses update password-reset --language en --no-active']))
    .action(async (name: string | undefined, options, command: Command) => {
      const { responsesUpdate } = await import('../commands/responses/update.ts');
      await responsesUpdate(context(command), name, options);
    });

  removeCommand(responses, context, 'answer template (one that was sent is deactivated instead)', 'name', ['helpdesk responses remove password-reset --language en --yes'], async (ctx, name, options: { yes?: boolean; json?: boolean; language?: string }) => {
    const { responsesRemove } = await import('../commands/responses/remove.ts');
    await responsesRemove(ctx, name, options);
  }).addOption(languageOption('which language (needed when the name exists in several)'));

  importCommand(responses, context, 'responses', 'name and language', ['helpdesk responses import responses.json'], async (ctx, file, options) => {
    const { responsesImport } = await import('../commands/responses/import.ts');
    await responsesImport(ctx, file, options);
  });
}
