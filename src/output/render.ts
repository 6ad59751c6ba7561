import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { Style } from './style.ts';

export type Cell = string | number | boolean | null | undefined | Date;

export interface Column<Row> {
  /** For people (table header). */
  header: string;
  value: (row: Row) => Cell;
  align?: 'left' | 'right';
  /**
   * For scripts: the CSV column name, camelCase like every JSON key (see MACHINE_KEY); the
   * header when it already is one.
   */
  key?: string;
  /** For scripts: the plain value (a ratio as a number, not "50.0%"); `value` when absent. */
  raw?: (row: Row) => Cell;
}

/** The one naming convention of machine-readable output (JSON keys, CSV columns): camelCase. */
export const MACHINE_KEY = /^[a-z][a-zA-Z0-9]*$/;

/** snake_case (or kebab-case) to camelCase: created_at -> createdAt. */
export function camelKey(name: string): string {
  return name.replace(/[_-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export type Format = 'table' | 'json' | 'csv';

export const FORMATS: readonly Format[] = ['table', 'json', 'csv'];

function cellText(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * A table for people on a terminal (cli-table3, colour by the caller's style); piped, the same
 * rows as tab-separated lines with a header, so `cut`, `awk` and `sort` work on them.
 */
export function renderTable<Row>(columns: Column<Row>[], rows: Row[], options: { tty: boolean; style: Style }): string {
  if (!options.tty) {
    const clean = (v: Cell): string => cellText(v).replace(/[\t\r\n]+/g, ' ');
    const lines = [columns.map((c) => c.header).join('\t'), ...rows.map((r) => columns.map((c) => clean(c.value(r))).join('\t'))];
    return lines.join('\n') + '\n';
  }
  const table = new Table({
    head: columns.map((c) => options.style.bold(c.header)),
    colAligns: columns.map((c) => c.align ?? 'left'),
    // cli-table3 colours head and border by default even when piped: style is ours alone.
    style: { head: [], border: [] },
  });
  for (const row of rows) table.push(columns.map((c) => cellText(c.value(row))));
  return table.toString() + '\n';
}

/** CSV for scripts: each column's machine key and plain value. */
export function renderCsv<Row>(columns: Column<Row>[], rows: Row[]): string {
  return stringify([columns.map((c) => c.key ?? c.header), ...rows.map((r) => columns.map((c) => neutraliseFormula(cellText((c.raw ?? c.value)(r)))))]);
}

/** Cells a spreadsheet would run as a formula get a leading apostrophe. */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function renderJson(data: unknown): string {
  return JSON.stringify(data, null, 2) + '\n';
}

/** Key/value pairs for `show` commands: aligned on a terminal, tab-separated when piped. */
export function renderRecord(pairs: [string, Cell][], options: { tty: boolean; style: Style }): string {
  if (!options.tty) return pairs.map(([k, v]) => `${k}\t${cellText(v).replace(/[\t\r\n]+/g, ' ')}`).join('\n') + '\n';
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${options.style.bold(k.padEnd(width))}  ${cellText(v)}`).join('\n') + '\n';
}
