import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { UsageError } from '../errors.ts';
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
  /** Never cut to fit the terminal (right-aligned columns, numbers, are never cut either). */
  keep?: boolean;
  /** Left out when the table cannot fit the terminal otherwise: 1 goes first, then 2, ... */
  drop?: number;
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

export interface TableOptions {
  /** Drawn as a table (a terminal, or `--format table`); otherwise tab-separated lines. */
  tty: boolean;
  style: Style;
  /** The terminal's width: a drawn table is cut to it. Undefined: as wide as the cells need. */
  width?: number | undefined;
}

/** Display width of a cell's text (one column per code point; tables here hold no wide CJK). */
const textWidth = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/** Cuts a line to `width` columns, ending with an ellipsis when anything was cut. */
export function truncate(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  return [...text].slice(0, width - 1).join('').trimEnd() + '…';
}

/**
 * Column widths that fit `width` (cli-table3 draws each column with one space either side and
 * a border between): the widest text columns give way first, one character at a time, down to
 * their header (at least 6); numbers (right-aligned) and columns that are narrow already keep
 * their width, so ids, counts and statuses stay whole while subjects and descriptions are cut.
 */
export function fitWidths(natural: number[], headers: string[], shrinkable: boolean[], width: number): number[] {
  const widths = [...natural];
  const frame = 3 * widths.length + 1;
  const floor = widths.map((w, i) => (shrinkable[i] ? Math.min(w, Math.max(6, textWidth(headers[i]!))) : w));
  let excess = widths.reduce((a, b) => a + b, 0) + frame - width;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break; // nothing left to cut: the terminal wraps what remains
    widths[widest]!--;
    excess--;
  }
  return widths;
}

/**
 * A table for people (cli-table3, colour by the caller's style), cut to the terminal's width;
 * piped, the same rows as tab-separated lines with a header, so `cut`, `awk` and `sort` work on them.
 */
export function renderTable<Row>(columns: Column<Row>[], rows: Row[], options: TableOptions): string {
  if (!options.tty) {
    const clean = (v: Cell): string => cellText(v).replace(/[\t\r\n]+/g, ' ');
    const lines = [columns.map((c) => c.header).join('\t'), ...rows.map((r) => columns.map((c) => clean(c.value(r))).join('\t'))];
    return lines.join('\n') + '\n';
  }
  let cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  let colWidths: number[] | undefined;
  if (options.width !== undefined && options.width > 0) {
    let natural = columns.map((c, i) => Math.max(textWidth(c.header), ...cells.map((r) => Math.max(...r[i]!.split('\n').map(textWidth)))));
    const shrinkable = (c: Column<Row>): boolean => c.align !== 'right' && c.keep !== true;
    const floorWidth = (cs: Column<Row>[], ws: number[]): number => cs.reduce((sum, c, i) => sum + (shrinkable(c) ? Math.min(ws[i]!, Math.max(6, textWidth(c.header))) : ws[i]!), 3 * cs.length + 1);
    // Columns that may go, least important first, until the rest can fit.
    const droppable = columns.filter((c) => c.drop !== undefined).sort((a, b) => a.drop! - b.drop!);
    while (droppable.length > 0 && floorWidth(columns, natural) > options.width) {
      const gone = columns.indexOf(droppable.shift()!);
      columns = columns.filter((_, i) => i !== gone);
      natural = natural.filter((_, i) => i !== gone);
      cells = cells.map((r) => r.filter((_, i) => i !== gone));
    }
    const widths = fitWidths(natural, columns.map((c) => c.header), columns.map(shrinkable), options.width);
    if (widths.some((w, i) => w < natural[i]!)) {
      const cut = (text: string, i: number): string => text.split('\n').map((line) => truncate(line, widths[i]!)).join('\n');
      cells = cells.map((r) => r.map(cut));
      colWidths = widths.map((w) => w + 2);
    }
  }
  const table = new Table({
    head: columns.map((c, i) => options.style.bold(colWidths ? truncate(c.header, colWidths[i]! - 2) : c.header)),
    colAligns: columns.map((c) => c.align ?? 'left'),
    ...(colWidths ? { colWidths, wordWrap: false, truncate: '…' } : {}),
    // cli-table3 colours head and border by default even when piped: style is ours alone.
    style: { head: [], border: [] },
  });
  for (const row of cells) table.push(row);
  const text = table.toString();
  // A rule under the header and none between rows, as psql draws: a 50-ticket list fits in 54
  // lines instead of 104. Rows of several lines keep their rules, or they would run together.
  return (cells.some((r) => r.some((cell) => cell.includes('\n'))) ? text : withoutRowRules(text)) + '\n';
}

/** The table without the rules between body rows (cli-table3 draws one under every row). */
function withoutRowRules(table: string): string {
  let header = true;
  return table
    .split('\n')
    .filter((line) => {
      if (!line.startsWith('├')) return true;
      const keep = header;
      header = false;
      return keep;
    })
    .join('\n');
}

/** Names of columns as `--columns` accepts them: any case, with "-", "_" or a space between words. */
export const columnKey = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * The columns named in `--columns a,b,c`, in that order. `names` gives each column's other
 * accepted names (its JSON field). An unknown name is a usage error listing the known ones.
 */
export function pickColumns<C extends { header: string; key?: string }>(columns: C[], spec: string | undefined, names: (column: C) => string[] = () => []): C[] {
  if (spec === undefined) return columns;
  const wanted = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--columns needs at least one column name');
  return wanted.map((name) => {
    const found = columns.find((c) => [c.header, ...(c.key ? [c.key] : []), ...names(c)].some((n) => columnKey(n) === columnKey(name)));
    if (!found) throw new UsageError(`--columns: unknown column "${name}" (known: ${columns.map((c) => c.header.replaceAll(' ', '_')).join(', ')})`);
    return found;
  });
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

/** `--columns` for JSON rows: each object keeps the named keys (matched like `pickColumns`), in that order. */
export function pickFields(rows: unknown[], spec: string | undefined): unknown[] {
  if (spec === undefined) return rows;
  const keys = [...new Set(rows.flatMap((r) => (r !== null && typeof r === 'object' ? Object.keys(r) : [])))];
  const wanted = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--columns needs at least one column name');
  const picked = wanted.map((name) => {
    const key = keys.find((k) => columnKey(k) === columnKey(name));
    if (key === undefined && rows.length > 0) throw new UsageError(`--columns: unknown field "${name}" (known: ${keys.join(', ')})`);
    return key ?? name;
  });
  return rows.map((r) => Object.fromEntries(picked.map((k) => [k, (r as Record<string, unknown>)[k]])));
}
