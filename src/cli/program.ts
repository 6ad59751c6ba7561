import { Argument, Command, Option } from 'commander';
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
import { registerSlaCommands } from './sla.ts';
import { examples, commandLine, type ContextFactory, type ContextFor } from './shared.ts';
import { completionScript, SHELLS, type Shell } from './completion.ts';

// Program wiring only: every action imports its command module on demand, so `--help`
// loads commander and nothing else (no ORM, no driver). Environment variables are read from
// the injected Io (see commands/context.ts), not by commander, so tests control them.

export function buildProgram(makeContext: ContextFactory, version: string): Command {
  const program = new Command('helpdesk')
    .description('Administer an AI-assisted IT helpdesk (Russian, Kazakh, English) on PostgreSQL or an embedded database.')
    .version(version, '-V, --version')
    .addOption(new Option('--database-url <url>', 'PostgreSQL server, e.g. postgres://user@host:5432/helpdesk (env: DATABASE_URL)'))
    .addOption(new Option('--data-dir <dir>', 'embedded database directory, used when no database URL is given (env: HELPDESK_DATA_DIR, default ~/.local/share/helpdesk)'))
    .option('--wait', 'wait for the embedded database when another process holds it; --wait=SECONDS waits at most that long (env: HELPDESK_LOCK_WAIT)')
    // `--wait=SECONDS` arrives here (src/main.ts rewrites it): a bare `--wait` must not take the
    // next word, which is the command, as its value.
    .addOption(new Option('--wait-seconds <seconds>').hideHelp())
    .option('--no-pager', 'print long output straight to the terminal instead of through $PAGER (default less -FRX)')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      examples(['helpdesk db init', 'helpdesk db status --json', 'DATABASE_URL=postgres://postgres@127.0.0.1/helpdesk helpdesk db init']) +
        '\nExit codes: 0 ok, 1 failure or failed check, 2 usage or input error, 3 database unreachable or locked, 4 not allowed (the login lacks the helpdesk role).\n',
    );

  const context: ContextFor = (command) => {
    const { waitSeconds, ...globals } = program.opts<GlobalOptions & { waitSeconds?: string }>();
    return makeContext(waitSeconds !== undefined ? { ...globals, wait: waitSeconds } : globals, commandLine(command));
  };

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
  registerSlaCommands(program, context);
  registerStatsCommands(program, context);
  registerModelCommands(program, context);
  registerExportCommands(program, context);
  registerCompletionCommand(program);
  registerAuditCommands(program, context);

  return program;
}

function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (commands, flags and their values)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      examples(['source <(npx helpdesk completion bash)        # in ~/.bashrc', 'source <(npx helpdesk completion zsh)         # in ~/.zshrc', 'npx helpdesk completion fish > ~/.config/fish/completions/helpdesk.fish']),
    )
    .action((shell: Shell) => {
      program.configureOutput().writeOut!(completionScript(program, shell));
    });
}
