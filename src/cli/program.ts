import { Command, Option } from 'commander';
import type { CommandContext, GlobalOptions } from '../commands/context.ts';

// Program wiring only: every action imports its command module on demand, so `--help`
// loads commander and nothing else (no ORM, no driver).

type ContextFactory = (globals: GlobalOptions, commandLine: string) => CommandContext;

function examples(lines: string[]): string {
  return '\nExamples:\n' + lines.map((l) => `  $ ${l}`).join('\n') + '\n';
}

function commandLine(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export function buildProgram(makeContext: ContextFactory, version: string): Command {
  const program = new Command('helpdesk')
    .description('Administer an AI-assisted IT helpdesk (Russian, Kazakh, English) on PostgreSQL or an embedded database.')
    .version(version, '-V, --version')
    .addOption(new Option('--database-url <url>', 'PostgreSQL server, e.g. postgres://user@host:5432/helpdesk').env('DATABASE_URL'))
    .addOption(new Option('--data-dir <dir>', 'embedded database directory, used when no database URL is given').env('HELPDESK_DATA_DIR'))
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      examples(['helpdesk db init', 'helpdesk db status --json', 'DATABASE_URL=postgres://postgres@127.0.0.1/helpdesk helpdesk db init']) +
        '\nExit codes: 0 ok, 1 failure or failed check, 2 usage or input error, 3 database unreachable or locked.\n',
    );

  const context = (command: Command): CommandContext => makeContext(program.opts<GlobalOptions>(), commandLine(command));

  const db = program.command('db').description('create, migrate, inspect and reset the database');

  db.command('init')
    .description('create the database if needed, run migrations and seed reference data (safe to run again)')
    .option('--no-seed', 'do not seed the reference data from fixtures/')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['helpdesk db init', 'helpdesk db init --data-dir ./helpdesk-data --no-seed', 'helpdesk --database-url postgres://postgres@127.0.0.1/helpdesk db init']))
    .action(async (options: { seed: boolean; json?: boolean }, command: Command) => {
      const { dbInit } = await import('../commands/db/init.ts');
      await dbInit(context(command), options);
    });

  db.command('migrate')
    .description('apply pending migrations')
    .option('--json', 'print the applied migrations as JSON')
    .addHelpText('after', examples(['helpdesk db migrate']))
    .action(async (options: { json?: boolean }, command: Command) => {
      const { dbMigrate } = await import('../commands/db/migrate.ts');
      await dbMigrate(context(command), options);
    });

  db.command('status')
    .description('show backend, location, migrations and row counts')
    .option('--json', 'print the status as JSON')
    .option('--check', 'exit 1 when a migration is pending or the schema has drifted')
    .addHelpText('after', examples(['helpdesk db status', 'helpdesk db status --json', 'helpdesk db status --check || helpdesk db migrate']))
    .action(async (options: { json?: boolean; check?: boolean }, command: Command) => {
      const { dbStatus } = await import('../commands/db/status.ts');
      await dbStatus(context(command), options);
    });

  db.command('seed')
    .description('insert the reference data from fixtures/ that is missing (existing rows are kept)')
    .option('--json', 'print the counts as JSON')
    .addHelpText('after', examples(['helpdesk db seed']))
    .action(async (options: { json?: boolean }, command: Command) => {
      const { dbSeed } = await import('../commands/db/seed.ts');
      await dbSeed(context(command), options);
    });

  db.command('reset')
    .description('delete all data and recreate the schema (asks first; needs --yes without a terminal)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--no-seed', 'do not seed the reference data afterwards')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['helpdesk db reset', 'helpdesk db reset --yes --no-seed']))
    .action(async (options: { yes?: boolean; seed: boolean; json?: boolean }, command: Command) => {
      const { dbReset } = await import('../commands/db/reset.ts');
      await dbReset(context(command), options);
    });

  return program;
}
