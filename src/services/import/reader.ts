import { resolveCsvColumns, resolveJsonKeys, IMPORT_FIELDS, type ImportField } from './fields.ts';
import {
  csvRecords,
  decodeField,
  detectDelimiter,
  detectFormat,
  hasBom,
  jsonArrayElements,
  jsonlLines,
  peek,
  skipBytes,
  type InputEncoding,
  type InputFormat,
  type InputSource,
} from './input.ts';
import { FIELD_INDEX, INVALID_UTF8, type RawRow } from './rows.ts';
import type { Preset } from './presets.ts';
import { encodingWarning } from '../text/encoding.ts';
import { previewValue } from '../text/preview.ts';

// The one reader of ticket exports: `import tickets` stages what it yields, `model evaluate
// --file` scores it. Both read the same formats, columns, presets and encodings, and a bad record
// is the same RawRow (with the line and the file's column) for both.

export interface ReadOptions {
  input: InputSource;
  format?: InputFormat | undefined;
  /** A byte (ASCII); detected from the header line when absent. */
  delimiter?: number | undefined;
  encoding: InputEncoding;
  mapping: Map<ImportField, string>;
  /** A helpdesk's export format (`--from`, `--preset-file`): its columns, under `mapping`. */
  preset?: Preset | undefined;
  /**
   * The fields the caller uses (default: all). Only these are decoded and handed over, so a value
   * of another field (an external id that is not valid UTF-8, a nested JSON value) is ignored.
   */
  fields?: readonly ImportField[] | undefined;
}

export interface RowReader {
  format: InputFormat;
  /** Records in file order, in batches (one per read chunk). */
  batches: AsyncIterable<RawRow[]>;
  /** The file's column (or JSON key) of a field, for messages. */
  columnName: (field: ImportField) => string;
  /** Bytes read so far (for a progress bar). */
  bytesRead: () => number;
}

/**
 * Opens an export: skips a UTF-8 byte-order mark, detects the format (and the CSV delimiter from
 * the header line), resolves the columns, and streams the records as RawRows.
 */
export async function readRows(options: ReadOptions, onNotice?: (text: string) => void): Promise<RowReader> {
  const { head, chunks: replayed } = await peek(options.input.chunks);
  const bom = options.encoding === 'utf-8' && hasBom(head) ? 3 : 0;
  const format = options.format ?? detectFormat(options.input.name === 'stdin' ? '' : options.input.name, head, bom);
  const encodingProblem = encodingWarning(head.subarray(bom), options.encoding);
  if (encodingProblem) onNotice?.(`${options.input.name}: ${encodingProblem}`);
  let bytes = bom;
  const counted = (async function* () {
    for await (const chunk of skipBytes(replayed, bom)) {
      bytes += chunk.length;
      yield chunk;
    }
  })();
  const wanted = new Set(options.fields ?? IMPORT_FIELDS);
  const source = format === 'csv' ? await csvRows(counted, options, head, bom, wanted) : jsonRows(counted, options, format, wanted);
  return { format, ...source, bytesRead: () => bytes };
}

interface RowSource {
  batches: AsyncIterable<RawRow[]>;
  columnName: (field: ImportField) => string;
}

async function csvRows(chunks: AsyncIterable<Buffer>, options: ReadOptions, head: Buffer, bom: number, fields: Set<ImportField>): Promise<RowSource> {
  const delimiter = options.delimiter ?? detectDelimiter(head, bom);
  const records = csvRecords(chunks, delimiter)[Symbol.asyncIterator]();
  const first = await records.next();
  const firstBatch = first.done ? [] : first.value;
  const headerRecord = firstBatch.shift();
  const file = options.input.name;
  if (!headerRecord) return { batches: (async function* () {})(), columnName: (f) => f };
  const header = headerRecord.fields.map((f) => decodeField(f, options.encoding) ?? f.toString('latin1'));
  const columns = resolveCsvColumns(header, options.mapping, file, options.preset?.columns, headerRecord.line);
  const wanted = [...columns.entries()].filter(([field]) => fields.has(field)).map(([field, index]) => ({ field, slot: FIELD_INDEX[field], index }));
  const width = header.length;
  const { encoding } = options;
  const convert = (batch: typeof firstBatch): RawRow[] =>
    batch.map((record) => {
      if (record.error) return { line: record.line, values: [], rowError: { reason: record.error, value: null } };
      if (record.fields.length !== width) {
        return { line: record.line, values: [], rowError: { reason: `expected ${width} columns, found ${record.fields.length}`, value: null } };
      }
      const values: (string | undefined)[] = new Array(IMPORT_FIELDS.length);
      let problems: RawRow['problems'];
      for (const { field, slot, index } of wanted) {
        const text = decodeField(record.fields[index]!, encoding);
        if (text === undefined) (problems ??= []).push({ field, value: null, reason: INVALID_UTF8 });
        else values[slot] = text;
      }
      return problems ? { line: record.line, values, problems } : { line: record.line, values };
    });
  async function* batches(): AsyncGenerator<RawRow[]> {
    if (firstBatch.length > 0) yield convert(firstBatch);
    for (;;) {
      const next = await records.next();
      if (next.done) return;
      yield convert(next.value);
    }
  }
  return { batches: batches(), columnName: (field) => header[columns.get(field) ?? -1] ?? field };
}

function jsonRows(chunks: AsyncIterable<Buffer>, options: ReadOptions, format: 'json' | 'jsonl', fields: Set<ImportField>): RowSource {
  const candidates = resolveJsonKeys(options.mapping, options.preset?.columns);
  const what = format === 'json' ? 'each element of the array' : 'each line';
  const keys = [...candidates.entries()].filter(([field]) => field !== 'messages' && fields.has(field)).map(([field, names]) => ({ field, names, slot: FIELD_INDEX[field] }));
  const messagesKey = fields.has('messages') ? candidates.get('messages')![0]! : undefined;
  // Errors name the key the row used; the first candidate when it had none.
  const used = new Map<ImportField, string>();
  const { encoding } = options;
  async function* batches(): AsyncGenerator<RawRow[]> {
    for await (const lines of format === 'json' ? jsonArrayElements(chunks) : jsonlLines(chunks)) {
      yield lines.map(({ line, bytes }): RawRow => {
        const text = decodeField(bytes, encoding);
        if (text === undefined) return { line, values: [], rowError: { reason: INVALID_UTF8, value: null } };
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          return { line, values: [], rowError: { reason: `not valid JSON (${(error as Error).message.split('\n')[0]})`, value: text.length > 200 ? text.slice(0, 200) + '…' : text } };
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return { line, values: [], rowError: { reason: `${what} must be a JSON object`, value: text.length > 200 ? text.slice(0, 200) + '…' : text } };
        }
        const object = parsed as Record<string, unknown>;
        const values: (string | undefined)[] = new Array(IMPORT_FIELDS.length);
        let problems: RawRow['problems'];
        for (const { field, names, slot } of keys) {
          let v: unknown;
          for (const name of names) {
            v = object[name];
            if (v !== undefined) {
              if (!used.has(field)) used.set(field, name);
              break;
            }
          }
          if (v === undefined || v === null) continue;
          if (typeof v === 'string') values[slot] = v;
          else if (typeof v === 'number' || typeof v === 'boolean') values[slot] = String(v);
          else (problems ??= []).push({ field, value: previewValue(v), reason: 'expected a string' });
        }
        const row: RawRow = { line, values };
        if (messagesKey !== undefined) row.messages = object[messagesKey];
        if (problems) row.problems = problems;
        return row;
      });
    }
  }
  return { batches: batches(), columnName: (field) => used.get(field) ?? candidates.get(field)![0]! };
}
