import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { buildProgram } from './cli/program.ts';
import type { CommandContext, DatabaseOpener } from './commands/context.ts';
import { maskUrl } from './db/target.ts';
import { EXIT, HelpdeskError } from './errors.ts';
import { OutputClosedError, processIo, type Io } from './output/io.ts';
import { createStyle } from './output/style.ts';
import { PROJECT_ROOT } from './paths.ts';
import { inquirerPrompter, nonInteractivePrompter, type Prompter } from './prompts/prompter.ts';

export interface RunOverrides {
  /** Tests hand in an already open database; by default each command opens its own. */
  openDatabase?: DatabaseOpener;
  prompter?: Prompter;
}

const defaultOpener: DatabaseOpener = async (options) => {
  const { openDatabase } = await import('./db/database.ts');
  return openDatabase(options);
};

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs one command line and returns its exit code. The only place errors become exit codes. */
export async function run(argv: string[], ioOverrides: Partial<Io> = {}, overrides: RunOverrides = {}): Promise<number> {
  const io: Io = { ...processIo(), ...ioOverrides };
  const err = createStyle(io.stderr, io.env);
  const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true;
  const prompter = overrides.prompter ?? (interactive ? inquirerPrompter() : nonInteractivePrompter());
  const makeContext = (globals: CommandContext['globals'], commandLine: string): CommandContext => ({
    io,
    out: createStyle(io.stdout, io.env),
    err,
    prompter,
    globals,
    commandLine,
    openDatabase: overrides.openDatabase ?? defaultOpener,
  });

  const args = rewriteWait(argv);
  const program = await buildProgram(makeContext, packageVersion(), args);
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    outputError: (text, write) => write(err.error(text)),
  });
  // Sub-commands inherit the output settings and exit override from the program.
  for (const command of allCommands(program)) {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
  }

  try {
    await program.parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return report(error, io, err);
  }
}

/** `--wait=SECONDS` becomes the hidden `--wait-seconds SECONDS` (see src/cli/program.ts); after `--` nothing changes. */
function rewriteWait(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return argv.flatMap((arg, i) => {
    const match = (end < 0 || i < end) && /^--wait=(.*)$/s.exec(arg);
    return match ? ['--wait-seconds', match[1]!] : [arg];
  });
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}

function report(error: unknown, io: Io, err: ReturnType<typeof createStyle>): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help text).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  // The reader of stdout went away (`| head -1`): what it wanted it got; quiet, like cat.
  if (error instanceof OutputClosedError) return EXIT.ok;
  if (error instanceof HelpdeskError) {
    io.stderr.write(`${err.error('error:')} ${maskUrl(error.message)}\n`);
    for (const line of error.details) io.stderr.write(`  ${maskUrl(line)}\n`);
    return error.exitCode;
  }
  if (error instanceof Error && error.name === 'ExitPromptError') {
    io.stderr.write('cancelled\n');
    return EXIT.interrupted;
  }
  const message = maskUrl(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  io.stderr.write(`${err.error('error:')} unexpected failure: ${message}\n`);
  if (io.env.HELPDESK_DEBUG && error instanceof Error && error.stack) io.stderr.write(maskUrl(error.stack) + '\n');
  else io.stderr.write('  (set HELPDESK_DEBUG=1 to see the stack trace)\n');
  return EXIT.failure;
}
