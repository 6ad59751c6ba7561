/**
 * A small streaming reader of labelled CSV / JSONL files for `model evaluate --file`, with a
 * column mapping (`--map body=Document,category=Topic_group`). Nothing is imported. Kept
 * minimal on purpose: the ticket importer's reader (src/services/import/) can replace it.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { InputError, UsageError } from '../../errors.ts';

export const LABELLED_FIELDS = ['body', 'subject', 'language', 'category', 'department', 'priority', 'issue_type'] as const;
export type LabelledField = (typeof LABELLED_FIELDS)[number];

export type FieldMapping = Partial<Record<LabelledField, string>>;

export interface LabelledRow {
  /** Line of the file where the record starts (1-based). */
  line: number;
  values: Partial<Record<LabelledField, string>>;
}

/** `--map` values: repeated flags and/or comma-separated `field=column` pairs. */
export function parseMapping(specs: readonly string[] | undefined): FieldMapping {
  const mapping: FieldMapping = {};
  for (const spec of specs ?? []) {
    for (const pair of spec.split(',')) {
      if (!pair.trim()) continue;
      const eq = pair.indexOf('=');
      const field = (eq < 0 ? '' : pair.slice(0, eq)).trim() as LabelledField;
      const column = eq < 0 ? '' : pair.slice(eq + 1).trim();
      if (!field || !column) throw new UsageError(`--map expects field=column, got "${pair.trim()}"`);
      if (!LABELLED_FIELDS.includes(field)) throw new UsageError(`--map: unknown field "${field}" (known: ${LABELLED_FIELDS.join(', ')})`);
      mapping[field] = column;
    }
  }
  return mapping;
}

export type FileFormat = 'csv' | 'jsonl';

async function detectFormat(path: string): Promise<FileFormat> {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'jsonl' : 'csv';
  } finally {
    await handle.close();
  }
}

function cannotRead(path: string, error: unknown): InputError {
  return new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
}

/** Columns used for each field: the mapping, else a column named like the field. */
function resolveColumns(path: string, header: readonly string[], mapping: FieldMapping): Map<LabelledField, number> {
  const out = new Map<LabelledField, number>();
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const field of LABELLED_FIELDS) {
    const wanted = mapping[field];
    if (wanted !== undefined) {
      const index = header.indexOf(wanted) >= 0 ? header.indexOf(wanted) : lower.indexOf(wanted.toLowerCase());
      if (index < 0) throw new InputError(`${path}: line 1: no column "${wanted}" for ${field} (columns: ${header.join(', ')})`);
      out.set(field, index);
    } else if (lower.includes(field)) {
      out.set(field, lower.indexOf(field));
    }
  }
  if (!out.has('body')) throw new UsageError(`${path}: no body column: say which one with --map body=COLUMN (columns: ${header.join(', ')})`);
  return out;
}

async function* csvRows(path: string, mapping: FieldMapping): AsyncGenerator<LabelledRow> {
  const delimiter = extname(path).toLowerCase() === '.tsv' ? '\t' : ',';
  const input = createReadStream(path);
  const parser = input.pipe(parse({ bom: true, delimiter, info: true, skip_empty_lines: true, relax_column_count: true }));
  input.on('error', (error) => parser.destroy(error));
  let columns: Map<LabelledField, number> | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!columns) {
        columns = resolveColumns(path, record, mapping);
        continue;
      }
      const values: LabelledRow['values'] = {};
      for (const [field, index] of columns) values[field] = record[index] ?? '';
      yield { line: info.lines, values };
    }
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) throw error;
    const e = error as { code?: string; lines?: number; message: string };
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw cannotRead(path, error);
    throw new InputError(`${path}: ${e.lines ? `line ${e.lines}: ` : ''}${e.message.split('\n')[0]}`);
  }
  if (!columns) throw new InputError(`${path}: empty file (no header line)`);
}

async function* jsonlRows(path: string, mapping: FieldMapping): AsyncGenerator<LabelledRow> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const key = (field: LabelledField): string => mapping[field] ?? field;
  let line = 0;
  try {
    for await (let text of lines) {
      line++;
      if (line === 1) text = text.replace(/^\uFEFF/, '');
      if (!text.trim()) continue;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (error) {
        throw new InputError(`${path}: line ${line}: not valid JSON (${(error as Error).message})`);
      }
      if (!record || typeof record !== 'object' || Array.isArray(record)) throw new InputError(`${path}: line ${line}: expected a JSON object`);
      const obj = record as Record<string, unknown>;
      const values: LabelledRow['values'] = {};
      for (const field of LABELLED_FIELDS) {
        const value = obj[key(field)];
        if (value === undefined || value === null) continue;
        values[field] = typeof value === 'string' ? value : String(value);
      }
      if (values.body === undefined) throw new InputError(`${path}: line ${line}: no "${key('body')}" field${mapping.body ? '' : ' (say which with --map body=FIELD)'}`);
      yield { line, values };
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw cannotRead(path, error);
  }
}

/** Streams the labelled rows of a CSV (header line) or JSONL file. */
export async function* readLabelledFile(path: string, mapping: FieldMapping): AsyncGenerator<LabelledRow> {
  let format: FileFormat;
  try {
    const handle = await open(path, 'r');
    await handle.close();
    format = await detectFormat(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
  yield* format === 'csv' ? csvRows(path, mapping) : jsonlRows(path, mapping);
}
