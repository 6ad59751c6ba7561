import { normaliseEmail } from '../email.ts';
import { randomUUID } from 'node:crypto';
import { AUTHOR_KINDS, ISSUE_TYPES, LANGUAGES, PRIORITIES, TICKET_SOURCES, TICKET_STATUSES, type TicketSource, type TicketStatus } from '../../entities/enums.ts';
import { copyTable, type CopyTableRow } from '../../db/bulk.ts';
import { uuidv7 } from '../../db/ids.ts';
import { detectLanguage } from '../../ml/language.ts';
import { contentHash, deriveSubject, SUBJECT_MAX } from '../tickets/text.ts';
import { IMPORT_FIELDS, type ImportField } from './fields.ts';
import { AMBIGUOUS, type DateReader } from './dates.ts';
import { foreignKey, valueFlagHint, type UnmappedValues, type ValueField, type ValueMaps } from './values.ts';
import { previewValue } from '../text/preview.ts';

/** One rejected value: what the report and `--errors` hold. */
export interface RowError {
  line: number;
  /** The file's column (or JSON key) the value came from; null for a problem with the whole row. */
  field: string | null;
  value: string | null;
  reason: string;
}

/** A record as read, before validation: one value per import field (undefined = absent or empty). */
export interface RawRow {
  line: number;
  values: (string | undefined)[];
  /** Values that could not be read (invalid UTF-8, a JSON object where text belongs); their value is undefined. */
  problems?: { field: ImportField; value: string | null; reason: string }[];
  /** JSONL only: the `messages` value as parsed. */
  messages?: unknown;
  /** A problem with the whole record (column count, quoting, JSON syntax). */
  rowError?: { reason: string; value: string | null };
}

/** One line for a rejected value: `FILE:LINE COLUMN "VALUE": REASON` (what import and evaluate print). */
export function describeRowError(file: string, error: RowError): string {
  const field = error.field === null ? '' : ` ${error.field}`;
  const value = error.value === null ? '' : ` ${JSON.stringify(error.value)}`;
  return `${file}:${error.line}${field}${value}: ${error.reason}`;
}

export const INVALID_UTF8 = 'not valid UTF-8 (for a Windows export, try --encoding cp1251)';

export const FIELD_INDEX: Record<ImportField, number> = Object.fromEntries(IMPORT_FIELDS.map((f, i) => [f, i])) as Record<ImportField, number>;

export interface NamedRow {
  id: string;
  name: string;
}
export interface CategoryRow extends NamedRow {
  departmentId: string;
}

/** Reference data looked up per row, and what `--create-missing` will add. */
export interface Lookups {
  categories: Map<string, CategoryRow>;
  departments: Map<string, NamedRow>;
  newCategories: Map<string, CategoryRow>;
  newDepartments: Map<string, NamedRow>;
  /** Operators by e-mail and by name (lower case). */
  operators: Map<string, NamedRow>;
  /** Assignees the file names that are not operators here (with --create-missing): name -> rows. */
  unknownOperators: Map<string, { name: string; rows: number }>;
}

/** The department a created category gets when no row names one with it. */
export const FALLBACK_DEPARTMENT = 'Unassigned';
/** tickets.external_id is varchar(200). */
export const EXTERNAL_ID_MAX = 200;
/** An `--id-prefix` leaves most of the column to the ids themselves. */
export const ID_PREFIX_MAX = 40;

export interface RowOptions {
  defaultSource: TicketSource;
  /** Status for rows without one; otherwise closed when the row has a closed time, else new. */
  defaultStatus?: TicketStatus | undefined;
  createMissing: boolean;
  /** Column name per field, for error reports. */
  columnName: (field: ImportField) => string;
  dates: DateReader;
  /** Foreign values of source, language, priority, issue type and status -> ours. */
  values: ValueMaps;
  /** Where values without a mapping are tallied for the report. */
  unmapped: UnmappedValues;
  /** Reject rows whose times are out of order (otherwise: a warning, and durations left out of the statistics). */
  strictTimes: boolean;
  /** Values that mean empty in this export (a preset's), lower case. */
  emptyValues?: Set<string> | undefined;
  /** Fields holding a list (a preset's `firstOfList`): the separator; the first item is the value. */
  firstOfList?: Partial<Record<ImportField, string>> | undefined;
  /** Put before every external id of the file (`--id-prefix`): keeps a second system's ids apart from the first's. */
  idPrefix?: string | undefined;
}

/**
 * The staging table, one line a column in COPY order: the DDL, the COPY column list and each
 * row's COPY line (from the StagedRow that stageRow fills) all come from it. The set-based
 * statements of tickets.ts read these columns by name.
 */
export const STAGING_TABLE = copyTable({
  line: 'int not null',
  id: 'uuid not null',
  sample_id: 'uuid not null',
  source: 'text not null',
  external_id: 'text',
  email: 'text',
  user_name: 'text',
  subject: 'text not null',
  body: 'text not null',
  subject_derived: 'boolean not null',
  language: 'text not null',
  category_id: 'uuid',
  category: 'text',
  department_id: 'uuid',
  department: 'text',
  priority: 'text',
  issue_type: 'text',
  status: 'text not null',
  created_at: 'timestamptz',
  first_response_at: 'timestamptz',
  resolved_at: 'timestamptz',
  closed_at: 'timestamptz',
  content_hash: 'text not null',
  messages: 'jsonb',
  operator_id: 'uuid',
  durations_unknown: 'boolean not null',
});
/** A validated row as staged: a value per staging column (times in epoch ms, messages as JSON). */
export type StagedRow = CopyTableRow<typeof STAGING_TABLE>;
/** Staging table columns, in COPY order. */
export const STAGING_COLUMNS = STAGING_TABLE.columns;
export const STAGING_DDL = STAGING_TABLE.ddl;

export type StageResult =
  | {
      ok: true;
      copyLine: string;
      hasMessages: boolean;
      /** The ticket's creation time (epoch ms), when the row has one or it was inferred. */
      createdAt: number | undefined;
      /** The row's times are out of order: a warning (the row is imported, its durations left out of the statistics). */
      warning?: RowError;
      /** No creation time in the row: dated by its earliest time. */
      creationInferred: boolean;
      /** Fields whose value was a list of several items, of which the first was taken. */
      several: ImportField[];
    }
  | { ok: false; errors: RowError[] }
  /** A date whose day and month cannot be told apart yet: stage the row again once the file decides. */
  | { ok: 'later'; ambiguous: RowError };

const key = (name: string): string => name.trim().toLowerCase();

function show(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  return value.length > 200 ? value.slice(0, 200) + '…' : value;
}

function oneOf<T extends string>(allowed: readonly T[], value: string): T | undefined {
  const v = value.trim().toLowerCase() as T;
  return allowed.includes(v) ? v : undefined;
}

/**
 * Reads one record's values the way an import does: trimmed, empty (or a preset's empty value)
 * as absent, no NUL characters, lengths checked, foreign values of enum fields mapped (`--value`,
 * a preset's values) or refused with the flag that maps them. Each problem is collected as a
 * RowError naming the file's column. `model evaluate --file` reads its fields through this too.
 */
export class RowFields {
  readonly errors: RowError[] = [];
  /** Foreign values with no mapping, for the migration report. */
  readonly unmapped: [ValueField, string][] = [];
  private readonly row: RawRow;
  private readonly col: (field: ImportField) => string;
  private readonly values: ValueMaps;
  private readonly emptyValues: Set<string> | undefined;
  private readonly firstOfList: Partial<Record<ImportField, string>> | undefined;
  /** Fields whose list had more than one item (a preset's `firstOfList`: only the first is kept). */
  readonly several: ImportField[] = [];
  constructor(row: RawRow, col: (field: ImportField) => string, values: ValueMaps, emptyValues?: Set<string>, firstOfList?: Partial<Record<ImportField, string>>) {
    this.row = row;
    this.col = col;
    this.values = values;
    this.emptyValues = emptyValues;
    this.firstOfList = firstOfList;
    for (const problem of row.problems ?? []) this.fail(problem.field, problem.value, problem.reason);
  }

  readonly fail = (field: ImportField, value: string | undefined | null, reason: string): void => {
    this.errors.push({ line: this.row.line, field: this.col(field), value: show(value), reason });
  };

  readonly get = (field: ImportField): string | undefined => {
    const v = this.row.values[FIELD_INDEX[field]];
    if (v === undefined) return undefined;
    if (v.includes('\u0000')) {
      this.fail(field, v.replaceAll('\u0000', '\\0'), 'contains a NUL character');
      return undefined;
    }
    let t = v.trim();
    const separator = this.firstOfList?.[field];
    if (separator !== undefined && t.includes(separator)) {
      const items = t.split(separator).map((item) => item.trim()).filter((item) => item !== '');
      if (items.length > 1 && !this.several.includes(field)) this.several.push(field);
      t = items[0] ?? '';
    }
    return t === '' || this.emptyValues?.has(t.toLowerCase()) ? undefined : t;
  };

  readonly text = (field: ImportField, max: number): string | undefined => {
    const v = this.get(field);
    if (v !== undefined && v.length > max) {
      this.fail(field, v, `longer than ${max} characters`);
      return undefined;
    }
    return v;
  };

  readonly enumValue = <T extends string>(field: ValueField, allowed: readonly T[]): T | undefined => {
    const v = this.get(field);
    if (v === undefined) return undefined;
    const k = foreignKey(v);
    const mapped = this.values.get(field)?.get(k);
    if (mapped !== undefined) return mapped as T;
    if ((allowed as readonly string[]).includes(k)) return k as T;
    this.unmapped.push([field, v]);
    this.fail(field, v, `${field.replace('_', ' ')} "${v}" is not one of ${allowed.join(', ')}: map it with ${valueFlagHint(field, v)}`);
    return undefined;
  };

  /** The body, or an "empty body" error (unless reading it failed already). */
  body(): string | undefined {
    const body = this.get('body');
    if (body === undefined && !this.row.problems?.some((p) => p.field === 'body')) this.fail('body', this.row.values[FIELD_INDEX.body] ?? '', 'empty body');
    return body;
  }
}

/**
 * Validates and normalises one record; a valid one becomes a line for the staging COPY.
 * Everything a row can be rejected for is found here, before the database sees it.
 */
export function stageRow(row: RawRow, lookups: Lookups, options: RowOptions): StageResult {
  const { line } = row;
  if (row.rowError) return { ok: false, errors: [{ line, field: null, value: row.rowError.value, reason: row.rowError.reason }] };
  const col = options.columnName;
  const reader = new RowFields(row, col, options.values, options.emptyValues, options.firstOfList);
  const { errors, fail, get, text, enumValue } = reader;
  // Tallied only once the row is final (a row held back for its dates is staged twice).
  const unmapped = reader.unmapped;
  let ambiguous: RowError | undefined;
  const raw = new Map<ImportField, string>();
  const time = (field: ImportField): number | undefined => {
    const v = get(field);
    if (v === undefined) return undefined;
    const parsed = options.dates.parse(v, line);
    if (typeof parsed === 'number') {
      raw.set(field, v);
      return parsed;
    }
    if (parsed === AMBIGUOUS) ambiguous ??= { line, field: col(field), value: show(v), reason: AMBIGUOUS_REASON };
    else fail(field, v, parsed.reason);
    return undefined;
  };
  const messageTime = (value: string): number | string | undefined => {
    const parsed = options.dates.parse(value, line);
    if (typeof parsed === 'number') return parsed;
    if (parsed === AMBIGUOUS) {
      ambiguous ??= { line, field: col('messages'), value: show(value), reason: AMBIGUOUS_REASON };
      return undefined;
    }
    return parsed.reason;
  };

  const body = reader.body();
  const givenSubject = text('subject', SUBJECT_MAX);
  // The column holds 200 characters, the prefix included.
  const prefix = options.idPrefix ?? '';
  const givenId = text('external_id', EXTERNAL_ID_MAX - prefix.length);
  const externalId = givenId === undefined ? undefined : prefix + givenId;
  const source = enumValue('source', TICKET_SOURCES) ?? options.defaultSource;
  const givenEmail = get('email');
  const email = givenEmail === undefined ? undefined : normaliseEmail(givenEmail) ?? undefined;
  if (givenEmail !== undefined && email === undefined) fail('email', givenEmail, 'not an e-mail address');
  const userName = text('name', 200);
  const language = enumValue('language', LANGUAGES);
  const priority = enumValue('priority', PRIORITIES);
  const issueType = enumValue('issue_type', ISSUE_TYPES);
  const status = enumValue('status', TICKET_STATUSES);
  let createdAt = time('created_at');
  const firstResponseAt = time('first_response_at');
  const resolvedAt = time('resolved_at');
  const closedAt = time('closed_at');
  const categoryName = text('category', 120);
  const departmentName = text('department', 120);
  const operatorName = text('operator', 320);
  const messages = row.messages === undefined || row.messages === null ? undefined : stageMessages(row.messages, messageTime, (value, reason) => errors.push({ line, field: `${col('messages')}${reason.path}`, value: show(value), reason: reason.text }));
  if (ambiguous) return { ok: 'later', ambiguous };

  // Times in order: created <= first response <= resolved <= closed (those the row has).
  let disorder: string | undefined;
  let latest: { field: ImportField; at: number } | undefined;
  for (const [field, at] of [['created_at', createdAt], ['first_response_at', firstResponseAt], ['resolved_at', resolvedAt], ['closed_at', closedAt]] as const) {
    if (at === undefined) continue;
    if (latest && at < latest.at) {
      disorder = `${col(field)} ${raw.get(field)} is before ${col(latest.field)} ${raw.get(latest.field)}`;
      if (options.strictTimes) fail(field, raw.get(field), `times out of order: ${disorder} (rejected by --strict-times)`);
      break;
    }
    latest = { field, at };
  }

  // Reference data last, so that a rejected row plans nothing for --create-missing.
  let operator: NamedRow | undefined;
  let unknownOperator = false;
  if (operatorName !== undefined) {
    operator = lookups.operators.get(key(operatorName));
    if (!operator) {
      if (options.createMissing) unknownOperator = true;
      else fail('operator', operatorName, 'unknown operator (add it with operators add, or use --create-missing to import the ticket unassigned)');
    }
  }
  let department: NamedRow | undefined;
  let newDepartment: NamedRow | undefined;
  if (departmentName !== undefined) {
    department = lookups.departments.get(key(departmentName)) ?? lookups.newDepartments.get(key(departmentName));
    if (!department) {
      if (options.createMissing) newDepartment = department = { id: randomUUID(), name: departmentName };
      else fail('department', departmentName, 'unknown department (add it first, or use --create-missing)');
    }
  }
  let category: CategoryRow | undefined;
  let newCategory: CategoryRow | undefined;
  if (categoryName !== undefined) {
    category = lookups.categories.get(key(categoryName)) ?? lookups.newCategories.get(key(categoryName));
    if (!category) {
      if (options.createMissing) newCategory = category = { id: randomUUID(), name: categoryName, departmentId: department?.id ?? '' };
      else fail('category', categoryName, 'unknown category (add it first, or use --create-missing)');
    }
  }
  for (const [field, value] of unmapped) options.unmapped.add(field, col(field), value);
  if (errors.length > 0 || body === undefined) return { ok: false, errors };

  if (unknownOperator) {
    const k = key(operatorName!);
    const entry = lookups.unknownOperators.get(k);
    if (entry) entry.rows++;
    else lookups.unknownOperators.set(k, { name: operatorName!, rows: 1 });
  }
  // No creation time: the ticket was created no later than its earliest time; its durations are unknown.
  const creationInferred = createdAt === undefined && (firstResponseAt ?? resolvedAt ?? closedAt) !== undefined;
  if (creationInferred) createdAt = Math.min(...[firstResponseAt, resolvedAt, closedAt].filter((t) => t !== undefined));

  if (newDepartment) lookups.newDepartments.set(key(newDepartment.name), newDepartment);
  if (newCategory) {
    if (!newCategory.departmentId) newCategory.departmentId = fallbackDepartment(lookups).id;
    lookups.newCategories.set(key(newCategory.name), newCategory);
  }
  const subject = givenSubject ?? deriveSubject(body);
  // A preset may read the body from the subject column (exports without a description).
  const subjectDerived = givenSubject === undefined || givenSubject === body;
  const lang = language ?? detectLanguage(subjectDerived ? body : `${subject}\n${body}`).language;
  const staged: StagedRow = {
    line,
    // Time-ordered: the ticket's and its training sample's primary keys grow at one end.
    id: uuidv7(),
    sample_id: uuidv7(),
    source,
    external_id: externalId,
    email,
    user_name: userName,
    subject,
    body,
    subject_derived: subjectDerived,
    language: lang,
    category_id: category?.id,
    category: category?.name,
    department_id: department?.id ?? category?.departmentId,
    department: department?.name,
    priority,
    issue_type: issueType,
    // A row with a resolution or closing time is history: closed, not new (the pipeline would decide it again).
    status: status ?? options.defaultStatus ?? (closedAt !== undefined || resolvedAt !== undefined ? 'closed' : 'new'),
    created_at: createdAt,
    first_response_at: firstResponseAt,
    resolved_at: resolvedAt,
    closed_at: closedAt,
    content_hash: contentHash(subject, body),
    messages,
    operator_id: operator?.id,
    durations_unknown: disorder !== undefined || creationInferred,
  };
  const result: StageResult = { ok: true, copyLine: STAGING_TABLE.line(staged), hasMessages: messages !== undefined, createdAt, creationInferred, several: reader.several };
  if (disorder !== undefined) result.warning = { line, field: null, value: null, reason: `times out of order: ${disorder}; imported, its durations left out of the statistics (--strict-times rejects such rows)` };
  return result;
}

function fallbackDepartment(lookups: Lookups): NamedRow {
  const k = key(FALLBACK_DEPARTMENT);
  let found = lookups.departments.get(k) ?? lookups.newDepartments.get(k);
  if (!found) {
    found = { id: randomUUID(), name: FALLBACK_DEPARTMENT };
    lookups.newDepartments.set(k, found);
  }
  return found;
}

/** JSONL `messages`: an array of { body, author_kind?, author?, created_at? }; returns JSON for jsonb. */
function stageMessages(value: unknown, time: (value: string) => number | string | undefined, fail: (value: string | null, reason: { path: string; text: string }) => void): string | undefined {
  if (!Array.isArray(value)) {
    fail(previewValue(value), { path: '', text: 'messages must be an array of objects' });
    return undefined;
  }
  const out: { author_kind: string; author: string | null; body: string; created_at: string | null }[] = [];
  let ok = true;
  value.forEach((m: unknown, i) => {
    const path = `[${i}]`;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) {
      fail(previewValue(m), { path, text: 'a message must be an object with a body' });
      ok = false;
      return;
    }
    const o = m as Record<string, unknown>;
    const str = (k: string, alt: string): string | undefined => {
      const v = o[k] ?? o[alt];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' && typeof v !== 'number') {
        fail(previewValue(v), { path: `${path}.${k}`, text: 'expected a string' });
        ok = false;
        return undefined;
      }
      const s = String(v);
      if (s.includes('\u0000')) {
        fail(s.replaceAll('\u0000', '\\0'), { path: `${path}.${k}`, text: 'contains a NUL character' });
        ok = false;
        return undefined;
      }
      return s.trim() === '' ? undefined : s;
    };
    const body = str('body', 'text');
    if (body === undefined) {
      fail(null, { path: `${path}.body`, text: 'empty message body' });
      ok = false;
    }
    const kind = str('author_kind', 'authorKind') ?? 'client';
    const authorKind = oneOf(AUTHOR_KINDS, kind);
    if (!authorKind) {
      fail(kind, { path: `${path}.author_kind`, text: `author kind must be one of ${AUTHOR_KINDS.join(', ')}` });
      ok = false;
    }
    const author = str('author', 'from');
    if (author !== undefined && author.length > 320) {
      fail(author, { path: `${path}.author`, text: 'longer than 320 characters' });
      ok = false;
    }
    const at = str('created_at', 'createdAt');
    const parsed = at === undefined ? undefined : time(at.trim());
    const createdAt = typeof parsed === 'number' ? iso(parsed) : null;
    if (typeof parsed === 'string') {
      fail(at!, { path: `${path}.created_at`, text: parsed });
      ok = false;
    }
    if (ok && body !== undefined && authorKind) out.push({ author_kind: authorKind, author: author ?? null, body, created_at: createdAt ?? null });
  });
  return ok && out.length > 0 ? JSON.stringify(out) : undefined;
}

export const AMBIGUOUS_REASON = 'day and month cannot be told apart, and no date in the file has a day above 12 to decide: give --date-order dmy (D/M/YYYY) or mdy (M/D/YYYY)';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DOTTED = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * ISO 8601 date or date-time (`T` or a space; a zone or none, meaning UTC), or the
 * `DD.MM.YYYY [HH:MM[:SS]]` of Russian-locale exports (UTC). Returns ISO 8601, or undefined.
 */
export function parseTimestamp(text: string): string | undefined {
  let y: number, mo: number, d: number, h = 0, mi = 0, s = 0, frac = '', zone = 'Z';
  let m = ISO.exec(text);
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[4] !== undefined) [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
    frac = m[7] ?? '';
    if (m[8]) zone = m[8].toUpperCase() === 'Z' ? 'Z' : m[8].length === 3 ? `${m[8]}:00` : m[8].includes(':') ? m[8] : `${m[8].slice(0, 3)}:${m[8].slice(3)}`;
  } else if ((m = DOTTED.exec(text))) {
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[4] !== undefined) [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  } else return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s) return undefined;
  if (y < 1970 || y > 2200) return undefined;
  if (zone !== 'Z' && !/^[+-](0\d|1[0-4]):[0-5]\d$/.test(zone)) return undefined;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${frac}${zone === 'Z' ? 'Z' : zone}`;
}
