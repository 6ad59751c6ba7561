import type { Database, OpenOptions } from '../db/database.ts';
import { resolveTarget, type DatabaseTarget } from '../db/target.ts';
import type { Io } from '../output/io.ts';
import { renderCsv, renderJson, renderTable, type Column, type Format } from '../output/render.ts';
import type { Style } from '../output/style.ts';
import type { Prompter } from '../prompts/prompter.ts';
import { UsageError } from '../errors.ts';

export interface GlobalOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}

export type DatabaseOpener = (options: OpenOptions) => Promise<Database>;

/** Everything a command needs from the outside world; built once per run by src/cli. */
export interface CommandContext {
  io: Io;
  /** Styles for stdout and stderr: each stream is coloured only when it is a terminal. */
  out: Style;
  err: Style;
  prompter: Prompter;
  globals: GlobalOptions;
  /** The full command line, e.g. "helpdesk db init", for the lock file. */
  commandLine: string;
  openDatabase: DatabaseOpener;
}

export function databaseTarget(ctx: CommandContext): DatabaseTarget {
  return resolveTarget({ databaseUrl: ctx.globals.databaseUrl, dataDir: ctx.globals.dataDir, env: ctx.io.env });
}

/** Opens the database late, hands the command a forked EntityManager, and always closes it. */
export async function withDatabase<T>(ctx: CommandContext, work: (db: Database) => Promise<T>, options: { create?: boolean } = {}): Promise<T> {
  const db = await ctx.openDatabase({ target: databaseTarget(ctx), command: ctx.commandLine, create: options.create ?? false });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

export function print(ctx: CommandContext, text: string): void {
  ctx.io.stdout.write(text);
}

/** Diagnostics, progress and hints: stderr, so that stdout stays data. */
export function note(ctx: CommandContext, text: string): void {
  ctx.io.stderr.write(text.endsWith('\n') ? text : text + '\n');
}

export function isTerminal(ctx: CommandContext): boolean {
  return ctx.io.stdout.isTTY === true;
}

export function parseFormat(value: string | undefined, json: boolean | undefined, allowed: readonly Format[] = ['table', 'json', 'csv']): Format {
  if (json) return 'json';
  const format = (value ?? 'table') as Format;
  if (!allowed.includes(format)) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${value}")`);
  return format;
}

/** One data object, three views: a table for people, JSON and CSV for scripts. */
export function printRows<Row>(ctx: CommandContext, format: Format, columns: Column<Row>[], rows: Row[], json: unknown = rows): void {
  if (format === 'json') print(ctx, renderJson(json));
  else if (format === 'csv') print(ctx, renderCsv(columns, rows));
  else print(ctx, renderTable(columns, rows, { tty: isTerminal(ctx), style: ctx.out }));
}
