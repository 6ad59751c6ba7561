import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import { InputError, UsageError } from '../../errors.ts';
import type { OutputStream } from '../../output/io.ts';
import { neutraliseFormula } from '../../output/render.ts';
import type { CommandContext } from '../context.ts';

export type ExportFormat = 'csv' | 'jsonl' | 'json';

export function parseExportFormat(value: string | undefined, allowed: readonly ExportFormat[], fallback: ExportFormat): ExportFormat {
  const format = (value ?? fallback) as ExportFormat;
  if (!allowed.includes(format)) throw new UsageError(`--format must be one of ${allowed.join(', ')} (got "${value}")`);
  return format;
}

/** Where an export goes: stdout for "-" (the default), else a file; writes wait for the stream to drain. */
export interface ExportSink {
  name: string;
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function openSink(ctx: CommandContext, out: string | undefined): Promise<ExportSink> {
  if (out === undefined || out === '-') return streamSink('stdout', ctx.io.stdout, null);
  const file = createWriteStream(out);
  try {
    await once(file, 'open');
  } catch (error) {
    throw new InputError(`${out}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return streamSink(out, file, file);
}

function streamSink(name: string, stream: OutputStream, file: WriteStream | null): ExportSink {
  const emitter = stream as unknown as { once?: (event: string, listener: () => void) => unknown };
  return {
    name,
    async write(text) {
      if (stream.write(text) === false && typeof emitter.once === 'function') {
        await new Promise<void>((resolve) => emitter.once!('drain', resolve));
      }
    },
    async close() {
      if (file) {
        file.end();
        await once(file, 'finish');
      }
    },
  };
}

type Value = string | number | boolean | null | undefined;

/** CSV with csv-stringify, a header once, formula cells neutralised; or one JSON object a line. */
export function rowWriter<Row extends object>(format: 'csv' | 'jsonl', columns: readonly (keyof Row & string)[]): (rows: Row[]) => string {
  let first = true;
  if (format === 'jsonl') return (rows) => rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))) + '\n').join('');
  return (rows) => {
    const records = rows.map((r) => columns.map((c) => cell(r[c] as Value)));
    const text = stringify(first ? [[...columns], ...records] : records);
    first = false;
    return text;
  };
}

function cell(value: Value): string {
  if (value === null || value === undefined) return '';
  return neutraliseFormula(String(value));
}
