import { Argument, Command, Option } from 'commander';
import type { GlobalOptions } from '../commands/context.ts';
import { registerDemoCommands } from './demo.ts';
import { registerAuditCommands } from './audit.ts';
import { examples, commandLine, type ContextFactory, type ContextFor } from './shared.ts';
import { completionScript, SHELLS, type Shell } from './completion.ts';

// Program wiring only: every action imports its command module on demand, so `--help`
// loads commander and nothing else (no ORM, no driver). Environment variables are read from
// the injected Io (see commands/context.ts), not by commander, so tests control them.

/**
 * The command groups, in the order of the top-level help. Only the group a command line names is
 * registered in full (its module loaded); the others are a name and a description, which is all
 * the top-level help and commander's "did you mean" need. Registering all sixteen groups' ~120
 * commands and options took ~10 ms of a 150 ms `helpdesk --help` (bundle, quiet machine).
 */
const COMMAND_GROUPS: readonly { name: string; description: string; load: () => Promise<(group: Command, context: ContextFor) => void> }[] = [
  { name: 'db', description: 'create, migrate, inspect and reset the database', load: async () => (await import('./db.ts')).registerDbCommands },
  { name: 'departments', description: 'list, add, change and remove departments', load: async () => (await import('./departments.ts')).registerDepartmentCommands },
  { name: 'operators', description: 'list, add, change and remove second-line operators', load: async () => (await import('./operators.ts')).registerOperatorCommands },
  { name: 'categories', description: 'list, add, change and remove ticket categories', load: async () => (await import('./categories.ts')).registerCategoryCommands },
  { name: 'responses', description: 'list, add, change and remove answer templates for auto-resolution', load: async () => (await import('./responses.ts')).registerResponseCommands },
  { name: 'users', description: 'list, add and change the people who file tickets', load: async () => (await import('./users.ts')).registerUserCommands },
  { name: 'tickets', description: 'list, show, create and update tickets', load: async () => (await import('./tickets.ts')).registerTicketsCommands },
  { name: 'import', description: 'bring data in from other systems', load: async () => (await import('./import.ts')).registerImportCommands },
  { name: 'pipeline', description: 'classify, route and resolve new tickets', load: async () => (await import('./pipeline.ts')).registerPipelineCommands },
  { name: 'sla', description: 'SLA monitoring: record open tickets that passed their deadline', load: async () => (await import('./sla.ts')).registerSlaCommands },
  { name: 'stats', description: 'daily statistics of the helpdesk and accuracy of the models', load: async () => (await import('./stats.ts')).registerStatsCommands },
  { name: 'model', description: 'train, evaluate, inspect and activate the ticket classifier', load: async () => (await import('./model.ts')).registerModelCommands },
  { name: 'export', description: 'training samples, tickets and statistics as files for other tools', load: async () => (await import('./export.ts')).registerExportCommands },
];

/**
 * The program for a command line: every group when `argv` is omitted (the completion script and
 * tests that walk all commands), else only the group `argv` names in full.
 */
export async function buildProgram(makeContext: ContextFactory, version: string, argv?: readonly string[]): Promise<Command> {
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
  const named = argv === undefined ? undefined : groupNamed(argv, program);
  const everything = argv === undefined || named === 'completion';
  const groups = COMMAND_GROUPS.map((group) => ({ group, command: program.command(group.name).description(group.description) }));
  const registrations = await Promise.all(groups.map(({ group }) => (everything || group.name === named ? group.load() : undefined)));
  groups.forEach(({ command }, i) => registrations[i]?.(command, context));
  registerCompletionCommand(program);
  registerAuditCommands(program, context);

  return program;
}

/**
 * The command group a command line names: its first word that is not a global option or an
 * option's value (`help GROUP` names GROUP). The global options that take a value are read from
 * the program, so a new one cannot be mistaken for the group.
 */
export function groupNamed(argv: readonly string[], program: Command): string | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++;
      continue;
    }
    if (arg === 'help' && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) return argv[i + 1];
    return arg;
  }
  return undefined;
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
