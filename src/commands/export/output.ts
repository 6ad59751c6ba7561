import { progressBar } from '../../output/progress.ts';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { InputError, UsageError } from '../../errors.ts';
import type { OutputStream } from '../../output/io.ts';
import { camelKey, neutraliseFormula } from '../../output/render.ts';
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
  /** `complete` false (the export failed): a file is removed, never left half-written. */
  close(complete: boolean): Promise<void>;
}

/**
 * A file export is written next to its target under a temporary name and renamed into place
 * only when complete, so a failed or interrupted export leaves the old file (or none) behind.
 */
export async function openSink(ctx: CommandContext, out: string | undefined): Promise<ExportSink> {
  if (out === undefined || out === '-') return streamSink('stdout', ctx.io.stdout, null);
  const partial = `${out}.partial-${process.pid}`;
  const file = createWriteStream(partial);
  try {
    await once(file, 'open');
  } catch (error) {
    throw new InputError(`${out}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return streamSink(out, file, { stream: file, partial });
}

function streamSink(name: string, stream: OutputStream, file: { stream: WriteStream; partial: string } | null): ExportSink {
  const emitter = stream as unknown as { once?: (event: string, listener: () => void) => unknown };
  return {
    name,
    async write(text) {
      if (stream.write(text) === false && typeof emitter.once === 'function') {
        // A guarded stdout (src/output/io.ts) also fires this when its reader is gone; the
        // next write then throws OutputClosedError.
        await new Promise<void>((resolve) => emitter.once!('drain', resolve));
      }
    },
    async close(complete) {
      if (!file) return;
      file.stream.end();
      await once(file.stream, 'finish');
      if (complete) await rename(file.partial, name);
      else await rm(file.partial, { force: true });
    },
  };
}

type Value = string | number | boolean | null | undefined;

/**
 * CSV with csv-stringify, a header once, formula cells neutralised; or one JSON object a line.
 * Rows come from SQL (snake_case); keys and columns go out camelCase, like every command's.
 */
export function rowWriter<Row extends object>(format: 'csv' | 'jsonl', columns: readonly (keyof Row & string)[]): (rows: Row[]) => string {
  let first = true;
  const keys = columns.map(camelKey);
  if (format === 'jsonl') return (rows) => rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [keys[i], r[c] ?? null]))) + '\n').join('');
  return (rows) => {
    const records = rows.map((r) => columns.map((c) => cell(r[c] as Value)));
    const text = stringify(first ? [keys, ...records] : records);
    first = false;
    return text;
  };
}

function cell(value: Value): string {
  if (value === null || value === undefined) return '';
  return neutraliseFormula(String(value));
}

/**
 * Streams the pages of an export into `--out` (stdout by default): one writer for the rows, a
 * progress bar on a terminal, the sink closed whatever happens. CSV keeps its header line even
 * when there are no rows.
 */
export async function writePages<Row extends object>(
  ctx: CommandContext,
  out: string | undefined,
  format: 'csv' | 'jsonl',
  columns: readonly (keyof Row & string)[],
  source: { total: number; pages: AsyncIterable<Row[]> },
  noun: string,
  onPage?: (page: Row[]) => void,
): Promise<{ written: number; sinkName: string }> {
  const sink = await openSink(ctx, out);
  const write = rowWriter<Row>(format, columns);
  const progress = progressBar(ctx.io.stderr, { total: source.total });
  let written = 0;
  let complete = false;
  try {
    if (format === 'csv' && source.total === 0) await sink.write(write([]));
    for await (const page of source.pages) {
      await sink.write(write(page));
      written += page.length;
      onPage?.(page);
      progress.update(written, `exported ${written} of ${source.total} ${noun}`);
    }
    complete = true;
  } finally {
    progress.clear();
    await sink.close(complete);
  }
  return { written, sinkName: sink.name };
}
