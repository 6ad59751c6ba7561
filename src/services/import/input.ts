import { createReadStream, statSync } from 'node:fs';
import { InputError, UsageError } from '../../errors.ts';
import { decodeCp1251, decodeUtf8 } from '../text/encoding.ts';

// Reading an export: bytes in, records out, streaming. The CSV scanner works on bytes (the
// delimiter, quote and newline are ASCII in UTF-8 and in cp1251 alike), so a record's line
// number is exact even with quoted newlines, and each field is decoded on its own: invalid
// UTF-8 is reported for the field it is in instead of failing the file.

/** json: one JSON array of ticket objects (over one line or many). */
export type InputFormat = 'csv' | 'jsonl' | 'json';
export type InputEncoding = 'utf-8' | 'cp1251';

export const ENCODINGS: Record<string, InputEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  cp1251: 'cp1251',
  'windows-1251': 'cp1251',
  win1251: 'cp1251',
};

export interface InputSource {
  /** For messages: the path, or "stdin". */
  name: string;
  /** File size in bytes, when known (for the progress bar). */
  size: number | undefined;
  chunks: AsyncIterable<Buffer>;
}

/** Largest record (or JSONL line) accepted: a guard against a file with an unclosed quote. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export function openInput(path: string, stdin: NodeJS.ReadableStream): InputSource {
  if (path === '-') return { name: 'stdin', size: undefined, chunks: asBuffers(stdin) };
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new InputError(`cannot read ${path}: it is a directory`);
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((error as Error).message)}`);
  }
  // A read is validated as one batch whose rows live until it is done; 1 MB batches outlived
  // young-generation collections and grew the heap (import peak RSS 285-299 MB against 232 MB).
  return { name: path, size, chunks: asBuffers(createReadStream(path, { highWaterMark: 256 * 1024 })) };
}

async function* asBuffers(stream: AsyncIterable<unknown> | NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<unknown>) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/** Reads the first chunk (to sniff format and delimiter) and hands back a stream that replays it. */
export async function peek(chunks: AsyncIterable<Buffer>): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 64 * 1024) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    buffered.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(buffered);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, chunks: replay() };
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function hasBom(head: Buffer): boolean {
  return head.subarray(0, 3).equals(BOM);
}

export async function* skipBytes(chunks: AsyncIterable<Buffer>, count: number): AsyncGenerator<Buffer> {
  let left = count;
  for await (const chunk of chunks) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}

export function detectFormat(path: string, head: Buffer, bomLength: number): InputFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.csv') || lower.endsWith('.tsv') || lower.endsWith('.txt')) return 'csv';
  // By the first character (also for .json: an array, or JSON Lines saved as .json).
  for (let i = bomLength; i < head.length; i++) {
    const c = head[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b /* { */ ? 'jsonl' : c === 0x5b /* [ */ ? 'json' : 'csv';
  }
  return 'csv';
}

const CANDIDATE_DELIMITERS = [0x2c /* , */, 0x3b /* ; */, 0x09 /* tab */, 0x7c /* | */];

/** The delimiter that splits the header line (outside quotes) into the most columns; comma by default. */
export function detectDelimiter(head: Buffer, start: number): number {
  const counts = new Map<number, number>(CANDIDATE_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = start; i < head.length; i++) {
    const c = head[i]!;
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x0a || c === 0x0d)) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = 0x2c;
  let bestCount = 0;
  for (const [d, n] of counts) {
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

export function parseDelimiter(value: string): number {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[value.toLowerCase()] ?? value;
  if (d.length !== 1 || d.charCodeAt(0) > 0x7f || d === '"' || d === '\n' || d === '\r') {
    throw new UsageError(`--delimiter must be one ASCII character other than a quote or newline, or tab (got "${value}")`);
  }
  return d.charCodeAt(0);
}

/** One CSV record: where it starts, its raw fields (views into the read buffer, valid until the next batch). */
export interface CsvRecord {
  line: number;
  fields: Buffer[];
  /** A syntax problem (unterminated quote, text after a closing quote). */
  error?: string;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into CSV records (RFC 4180: quoted fields may hold delimiters, newlines
 * and doubled quotes; CRLF or LF line ends; blank lines skipped), in batches per read chunk.
 */
export async function* csvRecords(chunks: AsyncIterable<Buffer>, delimiter: number): AsyncGenerator<CsvRecord[]> {
  let pending: Buffer | undefined;
  let line = 1;
  const scan = (buf: Buffer, final: boolean): { records: CsvRecord[]; consumed: number } => {
    const records: CsvRecord[] = [];
    const end = buf.length;
    let pos = 0;
    /** End of the last complete record: an incomplete one is parsed again with more data. */
    let complete = 0;
    // Cached positions of the next LF and the next delimiter (-1 = none in the buffer).
    let nextLf = -2;
    let nextDelim = -2;
    outer: while (pos < end) {
      const start = pos;
      const fields: Buffer[] = [];
      let newlines = 0;
      let error: string | undefined;
      for (;;) {
        if (pos >= end) {
          if (!final) break outer;
          // End of input right after a delimiter: one more (empty) field.
          fields.push(buf.subarray(pos, pos));
          break;
        }
        if (buf[pos] === QUOTE) {
          let p = pos + 1;
          let parts: Buffer[] | undefined;
          let segment = p;
          let close: number;
          for (;;) {
            const q = buf.indexOf(QUOTE, p);
            if (q === -1) {
              if (!final) break outer;
              error = 'unterminated quoted field';
              close = end;
              break;
            }
            if (q + 1 >= end && !final) break outer;
            if (q + 1 < end && buf[q + 1] === QUOTE) {
              (parts ??= []).push(buf.subarray(segment, q + 1));
              p = q + 2;
              segment = p;
              continue;
            }
            close = q;
            break;
          }
          for (let i = buf.indexOf(LF, pos + 1); i !== -1 && i < close; i = buf.indexOf(LF, i + 1)) newlines++;
          const value = buf.subarray(segment, close);
          fields.push(parts ? Buffer.concat([...parts, value]) : buf.subarray(pos + 1, close));
          pos = close + 1;
          if (pos >= end) {
            if (!final && !error) break outer;
            break;
          }
          let c = buf[pos];
          if (c === delimiter) {
            pos++;
            continue;
          }
          if (c !== LF && c !== CR) {
            // Text after the closing quote: keep it (as most tools do) but reject the record.
            error ??= 'unexpected text after a closing quote';
            while (pos < end && (c = buf[pos]) !== delimiter && c !== LF) pos++;
            if (pos < end && c === delimiter) {
              pos++;
              continue;
            }
            if (pos >= end && !final) break outer;
          }
          if (pos < end && buf[pos] === CR) {
            if (pos + 1 >= end && !final) break outer;
            pos++;
          }
          if (pos < end && buf[pos] === LF) {
            pos++;
            newlines++;
          }
          break;
        }
        // Unquoted field: up to the next delimiter or line end.
        if (nextLf !== -1 && nextLf < pos) nextLf = buf.indexOf(LF, pos);
        if (nextDelim !== -1 && nextDelim < pos) nextDelim = buf.indexOf(delimiter, pos);
        if (nextDelim !== -1 && (nextLf === -1 || nextDelim < nextLf)) {
          fields.push(buf.subarray(pos, nextDelim));
          pos = nextDelim + 1;
          continue;
        }
        if (nextLf === -1) {
          if (!final) break outer;
          let stop = end;
          if (stop > pos && buf[stop - 1] === CR) stop--;
          fields.push(buf.subarray(pos, stop));
          pos = end;
          break;
        }
        let stop = nextLf;
        if (stop > pos && buf[stop - 1] === CR) stop--;
        fields.push(buf.subarray(pos, stop));
        pos = nextLf + 1;
        newlines++;
        break;
      }
      const blank = fields.length === 1 && fields[0]!.length === 0 && !error;
      if (!blank) records.push(error ? { line, fields, error } : { line, fields });
      line += newlines;
      complete = pos;
      if (pos === start) break; // no progress (cannot happen, but never loop forever)
    }
    return { records, consumed: complete };
  };

  for await (const chunk of chunks) {
    const buf = pending && pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const { records, consumed } = scan(buf, false);
    pending = buf.subarray(consumed);
    if (pending.length > MAX_RECORD_BYTES) throw new InputError(`line ${line}: a record longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB (an unclosed quote?)`);
    if (records.length > 0) yield records;
  }
  if (pending && pending.length > 0) {
    const { records } = scan(Buffer.from(pending), true);
    if (records.length > 0) yield records;
  }
}

/** JSONL: one record per non-blank line, as raw bytes with its line number. */
export async function* jsonlLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<{ line: number; bytes: Buffer }[]> {
  let pending: Buffer | undefined;
  let line = 1;
  const split = (buf: Buffer, final: boolean): { lines: { line: number; bytes: Buffer }[]; consumed: number } => {
    const lines: { line: number; bytes: Buffer }[] = [];
    let pos = 0;
    for (;;) {
      let lf = buf.indexOf(LF, pos);
      if (lf === -1) {
        if (!final || pos >= buf.length) break;
        lf = buf.length;
      }
      let stop = lf;
      if (stop > pos && buf[stop - 1] === CR) stop--;
      const bytes = buf.subarray(pos, stop);
      if (!isBlank(bytes)) lines.push({ line, bytes });
      line++;
      pos = lf + 1;
    }
    return { lines, consumed: Math.min(pos, buf.length) };
  };
  for await (const chunk of chunks) {
    const buf = pending && pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const { lines, consumed } = split(buf, false);
    pending = buf.subarray(consumed);
    if (pending.length > MAX_RECORD_BYTES) throw new InputError(`line ${line}: a line longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB`);
    if (lines.length > 0) yield lines;
  }
  if (pending && pending.length > 0) {
    const { lines } = split(Buffer.from(pending), true);
    if (lines.length > 0) yield lines;
  }
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === LF || c === CR;

/**
 * A JSON array, streamed: its elements one by one as raw bytes with the line each starts on, so
 * an array over one line or many reads like JSON Lines (memory stays flat, errors name the line
 * of the element). Only the array's own structure is checked here; each element is parsed later.
 */
export async function* jsonArrayElements(chunks: AsyncIterable<Buffer>): AsyncGenerator<{ line: number; bytes: Buffer }[]> {
  let line = 1;
  type State = 'before' | 'between' | 'element' | 'after';
  let state = 'before' as State;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: Buffer[] = [];
  let partsLength = 0;
  let elementLine = 0;
  let sawComma = true;
  for await (const chunk of chunks) {
    const out: { line: number; bytes: Buffer }[] = [];
    let start = state === 'element' ? 0 : -1;
    const finish = (end: number): void => {
      parts.push(chunk.subarray(start, end));
      out.push({ line: elementLine, bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts) });
      parts = [];
      partsLength = 0;
      start = -1;
      state = 'between';
      sawComma = false;
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === QUOTE) inString = false;
          else if (c === LF) line++;
          continue;
        }
        if (c === QUOTE) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (depth === 0) {
            finish(i);
            state = 'after';
            continue;
          }
          depth--;
        } else if (c === 0x2c && depth === 0) {
          finish(i);
          sawComma = true; // this comma separates the element from the next one
        }
        else if (c === LF) line++;
        continue;
      }
      if (c === LF) line++;
      if (isSpace(c)) continue;
      if (state === 'before') {
        if (c !== 0x5b) throw new InputError(`line ${line}: expected a JSON array`);
        state = 'between';
      } else if (state === 'after') {
        throw new InputError(`line ${line}: text after the end of the JSON array`);
      } else if (c === 0x5d) {
        state = 'after';
      } else if (c === 0x2c) {
        if (sawComma) throw new InputError(`line ${line}: a comma without an element before it in the JSON array`);
        sawComma = true;
      } else {
        if (!sawComma) throw new InputError(`line ${line}: expected a comma between the elements of the JSON array`);
        state = 'element';
        elementLine = line;
        start = i;
        depth = 0;
        i--; // read this character again as part of the element
      }
    }
    if ((state as State) === 'element' && start >= 0) {
      parts.push(chunk.subarray(start));
      partsLength += chunk.length - start;
      if (partsLength > MAX_RECORD_BYTES) throw new InputError(`line ${elementLine}: an element longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB`);
    }
    if (out.length > 0) yield out;
  }
  if ((state as State) === 'element' || (state as State) === 'between') throw new InputError(`line ${line}: the JSON array is not closed (a missing "]"?)`);
}

function isBlank(bytes: Buffer): boolean {
  for (const c of bytes) if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  return true;
}

/** Decodes one field; undefined when the bytes are not valid UTF-8 (the rule is src/services/text/encoding.ts). */
export function decodeField(bytes: Buffer, encoding: InputEncoding): string | undefined {
  return encoding === 'cp1251' ? decodeCp1251(bytes) : decodeUtf8(bytes);
}
