import type { Command } from 'commander';
import { examples, formatOption, type ContextFor } from './shared.ts';

export function registerStatsCommands(stats: Command, context: ContextFor): void {
  stats
    .command('daily')
    .description('per day: new tickets, auto-resolved, escalated, routed, AI accuracy, routing errors, first response, SLA breaches, backlog; with totals')
    .option('--from <date>', 'first day, YYYY-MM-DD or DD.MM.YYYY (default: 13 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD or DD.MM.YYYY (default: today)')
    .option('--by <dimension>', 'one row per day and department, category, language, source or operator')
    .option('--history <choice>', 'exclude (default): the intake only; include: add the imported history to the figures')
    .option('--tz <zone>', "must be the database's statistics time zone (stored in it; change it with stats rebuild --tz)")
    .option('--config <file>', 'configuration JSON (env: HELPDESK_CONFIG)')
    .addOption(formatOption())
    .option('--columns <names>', 'only these columns, in this order (table and csv)')
    .option('--json', 'same as --format json')
    .option('--chart', 'a bar chart of the new tickets per day under the table (on stderr when stdout is not a terminal)')
    .addHelpText(
      'after',
      examples([
        'helpdesk stats daily --chart',
        'helpdesk stats daily --by department --from 2026-11-01 --to 2026-11-30',
        'helpdesk stats daily --from 2026-11-01 --to 2026-11-30 --format csv > november.csv',
      ]),
    )
    .action(async (flags, command: Command) => {
      const { statsDaily } = await import('../commands/stats/daily.ts');
      await statsDaily(context(command), flags);
    });
  stats
    .command('rebuild')
    .description('recompute daily_stats from tickets, predictions and messages (all days, or --from/--to); safe to run again')
    .option('--from <date>', 'first day to recompute, YYYY-MM-DD or DD.MM.YYYY')
    .option('--to <date>', 'last day to recompute, YYYY-MM-DD or DD.MM.YYYY')
    .option('--tz <zone>', "change the database's statistics time zone: every day is rebucketed in it, in one transaction")
    .option('--config <file>', 'configuration JSON (env: HELPDESK_CONFIG)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['helpdesk stats rebuild', 'helpdesk stats rebuild --tz Europe/Moscow', 'helpdesk stats rebuild --from 2026-11-01 --to 2026-11-30 --json']))
    .action(async (flags, command: Command) => {
      const { statsRebuild } = await import('../commands/stats/rebuild.ts');
      await statsRebuild(context(command), flags);
    });
  stats
    .command('models')
    .description('accuracy of each model over time (confirmed vs corrected predictions), per language')
    .option('--from <date>', 'first day, YYYY-MM-DD or DD.MM.YYYY (default: 89 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD or DD.MM.YYYY (default: today)')
    .option('--period <period>', 'day, week or month', 'week')
    .option('--model <name>', 'only this model')
    .option('--tz <zone>', "must be the database's statistics time zone (stored in it)")
    .option('--config <file>', 'configuration JSON (env: HELPDESK_CONFIG)')
    .addOption(formatOption())
    .option('--columns <names>', 'only these columns, in this order (table and csv)')
    .option('--json', 'same as --format json')
    .addHelpText('after', examples(['helpdesk stats models', 'helpdesk stats models --period month --from 2026-01-01 --format csv']))
    .action(async (flags, command: Command) => {
      const { statsModels } = await import('../commands/stats/models.ts');
      await statsModels(context(command), flags);
    });
}
