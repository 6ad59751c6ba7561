import type { Command } from 'commander';
import { examples, type ContextFor } from './shared.ts';

export function registerDbCommands(db: Command, context: ContextFor): void {
  db.command('init')
    .description('create the database if needed, run migrations and seed reference data (safe to run again)')
    .option('--no-seed', 'do not seed the reference data from fixtures/')
    .option('--tz <zone>', 'statistics time zone of a new database (default Asia/Almaty); stored in it, changed later only by stats rebuild --tz')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['helpdesk db init', 'helpdesk db init --tz Europe/London', 'helpdesk db init --data-dir ./helpdesk-data --no-seed', 'helpdesk --database-url postgres://postgres@127.0.0.1/helpdesk db init']))
    .action(async (options: { seed: boolean; tz?: string; json?: boolean }, command: Command) => {
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

  db.command('make-migration')
    .description('(for developers) write a migration with the changes the entities need')
    .argument('<name>', 'snake_case name, e.g. add_ticket_tags')
    .addHelpText('after', examples(['helpdesk db make-migration add_ticket_tags --data-dir /tmp/helpdesk-dev']))
    .action(async (name: string, _options: unknown, command: Command) => {
      const { dbMakeMigration } = await import('../commands/db/make-migration.ts');
      await dbMakeMigration(context(command), name);
    });

  db.command('roles')
    .description('create the helpdesk roles, bring their grants up to date, and list who has what (PostgreSQL server only)')
    .option('--json', 'print the roles and logins as JSON')
    .addHelpText('after', examples(['helpdesk db roles', 'helpdesk db roles --json']) + '\nRoles: helpdesk_admin, helpdesk_pipeline, helpdesk_agent, helpdesk_analyst (see the README).\n')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { dbRoles } = await import('../commands/db/roles.ts');
      await dbRoles(context(command), options);
    });

  db.command('grant')
    .description('make a database login a member of a helpdesk role; --operator ties an agent to an operator (and so to a department)')
    .argument('<login>', 'an existing login (create it with createuser)')
    .argument('<role>', 'helpdesk_admin, helpdesk_pipeline, helpdesk_agent or helpdesk_analyst')
    .option('--operator <email>', 'the operator this agent login works as')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['helpdesk db grant ana helpdesk_agent --operator a.nurlanova@company.example.kz', 'helpdesk db grant bi_reader helpdesk_analyst']))
    .action(async (login: string, role: string, options: { operator?: string; json?: boolean }, command: Command) => {
      const { dbGrant } = await import('../commands/db/roles.ts');
      await dbGrant(context(command), login, role, options);
    });

  db.command('revoke')
    .description("take a helpdesk role from a login (an agent's tie to an operator goes with it)")
    .argument('<login>', 'the login')
    .argument('<role>', 'the helpdesk role')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['helpdesk db revoke ana helpdesk_agent']))
    .action(async (login: string, role: string, options: { json?: boolean }, command: Command) => {
      const { dbRevoke } = await import('../commands/db/roles.ts');
      await dbRevoke(context(command), login, role, options);
    });
}
