import type { Command } from 'commander';
import { examples, type ContextFor } from './shared.ts';

export function registerStatsCommands(program: Command, context: ContextFor): void {
  const stats = program.command('stats').description('daily statistics of the helpdesk');
  stats
    .command('daily')
    .description('per day: new tickets, auto-resolved, escalated, routed, AI accuracy, routing errors, first response, SLA breaches; with totals')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 13 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: today)')
    .option('--tz <zone>', "time zone that decides what 'today' is (default from the configuration, Asia/Almaty)")
    .option('--config <file>', 'configuration JSON (env: HELPDESK_CONFIG)')
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--json', 'same as --format json')
    .addHelpText('after', examples(['helpdesk stats daily', 'helpdesk stats daily --from 2026-11-01 --to 2026-11-30 --format csv > november.csv']))
    .action(async (flags, command: Command) => {
      const { statsDaily } = await import('../commands/stats/daily.ts');
      await statsDaily(context(command), flags);
    });
}
