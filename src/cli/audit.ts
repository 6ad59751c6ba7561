import type { Command } from 'commander';
import { examples, type ContextFor } from './shared.ts';

export function registerAuditCommands(program: Command, context: ContextFor): void {
  program
    .command('audit')
    .description('changes people made to tickets, reference data and the active model: who (database login), when, old and new values')
    .option('--table <name>', 'only this table, e.g. tickets, operators, ml_models')
    .option('--since <date>', 'at or after this date or date-time')
    .option('--who <login>', 'only this database login')
    .option('--limit <n>', 'at most this many, newest first', '100')
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--json', 'same as --format json')
    .addHelpText('after', examples(['helpdesk audit --since 2026-12-01', 'helpdesk audit --table operators --who ana', 'helpdesk audit --table tickets --json | jq ".[0].new"']))
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const { auditList } = await import('../commands/audit/list.ts');
      await auditList(context(command), options);
    });
}
