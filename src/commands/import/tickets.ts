import { plural } from '../../output/plural.ts';
import { configZone, statsTimeZone } from '../calendar.ts';
import { progressBar, ratePerSecond } from '../../output/progress.ts';
import { createWriteStream, type WriteStream } from 'node:fs';
import { TICKET_SOURCES, TICKET_STATUSES, type TicketSource, type TicketStatus } from '../../entities/enums.ts';
import { InputError, UsageError } from '../../errors.ts';
import { renderJson } from '../../output/render.ts';
import { openInput } from '../../services/import/input.ts';
import { describeRowError, ID_PREFIX_MAX } from '../../services/import/rows.ts';
import { importTickets, INDEX_REBUILDS, type ImportSummary, type IndexRebuild, type MigrationReport, type OnError } from '../../services/import/tickets.ts';
import { parseDateOrder, Zone } from '../../services/import/dates.ts';
import { parseReaderFlags } from './reader-flags.ts';
import { watchForReset } from '../../services/database-admin.ts';
import { note, print, withDatabase, type CommandContext } from '../context.ts';

export interface ImportTicketsOptions {
  inputFormat?: string;
  delimiter?: string;
  encoding?: string;
  map?: string[];
  from?: string;
  presetFile?: string;
  value?: string[];
  dateOrder?: string;
  tz?: string;
  epoch?: boolean;
  strictTimes?: boolean;
  source?: string;
  status?: string;
  createMissing?: boolean;
  /** Every row is imported history. */
  history?: boolean;
  idPrefix?: string;
  onError?: string;
  errors?: string;
  dryRun?: boolean;
  rebuildIndexes?: string;
  json?: boolean;
}

/** Rejected values shown on stderr; all of them go to --errors FILE. */
const SHOWN_ERRORS = 100;

export async function importTicketsCommand(ctx: CommandContext, file: string, options: ImportTicketsOptions): Promise<void> {
  const { format, delimiter, encoding, mapping, preset, values } = parseReaderFlags(options);
  const onError = (options.onError ?? 'fail') as OnError;
  if (onError !== 'fail' && onError !== 'skip') throw new UsageError(`--on-error must be fail or skip (got "${options.onError}")`);
  const source = (options.source ?? 'email') as TicketSource;
  if (!TICKET_SOURCES.includes(source)) throw new UsageError(`--source must be one of ${TICKET_SOURCES.join(', ')} (got "${options.source}")`);
  const status = options.status as TicketStatus | undefined;
  if (status !== undefined && !TICKET_STATUSES.includes(status)) throw new UsageError(`--status must be one of ${TICKET_STATUSES.join(', ')} (got "${options.status}")`);
  const rebuildIndexes = (options.rebuildIndexes ?? 'auto') as IndexRebuild;
  if (!INDEX_REBUILDS.includes(rebuildIndexes)) throw new UsageError(`--rebuild-indexes must be one of ${INDEX_REBUILDS.join(', ')} (got "${options.rebuildIndexes}")`);
  const idPrefix = parseIdPrefix(options.idPrefix);
  const dateOrder = parseDateOrder(options.dateOrder) ?? preset?.dateOrder;
  if (options.tz !== undefined) new Zone(options.tz); // an unknown zone is a usage error before the database is opened
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
  let warned = 0;
  let summary: ImportSummary;
  try {
    summary = await withDatabase(ctx, async (db) => {
      // The database's calendar zone: the days of daily_stats, and the zone of times written without one.
      const calendarZone = statsTimeZone(db, configZone(ctx, undefined));
      // A `db reset` by another process mid-import is named as such, not as a foreign-key error.
      const reset = await watchForReset(db);
      return importTickets(
        db,
        {
          input,
          format,
          delimiter,
          encoding,
          mapping,
          preset,
          values,
          dates: { timeZone: options.tz ?? calendarZone, dateOrder, epoch: options.epoch === true },
          timeZoneGiven: options.tz !== undefined,
          strictTimes: options.strictTimes === true,
          defaultSource: source,
          defaultStatus: status,
          history: options.history === true,
          idPrefix,
          statsTimeZone: calendarZone,
          createMissing: options.createMissing === true,
          onError,
          dryRun: options.dryRun === true,
          rebuildIndexes,
        },
        {
          onReject(error) {
            reported++;
            errorsFile?.write(JSON.stringify(error) + '\n');
            if (shown < SHOWN_ERRORS) {
              shown++;
              progress.clear();
              note(ctx, `${ctx.err.warn('rejected')} ${describeRowError(input.name, error)}`);
            }
          },
          onWarning(warning) {
            warned++;
            if (warned <= SHOWN_ERRORS) {
              progress.clear();
              note(ctx, `${ctx.err.warn('warning')} ${describeRowError(input.name, warning)}`);
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
  if (warned > SHOWN_ERRORS) note(ctx, `… and ${plural(warned - SHOWN_ERRORS, 'more row')} with times out of order`);
  if (reported > shown) note(ctx, `… and ${plural(reported - shown, 'more rejected value')}${options.errors ? ` (all of them are in ${options.errors})` : ': use --errors FILE to get them all'}`);

  if (options.json) print(ctx, renderJson(summary));
  else print(ctx, describeSummary(summary));
  if (summary.rejected > 0) {
    const what = `${count(summary.rejected)} of ${plural(summary.rows, 'row', 'rows', count)} rejected`;
    if (onError === 'fail') throw new InputError(`${what} in ${input.name}: nothing was written (fix them, or use --on-error skip to import the valid rows)`);
    throw new InputError(`${what} in ${input.name} and left out${summary.dryRun ? ' (dry run)' : ''}`);
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

export function describeSummary(s: ImportSummary): string {
  const rate = `${plural(s.rows, 'row', 'rows', count)} in ${s.seconds.toFixed(1)} s, ${count(s.rowsPerSecond)} rows/s`;
  const lines: string[] = [];
  const aborted = s.onError === 'fail' && s.rejected > 0;
  if (s.dryRun) {
    lines.push(`dry run: would create ${plural(s.created, 'ticket', 'tickets', count)}, skip ${count(s.skipped)} existing, reject ${count(s.rejected)} (${rate}); nothing written${aborted ? ' (and with rejected rows a real run writes nothing: fix them, or --on-error skip)' : ''}`);
  } else if (!s.written) {
    lines.push(`nothing written: ${count(s.rejected)} of ${plural(s.rows, 'row', 'rows', count)} rejected (${rate})${s.dryRun ? ' (dry run)' : ''}`);
  } else {
    lines.push(`created ${plural(s.created, 'ticket', 'tickets', count)}, skipped ${count(s.skipped)} existing, rejected ${count(s.rejected)} (${rate})`);
  }
  if (s.created + s.skipped > 0) {
    const also: string[] = [`users ${count(s.usersCreated)}`, `training samples ${count(s.samplesCreated)}`];
    if (s.messagesCreated > 0) also.push(`messages ${count(s.messagesCreated)}`);
    if (s.departmentsCreated.length > 0) also.push(`departments ${s.departmentsCreated.join(', ')}`);
    if (s.categoriesCreated.length > 0) also.push(`categories ${s.categoriesCreated.join(', ')}`);
    lines.push(`  ${s.dryRun ? 'would also create' : 'also created'}: ${also.join('; ')}`);
  }
  lines.push(...describeReport(s.report, s));
  return lines.join('\n') + '\n';
}

const day = (iso: string): string => iso.slice(0, 10);
const rows = (n: number): string => `${count(n)} ${n === 1 ? 'row' : 'rows'}`;

/** Line numbers as `lines 1-2`, `line 1` or `lines 1, 3`. */
function lineList(lines: number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const contiguous = lines.every((n, i) => i === 0 || n === lines[i - 1]! + 1);
  return contiguous ? `lines ${lines[0]}-${lines[lines.length - 1]}` : `lines ${lines.join(', ')}`;
}

/** The migration report: what an admin checks before the first real run. */
export function describeReport(r: MigrationReport, s: ImportSummary): string[] {
  const out = [`migration report${r.preset ? ` (preset ${r.preset})` : ''}:`];
  const row = (label: string, text: string): void => void out.push(`  ${label.padEnd(22)}${text}`);
  row('rows', `${count(s.rows)}: ${count(r.validRows)} valid, ${count(s.rejected)} rejected`);
  row('tickets', r.newTickets === null ? 'not planned (rows were rejected; a dry run plans them)' : `${count(r.newTickets)} new, ${count(r.existingTickets ?? 0)} existing`);
  const verb = s.written ? 'created' : 'to create';
  row(`users ${verb}`, count(s.usersCreated));
  row(`departments ${verb}`, s.departmentsCreated.length > 0 ? s.departmentsCreated.join(', ') : 'none');
  row(`categories ${verb}`, s.categoriesCreated.length > 0 ? s.categoriesCreated.join(', ') : 'none');
  row('operators', r.operatorsNotFound.length === 0 ? 'all assignees found (or none in the file)' : `not found, tickets imported unassigned (operators are never created by an import): ${r.operatorsNotFound.map((o) => `${o.name} (${count(o.rows)})`).join(', ')}`);
  if (r.unmappedValues.length === 0) row('unmapped values', 'none');
  else {
    row('unmapped values', `${r.unmappedValues.length} (each is a rejected row; add the flags):`);
    for (const u of r.unmappedValues) out.push(`    ${u.column} "${u.value}": ${rows(u.rows)}  ${u.flag}`);
  }
  const skip = r.skippedLines;
  if (skip.preamble.length > 0 || skip.footer.length > 0 || skip.emptyRows > 0) {
    const parts: string[] = [];
    if (skip.preamble.length > 0) parts.push(`${lineList(skip.preamble)} above the header (preamble)`);
    for (const f of skip.footer) parts.push(`line ${f.line} "${f.text}" (footer)`);
    if (skip.emptyRows > 0) parts.push(`${count(skip.emptyRows)} empty row${skip.emptyRows === 1 ? '' : 's'}`);
    row('skipped, not tickets', parts.join('; '));
  }
  for (const v of r.severalValues) row('several values', `${v.column}: ${rows(v.rows)} held a list; the first value was taken`);
  row('times out of order', r.timesOutOfOrder === 0 ? 'none' : `${rows(r.timesOutOfOrder)} (imported with a warning; their durations stay out of the statistics)`);
  if (r.creationTimeInferred > 0) row('no creation time', `${rows(r.creationTimeInferred)} (dated by their earliest time; durations stay out of the statistics)`);
  const order = r.times.dateOrder ? `, slash dates ${r.times.dateOrder === 'dmy' ? 'D/M/YYYY' : 'M/D/YYYY'}${r.times.dateOrderDecidedBy ? ` (decided by "${r.times.dateOrderDecidedBy.value}", line ${r.times.dateOrderDecidedBy.line})` : ''}` : '';
  row('history', r.history.from && r.history.to ? `${day(r.history.from)} to ${day(r.history.to)} (UTC; times without a zone read in ${r.times.timeZone}${r.times.timeZoneFrom ? `, as "${r.times.timeZoneFrom.text}"${r.times.timeZoneFrom.line !== null ? ` on line ${r.times.timeZoneFrom.line}` : ''} says` : ''}${order})` : 'no creation times');
  return out;
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

/** `--id-prefix`: no spaces (it is typed again in references such as email:jira:123), short enough to leave the column to the ids. */
function parseIdPrefix(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[^\s\p{Cc}]+$/u.test(value)) throw new UsageError(`--id-prefix must be a word without spaces, e.g. jira: (got ${JSON.stringify(value)})`);
  if (value.length > ID_PREFIX_MAX) throw new UsageError(`--id-prefix is at most ${ID_PREFIX_MAX} characters (got ${value.length})`);
  return value;
}
