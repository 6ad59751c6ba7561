import type { Database, OpenOptions } from '../db/database.ts';
import { resolveTarget, type DatabaseTarget } from '../db/target.ts';
import type { Io } from '../output/io.ts';
import { page } from '../output/pager.ts';
import { pickColumns, pickFields, renderCsv, renderJson, renderTable, type Column, type Format, type TableOptions } from '../output/render.ts';
import type { Style } from '../output/style.ts';
import type { Prompter } from '../prompts/prompter.ts';
import { asRefusal, needsRoles, UsageError } from '../errors.ts';

export interface GlobalOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** `--no-pager` makes it false. */
  pager?: boolean | undefined;
  /** `--wait` (true: no limit) or `--wait=SECONDS` (a string); see lockWaitMs. */
  wait?: boolean | string | undefined;
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

/** Who runs the command, for the event stream's actor: $HELPDESK_ACTOR, else the login name. */
export function actorName(ctx: CommandContext): string | undefined {
  return ctx.io.env.HELPDESK_ACTOR || ctx.io.env.USER || ctx.io.env.LOGNAME || undefined;
}

/**
 * Opens the database late, hands the command a forked EntityManager, and always closes it.
 * `orm: false` opens it with Kysely alone, for commands whose stores take `db.sql` (reads):
 * they start without loading MikroORM.
 */
export async function withDatabase<T>(ctx: CommandContext, work: (db: Database) => Promise<T>, options: { create?: boolean; orm?: boolean; pgliteSharedBuffers?: string } = {}): Promise<T> {
  const db = await ctx.openDatabase({
    ...(options.pgliteSharedBuffers ? { pgliteSharedBuffers: options.pgliteSharedBuffers } : {}),
    target: databaseTarget(ctx),
    command: ctx.commandLine,
    create: options.create ?? false,
    ...(options.orm === false ? { orm: false } : {}),
    lockWaitMs: lockWaitMs(ctx),
    onLockWait: (message) => note(ctx, message),
    actor: actorName(ctx),
  });
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

/**
 * How long to wait for the embedded database's lock: `--wait=SECONDS`, `--wait` (no limit), else
 * `HELPDESK_LOCK_WAIT` (seconds; "inf" for no limit); 0 (fail at once, exit 3) by default.
 */
export function lockWaitMs(ctx: CommandContext): number {
  const flag = ctx.globals.wait;
  if (flag === true) return Number.POSITIVE_INFINITY;
  const [value, source] = typeof flag === 'string' ? [flag, '--wait'] : [ctx.io.env.HELPDESK_LOCK_WAIT, 'HELPDESK_LOCK_WAIT'];
  if (value === undefined || value.trim() === '') return 0;
  if (/^(inf|infinity|forever)$/i.test(value.trim())) return Number.POSITIVE_INFINITY;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`${source} must be a number of seconds (got "${value}")`);
  return seconds * 1000;
}

/**
 * How to draw a table: as a table on a terminal or when `--format table` was asked for
 * explicitly (then piped too), cut to the terminal's width (stdout's columns, else $COLUMNS).
 */
export function tableOptions(ctx: CommandContext, explicitTable = false): TableOptions {
  const columns = ctx.io.stdout.columns ?? Number(ctx.io.env.COLUMNS ?? Number.NaN);
  return { tty: isTerminal(ctx) || explicitTable, style: ctx.out, width: Number.isFinite(columns) && columns > 0 ? columns : undefined };
}

/** Output for people that may be long (lists, records): through the pager on a terminal. */
export function show(ctx: CommandContext, text: string): void {
  page(ctx.io, text, ctx.globals.pager !== false);
}

/** The flags of a list command that shape its output. */
export interface OutputFlags {
  format?: string | undefined;
  columns?: string | undefined;
}

/** One data object, three views: a table for people, JSON and CSV for scripts; `--columns` picks. */
export function printRows<Row>(ctx: CommandContext, format: Format, columns: Column<Row>[], rows: Row[], json: unknown = rows, flags: OutputFlags = {}): void {
  if (format === 'json') print(ctx, renderJson(json === rows ? pickFields(rows, flags.columns) : json));
  else if (format === 'csv') print(ctx, renderCsv(pickColumns(columns, flags.columns), rows));
  else show(ctx, renderTable(pickColumns(columns, flags.columns), rows, tableOptions(ctx, flags.format === 'table')));
}
