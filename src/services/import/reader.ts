import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../../errors.ts';
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
  /** A preset's footer pattern (CSV only). */
  footer?: RegExp | undefined;
  /** Lines skipped as not tickets (a preset's headerColumns or footerPattern), filled in as the batches are read. */
  skipped?: SkippedLines | undefined;
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
  /** A preset's footer pattern (CSV only). */
  footer?: RegExp | undefined;
  /** Lines skipped as not tickets, filled in as the batches are read (CSV with a preset's headerColumns or footerPattern). */
  skipped?: SkippedLines | undefined;
}

export interface SkippedLines {
  preamble: number[];
  footer: { line: number; text: string; zone: string | undefined }[];
  emptyRows: number;
}

/** How many lines above the header a preset's headerColumns may skip before the file is refused. */
const MAX_PREAMBLE_LINES = 100;

/** The zone a footer line names (its `zone` group), validated; undefined when it names none. */
function footerZoneOf(text: string, footer: RegExp): string | undefined {
  const zone = footer.exec(text)?.groups?.zone?.trim();
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** A file's footer zone, from its last 4 KB (a footer is the last line or two); undefined for stdin or none. */
export function footerTimeZoneFromTail(input: InputSource, footer: RegExp): { zone: string; text: string } | undefined {
  if (input.name === 'stdin' || input.size === undefined) return undefined;
  const length = Math.min(input.size, 4096);
  const buffer = Buffer.alloc(length);
  const fd = openSync(input.name, 'r');
  try {
    readSync(fd, buffer, 0, length, input.size - length);
  } finally {
    closeSync(fd);
  }
  const lines = buffer.toString('utf8').split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    // The footer's text is the line's first field: a spreadsheet pads it with empty ones.
    const text = lines[i]!.replace(/^"|"?[,;\t|]*$/g, '').trim();
    if (!text) continue;
    if (!footer.test(text)) return undefined;
    const zone = footerZoneOf(text, footer);
    return zone ? { zone, text } : undefined;
  }
  return undefined;
}

async function csvRows(chunks: AsyncIterable<Buffer>, options: ReadOptions, head: Buffer, bom: number, fields: Set<ImportField>): Promise<RowSource> {
  const delimiter = options.delimiter ?? detectDelimiter(head, bom);
  const records = csvRecords(chunks, delimiter)[Symbol.asyncIterator]();
  const first = await records.next();
  const firstBatch = first.done ? [] : first.value;
  const file = options.input.name;
  const decode = (f: Buffer): string => decodeField(f, options.encoding) ?? f.toString('latin1');
  const preset = options.preset;
  const sheet = preset?.headerColumns !== undefined || preset?.footerPattern !== undefined;
  const footer = preset?.footerPattern !== undefined ? new RegExp(preset.footerPattern, 'iu') : undefined;
  const skipped: SkippedLines | undefined = sheet ? { preamble: [], footer: [], emptyRows: 0 } : undefined;
  if (preset?.headerColumns && firstBatch.length > 0) {
    // The header is the first line holding every one of the preset's header columns.
    const wantedColumns = preset.headerColumns.map((c) => c.trim().toLowerCase());
    const at = firstBatch.findIndex((r, i) => i <= MAX_PREAMBLE_LINES && wantedColumns.every((c) => r.fields.some((f) => decode(f).trim().toLowerCase() === c)));
    if (at === -1) {
      const searched = Math.min(firstBatch.length, MAX_PREAMBLE_LINES + 1);
      throw new InputError(`${file}: no line of the first ${searched} holds the header columns of preset ${preset.name} (${preset.headerColumns.join(', ')})`);
    }
    for (const r of firstBatch.splice(0, at)) skipped!.preamble.push(r.line);
  }
  const headerRecord = firstBatch.shift();
  if (!headerRecord) return { batches: (async function* () {})(), columnName: (f) => f, footer, skipped };
  const header = headerRecord.fields.map(decode);
  const columns = resolveCsvColumns(header, options.mapping, file, options.preset?.columns, headerRecord.line);
  const wanted = [...columns.entries()].filter(([field]) => fields.has(field)).map(([field, index]) => ({ field, slot: FIELD_INDEX[field], index }));
  const width = header.length;
  const { encoding } = options;
  const isEmpty = (f: Buffer): boolean => f.length === 0 || decode(f).trim() === '';
  type CsvRecord = (typeof firstBatch)[number];
  /** A spreadsheet's empty row or footer line: skipped (and noted) instead of read as a ticket. */
  const notATicket = (record: CsvRecord): boolean => {
    if (!skipped || record.error) return false;
    if (record.fields.every(isEmpty)) {
      skipped.emptyRows++;
      return true;
    }
    if (!footer || !record.fields.slice(1).every(isEmpty)) return false;
    const text = decode(record.fields[0]!).trim();
    if (!footer.test(text)) return false;
    skipped.footer.push({ line: record.line, text, zone: footerZoneOf(text, footer) });
    return true;
  };
  const toRow = (record: CsvRecord): RawRow => {
    if (record.error) return { line: record.line, values: [], rowError: { reason: record.error, value: null } };
    // A footer is the end of the tickets: a row after it is not part of the export as written.
    const footerLine = skipped?.footer[0];
    if (footerLine) return { line: record.line, values: [], rowError: { reason: `a row after the footer on line ${footerLine.line} ("${footerLine.text}")`, value: null } };
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
  };
  // One pass in file order: whether a row comes after the footer depends on the lines before it.
  const convert = (batch: CsvRecord[]): RawRow[] => batch.flatMap((record): RawRow[] => (notATicket(record) ? [] : [toRow(record)]));
  async function* batches(): AsyncGenerator<RawRow[]> {
    if (firstBatch.length > 0) yield convert(firstBatch);
    for (;;) {
      const next = await records.next();
      if (next.done) return;
      yield convert(next.value);
    }
  }
  return { batches: batches(), columnName: (field) => header[columns.get(field) ?? -1] ?? field, footer, skipped };
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
