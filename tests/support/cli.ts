import { readDatabaseSettings } from '../../src/db/settings.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/main.ts';
import type { Io, OutputStream } from '../../src/output/io.ts';
import type { Choice, Prompter } from '../../src/prompts/prompter.ts';
import type { TestDatabase } from './database.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const BIN = fileURLToPath(new URL('../../bin/helpdesk', import.meta.url));

function capture(tty: boolean, size: { columns?: number; rows?: number } = {}): OutputStream & { text: string } {
  const stream = {
    text: '',
    isTTY: tty,
    // Only a terminal has a size; a pipe has none.
    columns: tty ? (size.columns ?? 120) : undefined,
    rows: tty ? (size.rows ?? 1000) : undefined,
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

/** Answers prompts from a list, in order, and records each question. */
export class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  readonly asked: string[] = [];
  private readonly answers: unknown[];
  constructor(answers: unknown[]) {
    this.answers = [...answers];
  }
  private next<T>(message: string): T {
    this.asked.push(message);
    if (this.answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
    return this.answers.shift() as T;
  }
  async input(message: string): Promise<string> {
    return this.next(message);
  }
  async select<T>(message: string, _choices: Choice<T>[]): Promise<T> {
    return this.next(message);
  }
  async checkbox<T>(message: string, _choices: Choice<T>[]): Promise<T[]> {
    return this.next(message);
  }
  async confirm(message: string): Promise<boolean> {
    return this.next(message);
  }
}

export interface RunOptions {
  /** Terminal mode: stdout, stderr and stdin are TTYs and prompts are answered from `answers`. */
  tty?: boolean;
  answers?: unknown[];
  env?: Record<string, string | undefined>;
  stdin?: string;
  database?: TestDatabase;
  /** The fake terminal's size (default 120 columns, 1000 rows: no pager unless a test asks). */
  columns?: number;
  rows?: number;
}

/** Runs the CLI in this process against the test database (opened once per test file). */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliResult & { prompter?: ScriptedPrompter }> {
  const tty = options.tty ?? false;
  const stdout = capture(tty, { columns: options.columns, rows: options.rows });
  const stderr = capture(tty);
  const stdin = Readable.from(options.stdin !== undefined ? [options.stdin] : []) as Io['stdin'];
  stdin.isTTY = tty;
  const prompter = tty ? new ScriptedPrompter(options.answers ?? []) : undefined;
  const database = options.database;
  const code = await run(
    [...(database?.cliArgs ?? []), ...args],
    { stdout, stderr, stdin, env: { ...options.env }, cwd: process.cwd() },
    {
      ...(prompter ? { prompter } : {}),
      ...(database
        ? {
            // Settings are read at every open, as a command's own process would.
            openDatabase: async () => {
              const em = database.db.orm.em.fork();
              return { target: database.db.target, orm: database.db.orm, em, sql: em.getKysely(), settings: await readDatabaseSettings(em.getKysely()), close: async () => undefined };
            },
          }
        : {}),
    },
  );
  return { code, stdout: stdout.text, stderr: stderr.text, ...(prompter ? { prompter } : {}) };
}

/** Runs bin/helpdesk as its own process, as a script would. */
/**
 * Runs bin/helpdesk as a child process. `input` is written to its stdin, which is then closed;
 * `null` leaves stdin open and silent (as a terminal-less script that never writes would), so a
 * command that waited for input would never exit and the test would time out.
 */
export function spawnCli(args: string[], env: Record<string, string | undefined> = {}, input?: string | null, nodeArgs: string[] = []): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code: code ?? -1, stdout, stderr });
    });
    // A command that exits before reading its input closes the pipe: not a test failure.
    child.stdin.on('error', () => undefined);
    if (input !== null) child.stdin.end(input ?? '');
  });
}

export interface StartedCli {
  child: ChildProcess;
  /** Resolves when the process has exited (killed: code null and the signal). */
  exited: Promise<CliResult & { signal: NodeJS.Signals | null }>;
  /** Resolves once `text` has appeared on its stderr; fails if the process exits first. */
  stderrShows(text: string): Promise<void>;
}

/** Starts bin/helpdesk as its own process without waiting for it, so that a test can kill it. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}): StartedCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of waiting.filter((w) => stderr.includes(w.text))) w.resolve();
  });
  const exited = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  const stderrShows = (text: string): Promise<void> =>
    stderr.includes(text)
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => waiting.push({ text, resolve })),
          exited.then((r) => Promise.reject(new Error(`exited (code ${r.code}) before printing ${JSON.stringify(text)}: ${r.stderr}`))),
        ]);
  return { child, exited, stderrShows };
}
