import { Command, Option } from 'commander';
import type { GlobalOptions } from '../commands/context.ts';
import { registerDbCommands } from './db.ts';
import { registerCategoryCommands } from './categories.ts';
import { registerDepartmentCommands } from './departments.ts';
import { registerOperatorCommands } from './operators.ts';
import { registerResponseCommands } from './responses.ts';
import { registerUserCommands } from './users.ts';
import { registerImportCommands } from './import.ts';
import { registerTicketsCommands } from './tickets.ts';
import { registerPipelineCommands } from './pipeline.ts';
import { registerStatsCommands } from './stats.ts';
import { registerDemoCommands } from './demo.ts';
import { registerModelCommands } from './model.ts';
import { registerExportCommands } from './export.ts';
import { registerAuditCommands } from './audit.ts';
import { examples, commandLine, type ContextFactory, type ContextFor } from './shared.ts';

// Program wiring only: every action imports its command module on demand, so `--help`
// loads commander and nothing else (no ORM, no driver). Environment variables are read from
// the injected Io (see commands/context.ts), not by commander, so tests control them.

export function buildProgram(makeContext: ContextFactory, version: string): Command {
  const program = new Command('helpdesk')
    .description('Administer an AI-assisted IT helpdesk (Russian, Kazakh, English) on PostgreSQL or an embedded database.')
    .version(version, '-V, --version')
    .addOption(new Option('--database-url <url>', 'PostgreSQL server, e.g. postgres://user@host:5432/helpdesk (env: DATABASE_URL)'))
    .addOption(new Option('--data-dir <dir>', 'embedded database directory, used when no database URL is given (env: HELPDESK_DATA_DIR, default ~/.local/share/helpdesk)'))
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      examples(['helpdesk db init', 'helpdesk db status --json', 'DATABASE_URL=postgres://postgres@127.0.0.1/helpdesk helpdesk db init']) +
        '\nExit codes: 0 ok, 1 failure or failed check, 2 usage or input error, 3 database unreachable or locked, 4 not allowed (the login lacks the helpdesk role).\n',
    );

  const context: ContextFor = (command) => makeContext(program.opts<GlobalOptions>(), commandLine(command));

  // One registration per noun; each lives in its own file.
  registerDemoCommands(program, context);
  registerDbCommands(program, context);
  registerDepartmentCommands(program, context);
  registerOperatorCommands(program, context);
  registerCategoryCommands(program, context);
  registerResponseCommands(program, context);
  registerUserCommands(program, context);
  registerTicketsCommands(program, context);
  registerImportCommands(program, context);
  registerPipelineCommands(program, context);
  registerStatsCommands(program, context);
  registerModelCommands(program, context);
  registerExportCommands(program, context);
  registerAuditCommands(program, context);

  return program;
}
