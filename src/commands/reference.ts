import { plural } from '../output/plural.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EntityManager } from '@mikro-orm/sql';
import { HelpdeskError, InputError, UsageError } from '../errors.ts';
import { columnKey, pickColumns, pickFields, renderCsv, renderJson, renderRecord, renderTable, type Cell, type Column } from '../output/render.ts';
import { confirmDestructive, type Choice } from '../prompts/prompter.ts';
import type { RemoveResult, SaveOutcome } from '../services/reference/common.ts';
import { decodeTextFile } from '../services/text/encoding.ts';
import { importRecords, readRecords, type FileFormat, type ImportResult, type ImportSpec } from '../services/reference/import.ts';
import type { Label } from '../services/reference/values.ts';
import { isTerminal, note, parseFormat, print, show, withDatabase, type CommandContext } from './context.ts';
import { printList, type ListOptions, type ListView } from './lists.ts';

export { printList, runSqlList, yesNo, type ListOptions, type ListView } from './lists.ts';

// The plumbing the reference-data nouns (departments, operators, categories, responses, users)
// share: list, show, import and remove work the same way for all of them; add and update share
// the way they ask for missing values on a terminal and refuse to ask without one.

export async function runList<Row>(ctx: CommandContext, options: ListOptions, view: ListView<Row>, load: (em: EntityManager) => Promise<Row[]>): Promise<void> {
  parseFormat(options.format, options.json); // a bad --format fails before the database is opened
  const rows = await withDatabase(ctx, (db) => load(db.em));
  printList(ctx, options, view, rows);
}

export function printRecord(ctx: CommandContext, options: { json?: boolean }, data: unknown, pairs: [string, Cell][]): void {
  if (options.json) print(ctx, renderJson(data));
  else show(ctx, renderRecord(pairs, { tty: isTerminal(ctx), style: ctx.out }));
}

/** A list value for `show`: comma-separated, or "none". */
export const listCell = (items: string[]): string => (items.length ? items.join(', ') : 'none');

/** Labels for values given as flags: the field name mapped to its flag. */
export function flagLabels(flags: Record<string, string>): Label {
  return (field) => flags[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Asks for missing values on a terminal; without one, fails at once naming the flag. Remembers
 * whether anything was asked, so the command can confirm before it writes.
 */
export interface Asker {
  readonly asked: boolean;
  text(value: string | undefined, flag: string, message: string, check?: (value: string) => void): Promise<string>;
  pick(value: string | undefined, flag: string, message: string, choices: () => Promise<Choice<string>[]>): Promise<string>;
  tick(value: string | undefined, flag: string, message: string, choices: Choice<string>[]): Promise<string>;
}

export function asker(ctx: CommandContext): Asker {
  let asked = false;
  const missing = (flag: string): never => {
    throw new UsageError(`missing required ${flag.startsWith('-') ? 'option' : 'argument'} ${flag}`);
  };
  const validate = (check?: (value: string) => void) => (value: string): true | string => {
    if (!value.trim()) return 'a value is required';
    try {
      check?.(value);
      return true;
    } catch (error) {
      if (error instanceof HelpdeskError) return error.message;
      throw error;
    }
  };
  return {
    get asked() {
      return asked;
    },
    async text(value, flag, message, check) {
      if (value !== undefined) return value;
      if (!ctx.prompter.interactive) missing(flag);
      asked = true;
      return ctx.prompter.input(message, { validate: validate(check) });
    },
    async pick(value, flag, message, choices) {
      if (value !== undefined) return value;
      if (!ctx.prompter.interactive) missing(flag);
      const options = await choices();
      if (options.length === 0) throw new UsageError(`nothing to choose from for ${flag}`);
      asked = true;
      return ctx.prompter.select(message, options);
    },
    async tick(value, flag, message, choices) {
      if (value !== undefined) return value;
      if (!ctx.prompter.interactive) missing(flag);
      asked = true;
      return (await ctx.prompter.checkbox(message, choices)).join(',');
    },
  };
}

/** Without a terminal, every value that would be asked for must be on the command line. */
export function requireFlags(ctx: CommandContext, values: [unknown, string][]): void {
  if (ctx.prompter.interactive) return;
  for (const [value, flag] of values) {
    if (value === undefined) throw new UsageError(`missing required ${flag.startsWith('-') ? 'option' : 'argument'} ${flag}`);
  }
}

/** After prompting, one last question before writing; "no" changes nothing. */
export async function confirmAnswers(ctx: CommandContext, ask: Asker, question: string): Promise<boolean> {
  if (!ask.asked) return true;
  const go = await ctx.prompter.confirm(question, true);
  if (!go) note(ctx, 'nothing changed');
  return go;
}

export function reportSaved(ctx: CommandContext, options: { json?: boolean }, noun: string, key: string, outcome: SaveOutcome, row: unknown): void {
  if (options.json) {
    print(ctx, renderJson({ outcome, [noun]: row }));
    return;
  }
  const verb = outcome === 'created' ? `${ctx.out.ok('added')} ${noun}` : outcome === 'updated' ? `${ctx.out.ok('updated')} ${noun}` : `no changes to ${noun}`;
  print(ctx, `${verb} ${key}\n`);
}

export interface RemoveOptions {
  yes?: boolean;
  json?: boolean;
}

export interface RemoveSteps<Key> {
  noun: string;
  /** The flag or argument that names the row, for the "missing" error. */
  keyName: string;
  /** Finds the row (picking one on a terminal when no key was given) and checks it may go. */
  find(em: EntityManager, ask: Asker): Promise<Key>;
  /** How the row is named in questions and results. */
  display(key: Key): string;
  remove(em: EntityManager, key: Key): Promise<RemoveResult>;
  question?(name: string): string;
  /** How the key typed on the command line is named before the row is looked up (default: in quotes). */
  displayGiven?(key: string): string;
}

/**
 * Remove, the same for every noun: find the row, ask (terminal) or require --yes (script), then
 * let the service delete it, or deactivate it when history refers to it.
 */
export async function runRemove<Key>(ctx: CommandContext, key: string | undefined, options: RemoveOptions, steps: RemoveSteps<Key>): Promise<void> {
  const question = steps.question ?? ((name: string) => `Remove ${steps.noun} ${name}?`);
  requireFlags(ctx, [[key, steps.keyName]]);
  // Without a terminal and without --yes this fails at once, before the database is opened.
  if (!ctx.prompter.interactive) await confirmDestructive(ctx.prompter, options.yes, question(steps.displayGiven ? steps.displayGiven(key!) : `"${key}"`));
  let shown = '';
  const result = await withDatabase(ctx, async (db) => {
    const found = await steps.find(db.em, asker(ctx));
    shown = steps.display(found);
    if (!(await confirmDestructive(ctx.prompter, options.yes, question(shown)))) return null;
    return steps.remove(db.em, found);
  });
  if (!result) {
    note(ctx, 'nothing changed');
    return;
  }
  if (options.json) {
    print(ctx, renderJson(result));
    return;
  }
  const lines: string[] = [];
  if (result.reassigned) {
    const { to, operators, categories, openTickets } = result.reassigned;
    lines.push(`moved to "${to}": ${plural(operators.length, 'operator')}, ${plural(categories.length, 'category', 'categories')}, ${plural(openTickets, 'open ticket')}`);
  }
  if (result.outcome === 'removed') lines.push(`${ctx.out.ok('removed')} ${steps.noun} ${shown}`);
  else lines.push(`${ctx.out.warn('deactivated')} ${steps.noun} ${shown} instead of removing it: ${result.reason}`);
  print(ctx, lines.join('\n') + '\n');
}

export interface ImportOptions {
  format?: string;
  json?: boolean;
}

export async function runImport<Patch>(ctx: CommandContext, file: string, options: ImportOptions, spec: ImportSpec<Patch>): Promise<void> {
  if (options.format !== undefined && options.format !== 'csv' && options.format !== 'json') throw new UsageError(`--format must be csv or json (got "${options.format}")`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(ctx.io.cwd, file));
  } catch (error) {
    throw new InputError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  // The same strict UTF-8 rule as `import tickets`: invalid bytes are an error, not U+FFFD.
  const text = decodeTextFile(file, bytes);
  // Every record is read and checked before the database is even opened.
  const records = readRecords(file, text, options.format as FileFormat | undefined);
  const result: ImportResult = await withDatabase(ctx, (db) => importRecords(db.em, spec, file, records));
  if (options.json) print(ctx, renderJson(result));
  else print(ctx, `imported ${file}: ${plural(result.records, 'record')}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged\n`);
}

/** Show, the same for every noun: find the row (picking on a terminal), print it as pairs or JSON. */
export async function runShow<Detail>(
  ctx: CommandContext,
  key: string | undefined,
  keyName: string,
  options: { json?: boolean },
  load: (em: EntityManager, ask: Asker) => Promise<Detail>,
  pairs: (detail: Detail) => [string, Cell][],
): Promise<void> {
  requireFlags(ctx, [[key, keyName]]);
  const detail = await withDatabase(ctx, (db) => load(db.em, asker(ctx)));
  printRecord(ctx, options, detail, pairs(detail));
}

/** The values `update` may change; at least one must be given. */
export function requireChanges(patch: object, flags: string[]): void {
  if (Object.values(patch).every((value) => value === undefined)) throw new UsageError(`nothing to update: give at least one of ${flags.join(', ')}`);
}

