import type { Kysely } from 'kysely';
import type { HelpdeskSchema } from '../db/schema.ts';
import { columnKey, pickColumns, pickFields, renderCsv, renderJson, renderTable, type Cell, type Column } from '../output/render.ts';
import { note, parseFormat, print, show, tableOptions, withDatabase, type CommandContext } from './context.ts';

// How lists are printed, apart from the rest of the reference-data plumbing (reference.ts), so
// that a list read with plain SQL (runSqlList) loads neither the ORM nor the import and
// prompt code.

export interface ListOptions {
  json?: boolean;
  format?: string;
  columns?: string;
}

/** How a list looks: columns for people, and the fields (JSON names, so CSV imports back) for scripts. */
export interface ListView<Row> {
  plural: string;
  table: Column<Row>[];
  fields: (keyof Row & string)[];
  /** How a list field is joined in a CSV cell: one item per line unless said otherwise (e.g. "," for codes). */
  csvJoin?: Partial<Record<keyof Row & string, string>>;
}

function fieldCell(value: unknown, join = '\n'): Cell {
  return Array.isArray(value) ? value.join(join) : (value as Cell);
}

export function printList<Row>(ctx: CommandContext, options: ListOptions, view: ListView<Row>, rows: Row[]): void {
  const format = parseFormat(options.format, options.json);
  if (format === 'json') print(ctx, renderJson(pickFields(rows, options.columns)));
  else if (format === 'csv') {
    const fields = view.fields.map((field) => ({ header: field, value: (row: Row) => fieldCell(row[field], view.csvJoin?.[field]) }));
    print(ctx, renderCsv(pickColumns(fields, options.columns, (c) => [view.table.find((t) => columnKey(t.header) === columnKey(c.header))?.header ?? c.header]), rows));
  } else {
    show(ctx, renderTable(pickColumns(view.table, options.columns), rows, tableOptions(ctx, options.format === 'table')));
    if (rows.length === 0) note(ctx, `no ${view.plural}`);
  }
}

/**
 * A list whose store is plain SQL: the database is opened without the ORM (a command then starts
 * in about a third of the time; issue 12).
 */
export async function runSqlList<Row>(ctx: CommandContext, options: ListOptions, view: ListView<Row>, load: (db: Kysely<HelpdeskSchema>) => Promise<Row[]>): Promise<void> {
  parseFormat(options.format, options.json); // a bad --format fails before the database is opened
  const rows = await withDatabase(ctx, (db) => load(db.sql), { orm: false });
  printList(ctx, options, view, rows);
}

export const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
