import type { Command } from 'commander';
import { examples, type ContextFor } from './shared.ts';

function common(command: Command, formats: string): Command {
  return command
    .option('--out <file>', 'write to this file; - for stdout (the default)')
    .option('--format <format>', formats)
    .option('--from <date>', 'created on or after this day, YYYY-MM-DD or DD.MM.YYYY')
    .option('--to <date>', 'created on or before this day, YYYY-MM-DD or DD.MM.YYYY')
    .option('--language <langs>', 'only these languages: ru, kk, en (comma-separated)')
    .option('--tz <zone>', "must be the database's statistics time zone (stored in it)")
    .option('--config <file>', 'configuration JSON (env: HELPDESK_CONFIG)')
    .option('--no-redact', 'keep e-mail addresses, phone numbers, IIN/BIN and card numbers (redacted by default)');
}

export function registerExportCommands(exp: Command, context: ContextFor): void {
  common(exp.command('training-samples'), 'csv or jsonl (default csv)')
    .description('training samples as CSV or JSON Lines, streamed, personal data redacted, with a stable train/dev split')
    .option('--label-source <sources>', 'only these label sources: historic, human, ai_confirmed (comma-separated)')
    .option('--split <parts>', 'add a split column: dev=0.2 (or dev=0.1,test=0.1; the rest is train), stable by content hash')
    .addHelpText(
      'after',
      examples([
        'helpdesk export training-samples --out samples.csv --split dev=0.2',
        'helpdesk export training-samples --format jsonl --label-source human,historic --language kk > kk.jsonl',
      ]),
    )
    .action(async (flags, command: Command) => {
      const { exportTrainingSamplesCommand } = await import('../commands/export/training-samples.ts');
      await exportTrainingSamplesCommand(context(command), flags);
    });
  common(exp.command('tickets'), 'csv or jsonl (default csv)')
    .description('tickets with their latest AI prediction, streamed, personal data redacted')
    .option('--status <statuses>', 'only these statuses (comma-separated)')
    .addHelpText('after', examples(['helpdesk export tickets --from 2026-11-01 --to 2026-11-30 --out november-tickets.csv', 'helpdesk export tickets --format jsonl --status closed > closed.jsonl']))
    .action(async (flags, command: Command) => {
      const { exportTicketsCommand } = await import('../commands/export/tickets.ts');
      await exportTicketsCommand(context(command), flags);
    });
  exp
    .command('stats')
    .description('the figures of stats daily as CSV or JSON')
    .option('--out <file>', 'write to this file; - for stdout (the default)')
    .option('--format <format>', 'csv or json (default csv)')
    .option('--from <date>', 'first day, YYYY-MM-DD or DD.MM.YYYY (default: 13 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD or DD.MM.YYYY (default: today)')
    .option('--by <dimension>', 'department, category, language, source or operator')
    .option('--history <choice>', 'exclude (default) or include the imported history')
    .option('--totals', 'add the totals rows after the per-day rows (CSV: day "total"; JSON: "totals" and "total")')
    .option('--tz <zone>', "must be the database's statistics time zone (stored in it)")
    .option('--config <file>', 'configuration JSON (env: HELPDESK_CONFIG)')
    .addHelpText('after', examples(['helpdesk export stats --from 2026-11-01 --to 2026-11-30 --out november.csv', 'helpdesk export stats --by department --format json']))
    .action(async (flags, command: Command) => {
      const { exportStatsCommand } = await import('../commands/export/stats.ts');
      await exportStatsCommand(context(command), flags);
    });
}
