import { progressBar, ratePerSecond } from '../../output/progress.ts';
import { createWriteStream, type WriteStream } from 'node:fs';
import { TICKET_SOURCES, TICKET_STATUSES, type TicketSource, type TicketStatus } from '../../entities/enums.ts';
import { InputError, UsageError } from '../../errors.ts';
import { renderJson } from '../../output/render.ts';
import { parseMapping } from '../../services/import/fields.ts';
import { ENCODINGS, openInput, parseDelimiter, type InputFormat } from '../../services/import/input.ts';
import type { RowError } from '../../services/import/rows.ts';
import { resolvePipelineConfig } from '../../services/pipeline/settings.ts';
import { importTickets, INDEX_REBUILDS, type ImportSummary, type IndexRebuild, type OnError } from '../../services/import/tickets.ts';
import { watchForReset } from '../../services/database-admin.ts';
import { note, print, withDatabase, type CommandContext } from '../context.ts';

export interface ImportTicketsOptions {
  inputFormat?: string;
  delimiter?: string;
  encoding?: string;
  map?: string[];
  source?: string;
  status?: string;
  createMissing?: boolean;
  onError?: string;
  errors?: string;
  dryRun?: boolean;
  rebuildIndexes?: string;
  json?: boolean;
}

/** Rejected values shown on stderr; all of them go to --errors FILE. */
const SHOWN_ERRORS = 100;

export async function importTicketsCommand(ctx: CommandContext, file: string, options: ImportTicketsOptions): Promise<void> {
  const format = parseInputFormat(options.inputFormat);
  const encoding = ENCODINGS[(options.encoding ?? 'utf-8').toLowerCase()];
  if (!encoding) throw new UsageError(`--encoding must be utf-8 or cp1251 (got "${options.encoding}")`);
  const onError = (options.onError ?? 'fail') as OnError;
  if (onError !== 'fail' && onError !== 'skip') throw new UsageError(`--on-error must be fail or skip (got "${options.onError}")`);
  const source = (options.source ?? 'email') as TicketSource;
  if (!TICKET_SOURCES.includes(source)) throw new UsageError(`--source must be one of ${TICKET_SOURCES.join(', ')} (got "${options.source}")`);
  const status = options.status as TicketStatus | undefined;
  if (status !== undefined && !TICKET_STATUSES.includes(status)) throw new UsageError(`--status must be one of ${TICKET_STATUSES.join(', ')} (got "${options.status}")`);
  const rebuildIndexes = (options.rebuildIndexes ?? 'auto') as IndexRebuild;
  if (!INDEX_REBUILDS.includes(rebuildIndexes)) throw new UsageError(`--rebuild-indexes must be one of ${INDEX_REBUILDS.join(', ')} (got "${options.rebuildIndexes}")`);
  const mapping = parseMapping(options.map);
  const delimiter = options.delimiter !== undefined ? parseDelimiter(options.delimiter) : undefined;
  const input = openInput(file, ctx.io.stdin);

  const errorsFile = options.errors ? await openErrorsFile(options.errors) : undefined;
  let shown = 0;
  let reported = 0;
  const bar = progressBar(ctx.io.stderr, { total: input.size });
  const started = performance.now();
  let last = { bytes: 0, rows: 0 };
  const progress = {
    update: (read: { bytes: number; rows: number }) => {
      last = read;
      bar.update(read.bytes, `${count(read.rows)} rows, ${count(ratePerSecond(read.rows, started))} rows/s`);
    },
    // Once every row is read the bar stays full while the server writes: say what it is doing.
    phase: (step: string) => bar.update(last.bytes, `${count(last.rows)} rows read; ${step} …`, true),
    clear: () => bar.clear(),
  };
  let summary: ImportSummary;
  try {
    summary = await withDatabase(ctx, async (db) => {
      // A `db reset` by another process mid-import is named as such, not as a foreign-key error.
      const reset = await watchForReset(db);
      return importTickets(
        db,
        { input, format, delimiter, encoding, mapping, defaultSource: source, defaultStatus: status, statsTimeZone: resolvePipelineConfig({}, ctx.io.env).timeZone, createMissing: options.createMissing === true, onError, dryRun: options.dryRun === true, rebuildIndexes },
        {
          onReject(error) {
            reported++;
            errorsFile?.write(JSON.stringify(error) + '\n');
            if (shown < SHOWN_ERRORS) {
              shown++;
              progress.clear();
              note(ctx, `${ctx.err.warn('rejected')} ${describeError(input.name, error)}`);
            }
          },
          onNotice(text) {
            progress.clear();
            note(ctx, `${ctx.err.warn('note')} ${text}`);
          },
          onProgress: progress.update,
          onPhase: progress.phase,
        },
      ).catch(async (error: unknown) => {
        throw await reset.explain(error);
      });
    });
  } finally {
    progress.clear();
    await closeErrorsFile(errorsFile);
  }
  if (reported > shown) note(ctx, `… and ${reported - shown} more rejected values${options.errors ? ` (all of them are in ${options.errors})` : ': use --errors FILE to get them all'}`);

  if (options.json) print(ctx, renderJson(summary));
  else print(ctx, describeSummary(summary));
  if (summary.rejected > 0) {
    const what = `${count(summary.rejected)} of ${count(summary.rows)} rows rejected`;
    if (onError === 'fail') throw new InputError(`${what} in ${input.name}: nothing was written (fix them, or use --on-error skip to import the valid rows)`);
    throw new InputError(`${what} in ${input.name} and left out${summary.dryRun ? ' (dry run)' : ''}`);
  }
}

function parseInputFormat(value: string | undefined): InputFormat | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'csv' || v === 'jsonl') return v;
  if (v === 'ndjson') return 'jsonl';
  throw new UsageError(`--input-format must be csv or jsonl (got "${value}")`);
}

export function describeError(file: string, error: RowError): string {
  const where = `${file}:${error.line}`;
  const field = error.field === null ? '' : ` ${error.field}`;
  const value = error.value === null ? '' : ` ${JSON.stringify(error.value)}`;
  return `${where}${field}${value}: ${error.reason}`;
}

const count = (n: number): string => n.toLocaleString('en-US');

export function describeSummary(s: ImportSummary): string {
  const rate = `${count(s.rows)} rows in ${s.seconds.toFixed(1)} s, ${count(s.rowsPerSecond)} rows/s`;
  const lines: string[] = [];
  const aborted = s.onError === 'fail' && s.rejected > 0;
  if (s.dryRun && !aborted) {
    lines.push(`dry run: would create ${count(s.created)} tickets, skip ${count(s.skipped)} existing, reject ${count(s.rejected)} (${rate}); nothing written`);
  } else if (!s.written) {
    lines.push(`nothing written: ${count(s.rejected)} of ${count(s.rows)} rows rejected (${rate})${s.dryRun ? ' (dry run)' : ''}`);
  } else {
    lines.push(`created ${count(s.created)} tickets, skipped ${count(s.skipped)} existing, rejected ${count(s.rejected)} (${rate})`);
  }
  if (s.created + s.skipped > 0) {
    const also: string[] = [`users ${count(s.usersCreated)}`, `training samples ${count(s.samplesCreated)}`];
    if (s.messagesCreated > 0) also.push(`messages ${count(s.messagesCreated)}`);
    if (s.departmentsCreated.length > 0) also.push(`departments ${s.departmentsCreated.join(', ')}`);
    if (s.categoriesCreated.length > 0) also.push(`categories ${s.categoriesCreated.join(', ')}`);
    lines.push(`  ${s.dryRun ? 'would also create' : 'also created'}: ${also.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}

async function openErrorsFile(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`--errors ${path}: cannot write (${error.code ?? error.message})`)));
  });
  return stream;
}

async function closeErrorsFile(stream: WriteStream | undefined): Promise<void> {
  if (!stream) return;
  await new Promise<void>((resolve) => stream.end(() => resolve()));
}

/** A one-line bar on stderr (terminal only), redrawn at most five times a second. */
