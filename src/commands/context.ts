import type { Database, OpenOptions } from '../db/database.ts';
import { resolveTarget, type DatabaseTarget } from '../db/target.ts';
import type { Io } from '../output/io.ts';
import { renderCsv, renderJson, renderTable, type Column, type Format } from '../output/render.ts';
import type { Style } from '../output/style.ts';
import type { Prompter } from '../prompts/prompter.ts';
import { asRefusal, needsRoles, UsageError } from '../errors.ts';

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
  const target = resolveTarget({ databaseUrl: ctx.globals.databaseUrl, dataDir: ctx.globals.dataDir, env: ctx.io.env });
  passwordHint(ctx);
  return target;
}

const hinted = new WeakSet<CommandContext['io']>();

/**
 * A password on the command line ends up in the shell history and in `ps` for everyone on the
 * machine: say once (per run, on stderr) what to use instead. The password itself is never shown.
 */
function passwordHint(ctx: CommandContext): void {
  const url = ctx.globals.databaseUrl;
  if (!url || hinted.has(ctx.io)) return;
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return;
  }
  if (!password) return;
  hinted.add(ctx.io);
  note(ctx, 'hint: --database-url holds a password, which shells keep in their history and `ps` shows to every user: leave it out and set PGPASSWORD, or use ~/.pgpass or a service file (PGSERVICEFILE)');
}

/** Opens the database late, hands the command a forked EntityManager, and always closes it. */
export async function withDatabase<T>(ctx: CommandContext, work: (db: Database) => Promise<T>, options: { create?: boolean } = {}): Promise<T> {
  const db = await ctx.openDatabase({ target: databaseTarget(ctx), command: ctx.commandLine, create: options.create ?? false });
  try {
    return await work(db);
  } catch (error) {
    // A privilege the login lacks: one line naming the roles the command needs (src/errors.ts).
    throw asRefusal(error, ctx.commandLine, db.login ?? loginOf(db.target));
  } finally {
    await db.close();
  }
}

/**
 * Refuses up front when a command would otherwise quietly do nothing for this login (an agent's
 * `pipeline run` sees no new tickets under row-level security and would report none).
 */
export async function requirePrivilege(ctx: CommandContext, db: Database, table: string, privilege: 'insert' | 'update' | 'delete'): Promise<void> {
  const [row] = await db.em.getConnection().execute<{ ok: boolean }[]>(`select has_table_privilege(?, ?) as ok`, [table, privilege]);
  if (row?.ok !== true) throw needsRoles(ctx.commandLine, db.login ?? loginOf(db.target));
}

function loginOf(target: DatabaseTarget): string {
  if (target.kind !== 'postgresql') return 'postgres';
  try {
    return decodeURIComponent(new URL(target.url).username) || 'postgres';
  } catch {
    return 'postgres';
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
