import type { Command } from 'commander';
import { examples, type ContextFor } from './shared.ts';

const configOptions = (command: Command): Command =>
  command
    .option('--config <file>', 'pipeline configuration JSON (thresholds, triage department, SLA hours, time zone; env: HELPDESK_CONFIG)')
    .option('--auto-resolve-threshold <p>', 'category confidence needed to answer automatically (default 0.6)')
    .option('--escalate-threshold <p>', 'category confidence below which a ticket is escalated (default 0.35)')
    .option('--department-threshold <p>', "department-head confidence needed to overrule the category's department (default 0.6)")
    .option('--triage-department <name>', 'where escalated tickets go (default "Service Desk")');

export function registerPipelineCommands(pipeline: Command, context: ContextFor): void {
  configOptions(
    pipeline
      .command('run')
      .description('process tickets with status new in batches until none are left')
      .option('--batch <n>', 'tickets per batch (one transaction each; default 500, with --follow 100)')
      .option('--limit <n>', 'stop after this many tickets')
      .option('--dry-run', 'decide and print, write nothing')
      .option('--json', 'print the summary as JSON (with --follow: one JSON line per batch)')
      .option('--follow', 'keep running: decide new tickets as they arrive (PostgreSQL: woken by NOTIFY) until SIGTERM or Ctrl-C')
      .option('--poll <seconds>', 'with --follow: look for new tickets at least this often (default 10; embedded database: 2)')
      .option('--sla-every <seconds>', 'with --follow: record SLA breaches this often (default 30)'),
  )
    .addHelpText(
      'after',
      examples(['helpdesk pipeline run', 'helpdesk pipeline run --dry-run --limit 20', 'helpdesk pipeline run --batch 1000 --json', 'helpdesk pipeline run --escalate-threshold 0.5', 'helpdesk pipeline run --follow --json >> /var/log/helpdesk/pipeline.jsonl']),
    )
    .action(async (flags, command: Command) => {
      const { pipelineRun } = await import('../commands/pipeline/run.ts');
      await pipelineRun(context(command), flags);
    });

  pipeline
    .command('explain')
    .description('show why a ticket went where it went')
    .argument('<ticket>', 'ticket id, number (#1042) or source:external-id')
    .option('--json', 'print the explanation as JSON')
    .addHelpText('after', examples(['helpdesk pipeline explain 1042', 'helpdesk pipeline explain email:MSG-2211 --json']))
    .action(async (ticket: string, flags: { json?: boolean }, command: Command) => {
      const { pipelineExplain } = await import('../commands/pipeline/explain.ts');
      await pipelineExplain(context(command), ticket, flags);
    });
}
