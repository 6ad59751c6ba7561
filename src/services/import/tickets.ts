import type { Database } from '../../db/database.ts';
import { deferIndexes, withBulkSession, type BulkSession } from '../../db/bulk.ts';
import type { TicketSource, TicketStatus } from '../../entities/enums.ts';
import type { ImportField } from './fields.ts';
import type { InputEncoding, InputFormat, InputSource } from './input.ts';
import { footerTimeZoneFromTail, readRows } from './reader.ts';
import { addContributionsSql } from '../stats/contributions.ts';
import { STAGING_COLUMNS, STAGING_DDL, stageRow, type CategoryRow, type Lookups, type NamedRow, type RawRow, type RowError, type RowOptions } from './rows.ts';
import { InputError } from '../../errors.ts';
import { DateReader, type DateOrder, type DateSettings } from './dates.ts';
import type { Preset } from './presets.ts';
import { UnmappedValues, type ValueField, type ValueMaps } from './values.ts';
import { failpoint } from '../../db/failpoint.ts';

export type OnError = 'fail' | 'skip';
/** auto: rebuild when the import is large against the tickets already there (see `shouldRebuildIndexes`). */
export type IndexRebuild = 'auto' | 'always' | 'never';
export const INDEX_REBUILDS: readonly IndexRebuild[] = ['auto', 'always', 'never'];

export interface ImportOptions {
  input: InputSource;
  format?: InputFormat | undefined;
  /** A byte (ASCII); detected from the header line when absent. */
  delimiter?: number | undefined;
  encoding: InputEncoding;
  mapping: Map<ImportField, string>;
  /** Whether `dates.timeZone` was given (`--tz`): otherwise a preset's footer may name the zone. */
  timeZoneGiven?: boolean | undefined;
  /** A helpdesk's export format (`--from`, `--preset-file`): its columns, under `mapping`. Its values are in `values` already. */
  preset?: Preset | undefined;
  /** Foreign values -> ours (a preset's, then `--value` flags). */
  values?: ValueMaps | undefined;
  /** How times are read: the zone for times without one (default: statsTimeZone), day/month order, Unix seconds. */
  dates?: DateSettings | undefined;
  /** Reject rows whose times are out of order, instead of importing them with a warning. */
  strictTimes?: boolean | undefined;
  defaultSource: TicketSource;
  defaultStatus?: TicketStatus | undefined;
  /** Days of daily_stats are days in this time zone (the database's statistics time zone). */
  statsTimeZone: string;
  /**
   * Every row is imported history (counted apart from the day's intake), whatever its status.
   * Without it, rows imported already handled (any status but new) are history and `new` rows
   * are intake.
   */
  history?: boolean | undefined;
  createMissing: boolean;
  onError: OnError;
  dryRun: boolean;
  /** Put before every external id (`--id-prefix`), e.g. `jira:`: a second system's ids, apart from the first's. */
  idPrefix?: string | undefined;
  /** Drop the indexes (but the primary keys), unique constraints and foreign keys of tickets and training samples for the load, then build them again. */
  rebuildIndexes?: IndexRebuild | undefined;
}

export interface ImportHooks {
  /**
   * Called for every rejected value as soon as it is found: in file order while the file is read,
   * then the rows whose external id is taken by another ticket (found once every row is staged).
   */
  onReject?(error: RowError): void;
  /** Called for every row imported with a warning (times out of order), in file order. */
  onWarning?(warning: RowError): void;
  /** Called with a remark for the person running the import (stderr). */
  onNotice?(text: string): void;
  /** Called after each block of input with the bytes and rows read so far. */
  onProgress?(progress: { bytes: number; rows: number }): void;
  /** Called when the writing, after the last row is read, moves on to its next step. */
  onPhase?(step: string): void;
}

export interface ImportSummary {
  file: string;
  format: InputFormat;
  dryRun: boolean;
  onError: OnError;
  /** False when nothing was written: a dry run, or rows were rejected without --on-error skip. */
  written: boolean;
  rows: number;
  created: number;
  skipped: number;
  rejected: number;
  usersCreated: number;
  categoriesCreated: string[];
  departmentsCreated: string[];
  samplesCreated: number;
  messagesCreated: number;
  /** Whether the indexes, unique constraints and foreign keys were dropped for the load and built again. */
  indexesRebuilt: boolean;
  seconds: number;
  rowsPerSecond: number;
  /** Where the time went: reading, validating and COPYing; then the set-based statements. */
  phases: { stagingSeconds: number; writingSeconds: number };
  /** What a migration needs to know before (dry run) and after the import. */
  report: MigrationReport;
}

export interface MigrationReport {
  preset: string | null;
  /** Rows valid (staged), and of them new and existing tickets (null when nothing was planned: rows rejected without --on-error skip). */
  validRows: number;
  newTickets: number | null;
  existingTickets: number | null;
  /** Assignees of the file that are not operators here: imported unassigned (with --create-missing), with their row counts. */
  operatorsNotFound: { name: string; rows: number }[];
  /** Each foreign value without a mapping, once, with its row count and the flag that maps it. */
  unmappedValues: { field: ValueField; column: string; value: string; rows: number; flag: string }[];
  /** Rows imported with times out of order (their durations are left out of the statistics). */
  timesOutOfOrder: number;
  /** Rows without a creation time: dated by their earliest time, durations left out of the statistics. */
  creationTimeInferred: number;
  /** The creation times of the valid rows, first and last (ISO 8601, UTC). */
  history: { from: string | null; to: string | null };
  /** Lines of a spreadsheet-saved export that are not tickets (a preset's headerColumns/footerPattern): skipped, not errors. */
  skippedLines: { preamble: number[]; footer: { line: number; text: string }[]; emptyRows: number };
  /** Fields that held a list of several values in some rows (a preset's firstOfList): the first was taken. */
  severalValues: { field: ImportField; column: string; rows: number }[];
  /** How the file's times were read (`timeZoneFrom`: the footer line that named the zone, when it did). */
  times: { timeZoneFrom?: { line: number | null; text: string }; timeZone: string; dateOrder: DateOrder | null; dateOrderDecidedBy: { line: number; value: string } | null; epoch: boolean };
}

const STAGING = 'import_staging';
/** COPY data is handed over in pieces of about this many characters. */
const COPY_CHUNK = 256 * 1024;

/**
 * Imports tickets from a CSV or JSONL export in one transaction: every row is validated in
 * the stream, valid rows are COPied into a temporary staging table, and set-based statements
 * then create users, tickets, training samples and messages. One transaction means a killed
 * import leaves nothing behind and a rerun starts from scratch; idempotency (existing source
 * and external id, or content hash) makes a rerun after a finished import add nothing.
 */
export async function importTickets(db: Database, options: ImportOptions, hooks: ImportHooks = {}): Promise<ImportSummary> {
  const started = performance.now();

  return withBulkSession(db, async (session) => {
    const lookups = await loadLookups(session);
    const rows = await readRows(options, hooks.onNotice);
    const { format, columnName } = rows;
    let dateSettings: DateSettings = options.dates ?? { timeZone: options.statsTimeZone };
    // The footer that names the zone is the file's last line, read after the rows it dates: a
    // file's tail is read first (a few KB); from stdin, a zone other than the one used fails the import.
    const footerZone = rows.footer && options.timeZoneGiven !== true ? footerTimeZoneFromTail(options.input, rows.footer) : undefined;
    if (footerZone) dateSettings = { ...dateSettings, timeZone: footerZone.zone };
    const dates = new DateReader(dateSettings);
    const unmapped = new UnmappedValues();
    const rowOptions: RowOptions = {
      defaultSource: options.defaultSource,
      defaultStatus: options.defaultStatus,
      createMissing: options.createMissing,
      columnName,
      dates,
      values: options.values ?? new Map(),
      unmapped,
      strictTimes: options.strictTimes === true,
      emptyValues: options.preset?.emptyValues ? new Set(options.preset.emptyValues.map((v) => v.trim().toLowerCase())) : undefined,
      firstOfList: options.preset?.firstOfList,
      idPrefix: options.idPrefix,
    };
    const several = new Map<ImportField, number>();

    let read = 0;
    let rejected = 0;
    let staged = 0;
    let withMessages = 0;
    let outOfOrder = 0;
    let inferred = 0;
    let firstCreated = Infinity;
    let lastCreated = -Infinity;
    const failFast = options.onError === 'fail';
    // A dry run stages every valid row even after a rejected one, so that its report says how
    // many tickets are new and how many exist; a real run that will write nothing stops staging.
    const keepStaging = !failFast || options.dryRun;
    /** Rows held back until the file decides the order of day and month (see DateReader). */
    let held: RawRow[] = [];
    let firstAmbiguous: RowError | undefined;
    /** The COPY lines of one row, or '' (rejected, held back). */
    const stage = (raw: RawRow): string => {
      const result = stageRow(raw, lookups, rowOptions);
      if (result.ok === 'later') {
        firstAmbiguous ??= result.ambiguous;
        held.push(raw);
        if (held.length > MAX_HELD_ROWS) throw ambiguityError(firstAmbiguous, `the first ${MAX_HELD_ROWS.toLocaleString('en-US')} rows`);
        return '';
      }
      if (!result.ok) {
        rejected++;
        for (const error of result.errors) hooks.onReject?.(error);
        return '';
      }
      if (result.warning) {
        outOfOrder++;
        hooks.onWarning?.(result.warning);
      }
      if (result.creationInferred) inferred++;
      for (const field of result.several) several.set(field, (several.get(field) ?? 0) + 1);
      if (result.createdAt !== undefined) {
        if (result.createdAt < firstCreated) firstCreated = result.createdAt;
        if (result.createdAt > lastCreated) lastCreated = result.createdAt;
      }
      // All or nothing: after the first rejected row, keep validating but stop staging.
      if (!keepStaging && rejected > 0) return '';
      staged++;
      if (result.hasMessages) withMessages++;
      return result.copyLine;
    };
    const ambiguityError = (first: RowError, where: string): InputError =>
      new InputError(`${options.input.name}:${first.line} ${first.field} ${JSON.stringify(first.value)}: ${first.reason} (in ${where}); nothing was written`);
    async function* copyData(): AsyncGenerator<string> {
      let buffer = '';
      for await (const batch of rows.batches) {
        for (const raw of batch) {
          read++;
          const decided = dates.order !== undefined;
          buffer += stage(raw);
          if (!decided && dates.order !== undefined && held.length > 0) {
            // This row decided the order: the rows held back before it are read that way now.
            const again = held;
            held = [];
            for (const row of again) buffer += stage(row);
          }
          if (buffer.length >= COPY_CHUNK) {
            yield buffer;
            buffer = '';
          }
        }
        hooks.onProgress?.({ bytes: rows.bytesRead(), rows: read });
      }
      if (held.length > 0) throw ambiguityError(firstAmbiguous!, 'the whole file');
      const named = rows.skipped?.footer.find((f) => f.zone !== undefined);
      if (named && options.timeZoneGiven !== true && named.zone !== dateSettings.timeZone) {
        throw new InputError(`${options.input.name}:${named.line} "${named.text}": the times were read in ${dateSettings.timeZone}; give --tz ${named.zone}; nothing was written`);
      }
      if (buffer) yield buffer;
    }

    const summary: ImportSummary = {
      file: options.input.name,
      format,
      dryRun: options.dryRun,
      onError: options.onError,
      written: false,
      rows: 0,
      created: 0,
      skipped: 0,
      rejected: 0,
      usersCreated: 0,
      categoriesCreated: [],
      departmentsCreated: [],
      samplesCreated: 0,
      messagesCreated: 0,
      indexesRebuilt: false,
      seconds: 0,
      rowsPerSecond: 0,
      phases: { stagingSeconds: 0, writingSeconds: 0 },
      report: {
        preset: options.preset?.name ?? null,
        validRows: 0,
        newTickets: null,
        existingTickets: null,
        operatorsNotFound: [],
        unmappedValues: [],
        timesOutOfOrder: 0,
        creationTimeInferred: 0,
        history: { from: null, to: null },
        skippedLines: { preamble: [], footer: [], emptyRows: 0 },
        severalValues: [],
        times: { ...(footerZone ? { timeZoneFrom: { line: null, text: footerZone.text } } : {}), timeZone: dateSettings.timeZone, dateOrder: null, dateOrderDecidedBy: null, epoch: dateSettings.epoch === true },
      },
    };
    let stagedAt = started;
    const finish = (): ImportSummary => {
      summary.rows = read;
      summary.rejected = rejected;
      summary.seconds = (performance.now() - started) / 1000;
      summary.rowsPerSecond = summary.seconds > 0 ? Math.round(read / summary.seconds) : read;
      const report = summary.report;
      report.validRows = read - rejected;
      report.operatorsNotFound = [...lookups.unknownOperators.values()].sort((a, b) => b.rows - a.rows || a.name.localeCompare(b.name));
      report.unmappedValues = unmapped.list();
      report.timesOutOfOrder = outOfOrder;
      if (rows.skipped) {
        report.skippedLines = { preamble: rows.skipped.preamble, footer: rows.skipped.footer.map(({ line, text }) => ({ line, text })), emptyRows: rows.skipped.emptyRows };
        const from = report.times.timeZoneFrom;
        const footerLine = from && rows.skipped.footer.find((f) => f.text === from.text);
        if (from && footerLine) from.line = footerLine.line;
      }
      report.severalValues = [...several].map(([field, n]) => ({ field, column: columnName(field), rows: n }));
      report.creationTimeInferred = inferred;
      if (firstCreated <= lastCreated) report.history = { from: new Date(firstCreated).toISOString(), to: new Date(lastCreated).toISOString() };
      report.times.dateOrder = dates.order ?? null;
      report.times.dateOrderDecidedBy = dates.decidedBy ?? null;
      if (stagedAt > started) summary.phases.writingSeconds = (performance.now() - stagedAt) / 1000;
      return summary;
    };

    await session.begin();
    try {
      // Sorts and hashes over the whole file stay in memory; the staging table in local buffers
      // (settable only before the session's first temporary table, hence at the start).
      await session.query(`set local work_mem = '128MB'`);
      // JIT compiling these few large statements costs more than it saves (1,000,000 rows: 2.6 s).
      await session.query(`set local jit = off`);
      // A bulk import is not audited row by row (the audit table would grow by the file).
      await session.query(`select set_config('helpdesk.audit', 'off', true)`);
      await session.query('savepoint temp_buffers');
      await session.query(`set local temp_buffers = '64MB'`).then(
        () => session.query('release savepoint temp_buffers'),
        () => session.query('rollback to savepoint temp_buffers'),
      );
      await session.query(`create temporary table ${STAGING} (${STAGING_DDL}) on commit drop`);
      await session.copyIn(STAGING, STAGING_COLUMNS, copyData());
      stagedAt = performance.now();
      summary.phases.stagingSeconds = (stagedAt - started) / 1000;
      await failpoint('import:staged');
      if (failFast && rejected > 0 && !options.dryRun) {
        await session.rollback();
        return finish();
      }
      hooks.onPhase?.('creating users');
      summary.departmentsCreated = await createDepartments(session, [...lookups.newDepartments.values()]);
      summary.categoriesCreated = await createCategories(session, [...lookups.newCategories.values()]);
      // Statistics for the joins and deduplication only: the text columns would cost most of it.
      await session.query(`analyze ${STAGING} (line, source, external_id, email, content_hash, id, category)`);
      // An id met again with another subject or body is not the same ticket: refused, not skipped.
      const conflicts = await findIdConflicts(session);
      if (conflicts.length > 0) {
        const prefix = options.idPrefix ?? '';
        rejected += conflicts.length;
        for (const c of conflicts) hooks.onReject?.({ line: c.line, field: columnName('external_id'), value: c.externalId.slice(prefix.length), reason: conflictReason(c, prefix) });
        if (failFast && !options.dryRun) {
          await session.rollback();
          return finish();
        }
        await session.query(`delete from ${STAGING} where line = any($1::int[])`, [conflicts.map((c) => c.line)]);
        staged -= conflicts.length;
      }
      summary.usersCreated = await createUsers(session);
      // A dry run rebuilds only when asked to (always): it would lock both tables for a result
      // that is rolled back, but a dry run of a large migration is then as fast as the import.
      // auto waits only briefly for tables another session is using, then keeps the indexes.
      const mode = options.rebuildIndexes ?? 'auto';
      const wanted = (!options.dryRun || mode === 'always') && (await shouldRebuildIndexes(session, mode, staged));
      const rebuild = wanted ? await deferIndexes(session, ['tickets', 'training_samples'], mode === 'auto' ? { lockTimeout: AUTO_REBUILD_LOCK_TIMEOUT } : {}) : undefined;
      if (wanted && !rebuild) hooks.onNotice?.(`tickets or training_samples is in use by another session: keeping the indexes (the import is slower); --rebuild-indexes always waits for it`);
      summary.indexesRebuilt = rebuild !== undefined;
      hooks.onPhase?.('creating tickets and training samples');
      const counts = await createTickets(session, withMessages > 0, !summary.indexesRebuilt, { dryRun: options.dryRun, history: options.history === true });
      if (rebuild) {
        hooks.onPhase?.('building the indexes and keys again');
        await rebuild();
      }
      await failpoint('import:written');
      summary.created = counts.tickets;
      summary.samplesCreated = counts.samples;
      summary.messagesCreated = counts.messages;
      summary.skipped = staged - counts.tickets;
      summary.report.newTickets = counts.tickets;
      summary.report.existingTickets = summary.skipped;
      // Every created ticket counts in daily_stats now, on the day it was created: handled ones
      // (and --history) as history, new ones as the day's intake. Staging ids are the created tickets' ids.
      if (counts.tickets > 0) {
        hooks.onPhase?.('adding to the daily statistics');
        await session.query(
          addContributionsSql(options.statsTimeZone, { ticketWhere: `tk.id in (select id from ${STAGING})`, predictionWhere: 'false' }),
        );
      }
      // One audit row for the whole import instead of one per ticket (see the audit switch above).
      if (counts.tickets > 0) {
        await session.query(
          `insert into audit_log (login, table_name, action, new_values, command) values (session_user, 'tickets', 'import', $1::jsonb, nullif(current_setting('application_name', true), ''))`,
          [JSON.stringify({ file: summary.file, created: counts.tickets, skipped: staged - counts.tickets, rejected, usersCreated: summary.usersCreated, samplesCreated: counts.samples })],
        );
      }
      if (options.dryRun || (failFast && rejected > 0)) {
        await session.rollback();
      } else {
        hooks.onPhase?.('committing');
        await failpoint('import:before-commit');
        await session.commit();
        summary.written = true;
        await failpoint('import:committed');
      }
      return finish();
    } catch (error) {
      await session.rollback().catch(() => undefined);
      throw error;
    }
  });
}

/** Rows held back for an undecided day/month order before the file is refused (memory bound). */
const MAX_HELD_ROWS = 100_000;

/** Below this many new tickets an import never rebuilds indexes by itself: the rebuild costs more. */
export const AUTO_REBUILD_MIN_ROWS = 20_000;
/** How long auto waits to lock tables that another session is using before it keeps the indexes. */
export const AUTO_REBUILD_LOCK_TIMEOUT = '3s';

/**
 * auto: rebuild when at least AUTO_REBUILD_MIN_ROWS staged rows are new tickets and the tickets
 * table holds no more rows than that (a migration into a new helpdesk): one build over
 * everything is then cheaper than growing the indexes row by row. A rerun that adds nothing
 * does not rebuild. The existing tickets are counted first, and only up to the staged ones: a
 * table larger than the file, or an empty one, settles it without looking up a single key.
 */
async function shouldRebuildIndexes(session: BulkSession, mode: IndexRebuild, staged: number): Promise<boolean> {
  if (staged === 0 || mode === 'never') return false;
  if (mode === 'always') return true;
  if (staged < AUTO_REBUILD_MIN_ROWS) return false;
  const [existing] = await session.query<{ n: number }>(`select count(*)::int as n from (select 1 from tickets limit $1) t`, [staged + 1]);
  const tickets = existing?.n ?? 0;
  if (tickets > staged) return false;
  if (tickets === 0) return true;
  const [fresh] = await session.query<{ n: number }>(`
    select ((select count(*) from ${STAGING} s where s.external_id is not null
              and not exists (select 1 from tickets t where t.source = s.source::ticket_source and t.external_id = s.external_id))
         + (select count(*) from ${STAGING} s where s.external_id is null
              and not exists (select 1 from tickets t where t.content_hash = s.content_hash)))::int as n`);
  const rows = fresh?.n ?? 0;
  return rows >= AUTO_REBUILD_MIN_ROWS && tickets <= rows;
}

/** A staged row whose external id names another ticket: earlier in the file, or already imported. */
interface IdConflict {
  line: number;
  externalId: string;
  source: string;
  /** The file's earlier line with the id (null: the ticket exists). */
  firstLine: number | null;
  /** The existing ticket's number (null: the conflict is within the file). */
  number: string | null;
}

/**
 * Rows whose (source, external id) is taken by a ticket with another subject or body: a later row
 * of the file (the first row of an id is the one imported), or a ticket already in the database.
 * Skipping them as "already imported" would lose a ticket without a word when a second system
 * numbers its tickets 1..N too. Rows with the same text stay skips (an export imported again).
 * Ids met twice in the file are found by a hash aggregate first (none, usually), so the file is
 * not sorted by id; the staged rows are then hash-joined with the tickets. 200,000 rows on the
 * PostgreSQL server: 0.16 s into an empty helpdesk, 0.55 s when all of them exist (a rerun),
 * against 19-22 s for the whole import.
 */
async function findIdConflicts(session: BulkSession): Promise<IdConflict[]> {
  return session.query<IdConflict>(`
    with repeated as (
      select source, external_id from ${STAGING} where external_id is not null
      group by source, external_id having count(*) > 1
    ), firsts as (
      select distinct on (s.source, s.external_id) s.source, s.external_id, s.line, s.content_hash
      from ${STAGING} s join repeated r on r.source = s.source and r.external_id = s.external_id
      order by s.source, s.external_id, s.line
    )
    select s.line, s.external_id as "externalId", s.source, f.line as "firstLine", null::text as number
    from ${STAGING} s join firsts f on f.source = s.source and f.external_id = s.external_id
    where s.line > f.line and s.content_hash <> f.content_hash
    union all
    select s.line, s.external_id, s.source, null, t.number::text
    from ${STAGING} s join tickets t on t.source = s.source::ticket_source and t.external_id = s.external_id
    where t.content_hash <> s.content_hash
    order by line`);
}

function conflictReason(c: IdConflict, prefix: string): string {
  if (c.firstLine !== null) return `line ${c.firstLine} has this id with another subject or body`;
  const elsewhere = prefix === '' ? 'give a second system\'s export --id-prefix' : `another --id-prefix than "${prefix}"`;
  return `ticket #${c.number} (${c.source}) has this id with another subject or body: edited since it was imported, or another system's ticket (${elsewhere})`;
}

async function loadLookups(session: BulkSession): Promise<Lookups> {
  const categories = await session.query<CategoryRow>(`select id, name, default_department_id as "departmentId" from categories`);
  const departments = await session.query<NamedRow>(`select id, name from departments`);
  const operators = await session.query<NamedRow & { email: string }>(`select id, name, email from operators`);
  const byKey = new Map<string, NamedRow>();
  // Names first, e-mail addresses over them: an address is unique, a name may not be.
  for (const o of operators) byKey.set(o.name.trim().toLowerCase(), { id: o.id, name: o.name });
  for (const o of operators) byKey.set(o.email.trim().toLowerCase(), { id: o.id, name: o.name });
  return {
    categories: new Map(categories.map((c) => [c.name.trim().toLowerCase(), c])),
    departments: new Map(departments.map((d) => [d.name.trim().toLowerCase(), d])),
    newCategories: new Map(),
    newDepartments: new Map(),
    operators: byKey,
    unknownOperators: new Map(),
  };
}

async function createDepartments(session: BulkSession, departments: NamedRow[]): Promise<string[]> {
  if (departments.length === 0) return [];
  await session.query(`insert into departments (id, name) select * from unnest($1::uuid[], $2::text[])`, [departments.map((d) => d.id), departments.map((d) => d.name)]);
  return departments.map((d) => d.name);
}

async function createCategories(session: BulkSession, categories: CategoryRow[]): Promise<string[]> {
  if (categories.length === 0) return [];
  await session.query(`insert into categories (id, name, default_department_id) select * from unnest($1::uuid[], $2::text[], $3::uuid[])`, [
    categories.map((c) => c.id),
    categories.map((c) => c.name),
    categories.map((c) => c.departmentId),
  ]);
  return categories.map((c) => c.name);
}

/**
 * Users named in the file are matched by e-mail regardless of case, or created as clients; the
 * first row naming an address gives the name. (Grouping by address and joining back costs half
 * of sorting every row by address: 1.9 s against 3.5 s for 1,000,000 rows.)
 */
async function createUsers(session: BulkSession): Promise<number> {
  const [row] = await session.query<{ n: number }>(`
    with firsts as (
      select min(line) as line from ${STAGING} where email is not null group by lower(email)
    ), created as (
      insert into users (email, name, kind)
      select s.email, s.user_name, 'client' from firsts f join ${STAGING} s on s.line = f.line
      where not exists (select 1 from users u where lower(u.email) = lower(s.email))
      on conflict do nothing
      returning 1
    )
    select count(*)::int as n from created`);
  return row?.n ?? 0;
}

/**
 * One statement: tickets that do not exist yet (by source and external id; without an external
 * id, by content hash; within the file the first row wins), numbered in file order; then the
 * training samples of the new labelled tickets (one per content hash, the first row's) and their
 * messages. Deduplication is explicit, so it holds while the unique indexes are being rebuilt
 * (the tables are locked then); otherwise ON CONFLICT also covers a concurrent import.
 * Only narrow (id, line) sets are sorted: sorting whole rows to keep file order cost more than
 * the inserts.
 */
async function createTickets(
  session: BulkSession,
  messages: boolean,
  uniqueIndexes: boolean,
  options: { dryRun: boolean; history: boolean },
): Promise<{ tickets: number; samples: number; messages: number }> {
  // A sequence is not transactional: nextval in a dry run would use up numbers that the rollback
  // does not give back. A dry run numbers its tickets after the sequence's current value instead
  // (what a real import would give them, unless another one runs meanwhile) and leaves it alone.
  const numbers = options.dryRun
    ? `select o.id, (select case when is_called then last_value else last_value - 1 end from tickets_number_seq) + row_number() over (order by o.line) as number
      from (select id, line from candidates) o`
    : `select o.id, nextval('tickets_number_seq'::regclass) as number from (select id from candidates order by line) o`;
  const [row] = await session.query<{ tickets: number; samples: number; messages: number }>(`
    with candidates as (
      select s.id, s.line from ${STAGING} s
      where s.external_id is not null
        and not exists (select 1 from ${STAGING} e where e.external_id = s.external_id and e.source = s.source and e.line < s.line)
        and not exists (select 1 from tickets t where t.source = s.source::ticket_source and t.external_id = s.external_id)
      union all
      select s.id, s.line from ${STAGING} s
      where s.external_id is null
        and not exists (select 1 from ${STAGING} e where e.external_id is null and e.content_hash = s.content_hash and e.line < s.line)
        and not exists (select 1 from tickets t where t.content_hash = s.content_hash)
    ), numbered as (
      -- nextval is evaluated above the sort, so numbers follow the file's order.
      ${numbers}
    ), created as (
      insert into tickets (id, number, source, external_id, user_id, subject, body, language, category_id, priority, issue_type, status,
                           department_id, operator_id, content_hash, history, created_at, updated_at, first_response_at, resolved_at, closed_at, durations_unknown)
      select c.id, n.number, c.source::ticket_source, c.external_id, u.id, c.subject, c.body, c.language::language, c.category_id,
             c.priority::priority, c.issue_type::issue_type, c.status::ticket_status, c.department_id, c.operator_id, c.content_hash,
             ${options.history ? 'true' : "c.status <> 'new'"},
             coalesce(c.created_at, now()), now(), c.first_response_at, c.resolved_at, c.closed_at, c.durations_unknown
      from numbered n join ${STAGING} c on c.id = n.id left join users u on lower(u.email) = lower(c.email)
      ${uniqueIndexes ? 'on conflict (source, external_id) do nothing' : ''}
      returning id
    ), first_samples as (
      select s.content_hash, min(s.line) as line from created c join ${STAGING} s on s.id = c.id
      where s.category is not null
        and not exists (select 1 from training_samples t where t.content_hash = s.content_hash)
      group by s.content_hash
    ), samples as (
      insert into training_samples (id, text, language, category, priority, issue_type, department, label_source, ticket_id, content_hash)
      select s.sample_id, case when s.subject_derived then s.body else s.subject || E'\\n' || s.body end, s.language::language, s.category,
             s.priority::priority, s.issue_type::issue_type, s.department, 'historic', s.id, s.content_hash
      from first_samples f join ${STAGING} s on s.line = f.line
      ${uniqueIndexes ? 'on conflict (content_hash) do nothing' : ''}
      returning 1
    )${
      messages
        ? `, messages as (
      insert into ticket_messages (ticket_id, author_kind, author, body, created_at)
      select s.id, m.author_kind::author_kind, m.author, m.body, coalesce(m.created_at, s.created_at, now())
      from created c join ${STAGING} s on s.id = c.id
      cross join lateral rows from (jsonb_to_recordset(s.messages) as (author_kind text, author text, body text, created_at timestamptz))
        with ordinality as m(author_kind, author, body, created_at, n)
      where s.messages is not null
      order by s.line, m.n
      returning 1
    )`
        : ''
    }
    select (select count(*)::int from created) as tickets, (select count(*)::int from samples) as samples,
           ${messages ? '(select count(*)::int from messages)' : '0'} as messages`);
  return { tickets: row?.tickets ?? 0, samples: row?.samples ?? 0, messages: row?.messages ?? 0 };
}
