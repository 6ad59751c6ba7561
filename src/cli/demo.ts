import type { Command } from 'commander';
import { examples, type ContextFor } from './shared.ts';

export function registerDemoCommands(program: Command, context: ContextFor): void {
  program
    .command('demo')
    .description('the whole job from nothing on an embedded database of its own: seed, import a history, train, import fresh ru/kk/en tickets, run the pipeline, report')
    .option('-y, --yes', 'replace the data without asking when --data-dir or --database-url points at a database that is not a demo')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(['helpdesk demo', 'helpdesk --data-dir /tmp/helpdesk-demo demo', 'helpdesk --database-url postgres://postgres@127.0.0.1/helpdesk_demo demo --yes']) +
        '\nWithout --data-dir the demo uses its own directory ($XDG_DATA_HOME/helpdesk-demo or ~/.local/share/helpdesk-demo),\nnever the database in HELPDESK_DATA_DIR or DATABASE_URL; running it again starts clean.\n',
    )
    .action(async (flags: { yes?: boolean; json?: boolean }, command: Command) => {
      const { demoRun } = await import('../commands/demo/run.ts');
      await demoRun(context(command), flags);
    });
}
