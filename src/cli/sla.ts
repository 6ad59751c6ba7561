import type { Command } from 'commander';
import { examples, type ContextFor } from './shared.ts';

export function registerSlaCommands(sla: Command, context: ContextFor): void {
  sla
    .command('check')
    .description('flag open tickets past sla_due_at as breached, once each, with an sla_breached event and the day\'s breach counters (pipeline run --follow does this every 30 s)')
    .option('--config <file>', 'configuration JSON, for the statistics time zone (env: HELPDESK_CONFIG)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['helpdesk sla check', '*/5 * * * * helpdesk sla check --json >> /var/log/helpdesk/sla.jsonl   (crontab)']))
    .action(async (flags, command: Command) => {
      const { slaCheck } = await import('../commands/sla/check.ts');
      await slaCheck(context(command), flags);
    });
}
