import { parse as parseCsv } from 'csv-parse/sync';
import type { EntityManager } from '@mikro-orm/sql';
import { HelpdeskError, InputError } from '../../errors.ts';
import { previewValue } from '../text/preview.ts';
import { lockReferenceData } from './serialise.ts';
import type { SaveOutcome } from './common.ts';
import type { Label } from './values.ts';

// Import of reference data from CSV or JSON, the same for every kind: read the records with
// their line numbers, validate every one, then upsert them all by natural key in one
// transaction. A file written by `list --json` (or `list --format csv`) imports unchanged.

/** What a kind of reference data needs to take part in import. */
export interface ImportSpec<Patch> {
  noun: string;
  /** Fields a record may set. */
  fields: readonly string[];
  /** Read-only fields that lists print (counts, load): accepted and ignored. */
  computed: readonly string[];
  parse(record: Record<string, unknown>, label: Label): Patch;
  /** The natural key, normalised; undefined when the record lacks it. */
  keyOf(patch: Patch): string | undefined;
  keyFields: readonly string[];
  /** Creates or updates the row the record names. */
  upsert(em: EntityManager, patch: Patch, label: Label): Promise<SaveOutcome>;
}

export type FileFormat = 'csv' | 'json';

export interface SourceRecord {
  /** Where the record is in the file: "line 3", or "item 3" when a JSON file has several on a line. */
  where: string;
  values: Record<string, unknown>;
}

export interface ImportResult {
  file: string;
  records: number;
  created: number;
  updated: number;
  unchanged: number;
}

const fieldLabel: Label = (field) => field;

/** CSV, a JSON array, or JSON Lines; chosen by `format`, else the file's extension, else its content. */
export function detectFormat(file: string, text: string, format?: FileFormat): FileFormat {
  if (format) return format;
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(json|jsonl|ndjson)$/i.test(file)) return 'json';
  return /^\s*[[{]/.test(text) ? 'json' : 'csv';
}

export function readRecords(file: string, text: string, format?: FileFormat): SourceRecord[] {
  const clean = text.replace(/^\uFEFF/, '');
  return detectFormat(file, clean, format) === 'csv' ? readCsv(file, clean) : readJson(file, clean);
}

/** Undoes the apostrophe `--format csv` puts before cells a spreadsheet would run as formulas. */
const unneutralise = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

function readCsv(file: string, text: string): SourceRecord[] {
  let parsed: { record: Record<string, string>; raw: string; info: { lines: number } }[];
  try {
    parsed = parseCsv(text, { columns: true, info: true, raw: true, skip_empty_lines: true, trim: false }) as typeof parsed;
  } catch (error) {
    const err = error as { message: string; lines?: number; raw?: string };
    const message = err.message.replace(/ on line \d+$/, '').replace(/^Invalid Record Length: /, '');
    // Name the line the bad record starts on, not the one the parser stopped at.
    const line = err.lines === undefined ? undefined : err.lines - (typeof err.raw === 'string' ? (err.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0) : 0);
    throw new InputError(line ? `${file}: line ${line}: malformed CSV: ${message}` : `${file}: malformed CSV: ${message}`);
  }
  return parsed.map(({ record, raw, info }) => {
    // The parser reports the line a record ends on; count back over the record's own line breaks.
    const body = raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '');
    const line = info.lines - (body.match(/\n/g)?.length ?? 0);
    const values: Record<string, unknown> = {};
    for (const [field, cell] of Object.entries(record)) values[field] = unneutralise(cell);
    return { where: `line ${line}`, values };
  });
}

function readJson(file: string, text: string): SourceRecord[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${file}: malformed JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(data)) throw new InputError(`${file}: expected a JSON array`);
    const lines = arrayItemLines(text);
    const oneEach = new Set(lines).size === data.length;
    return data.map((item, index) => {
      const where = oneEach ? `line ${lines[index]}` : `item ${index + 1}`;
      return { where, values: asObject(file, where, item) };
    });
  }
  // JSON Lines: one object per line.
  const records: SourceRecord[] = [];
  text.split('\n').forEach((content, index) => {
    if (content.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(content);
    } catch (error) {
      throw new InputError(`${file}: line ${index + 1}: malformed JSON: ${(error as Error).message}`);
    }
    records.push({ where: `line ${index + 1}`, values: asObject(file, `line ${index + 1}`, item) });
  });
  return records;
}

function asObject(file: string, where: string, item: unknown): Record<string, unknown> {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new InputError(`${file}: ${where}: expected an object, got ${previewValue(item)}`);
  return item as Record<string, unknown>;
}

/** The line on which each element of a top-level JSON array starts. */
function arrayItemLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectItem = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectItem && !/[\s,\]]/.test(c)) {
      lines.push(line);
      expectItem = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectItem = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectItem = true;
  }
  return lines;
}

/** Re-throws an error with the file and line in front, keeping its kind (and exit code). */
function atLine(error: unknown, file: string, where: string): unknown {
  if (!(error instanceof HelpdeskError)) return error;
  const Kind = error.constructor as new (message: string, details: string[]) => HelpdeskError;
  return new Kind(`${file}: ${where}: ${error.message}`, error.details);
}

/** Validates every record, then upserts them all in one transaction (all or nothing). */
export async function importRecords<Patch>(em: EntityManager, spec: ImportSpec<Patch>, file: string, records: SourceRecord[]): Promise<ImportResult> {
  const allowed = new Set([...spec.fields, ...spec.computed]);
  const seen = new Map<string, string>();
  const patches = records.map(({ where, values }) => {
    try {
      const unknown = Object.keys(values).filter((field) => !allowed.has(field));
      if (unknown.length > 0) throw new InputError(`unknown field "${unknown[0]}" (fields: ${spec.fields.join(', ')})`);
      // Read-only fields are dropped; so are nulls for fields a file may leave out.
      const patch = spec.parse(Object.fromEntries(Object.entries(values).filter(([field]) => spec.fields.includes(field))), fieldLabel);
      const key = spec.keyOf(patch);
      if (key === undefined) throw new InputError(`${spec.keyFields.join(' and ')} missing`);
      const earlier = seen.get(key);
      if (earlier !== undefined) throw new InputError(`the same ${spec.noun} as ${earlier}`);
      seen.set(key, where);
      return { where, patch };
    } catch (error) {
      throw atLine(error, file, where);
    }
  });
  const result: ImportResult = { file, records: patches.length, created: 0, updated: 0, unchanged: 0 };
  await em.transactional(async (tx) => {
    await lockReferenceData(tx.getKysely<any>());
    for (const { where, patch } of patches) {
      try {
        result[await spec.upsert(tx, patch, fieldLabel)]++;
      } catch (error) {
        throw atLine(error, file, where);
      }
    }
  });
  return result;
}
