import { describe, expect, it } from 'vitest';
import { DateReader } from '../../src/services/import/dates.ts';
import { IMPORT_FIELDS, type ImportField } from '../../src/services/import/fields.ts';
import { AMBIGUOUS_REASON, FALLBACK_DEPARTMENT, stageRow, STAGING_COLUMNS, type Lookups, type RawRow, type RowError, type RowOptions } from '../../src/services/import/rows.ts';
import { UnmappedValues, type ValueMaps } from '../../src/services/import/values.ts';
import { contentHash } from '../../src/services/tickets/text.ts';

// Issue 18: the import's row validation (stageRow) without a database: each way a row is taken or
// refused, with the exact staged values or the exact errors (line, column, value, reason).

type Values = Partial<Record<ImportField, string>>;
const raw = (values: Values, extra: Partial<RawRow> = {}): RawRow => ({ line: 7, values: IMPORT_FIELDS.map((f) => values[f]), ...extra });

const lookups = (): Lookups => ({
  categories: new Map([['access', { id: 'cat-a', name: 'Access', departmentId: 'dep-a' }]]),
  departments: new Map([
    ['access management', { id: 'dep-a', name: 'Access Management' }],
    ['hardware', { id: 'dep-h', name: 'Hardware' }],
  ]),
  newCategories: new Map(),
  newDepartments: new Map(),
  operators: new Map([['anna petrova', { id: 'op-anna', name: 'Anna Petrova' }]]),
  unknownOperators: new Map(),
});
const options = (extra: Partial<RowOptions> = {}): RowOptions => ({
  defaultSource: 'email',
  createMissing: false,
  columnName: (field) => `col_${field}`,
  dates: new DateReader({ timeZone: 'UTC' }),
  values: new Map() as ValueMaps,
  unmapped: new UnmappedValues(),
  strictTimes: false,
  ...extra,
});

/** The staged COPY line as column -> value (null for \N). */
function staged(copyLine: string): Record<string, string | null> {
  expect(copyLine.endsWith('\n')).toBe(true);
  const fields = copyLine.slice(0, -1).split('\t');
  expect(fields).toHaveLength(STAGING_COLUMNS.length);
  return Object.fromEntries(STAGING_COLUMNS.map((c, i) => [c, fields[i] === '\\N' ? null : fields[i]!]));
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function ok(row: RawRow, look = lookups(), opts = options()) {
  const result = stageRow(row, look, opts);
  if (result.ok !== true) throw new Error(`expected a staged row, got ${JSON.stringify(result)}`);
  const s = staged(result.copyLine);
  expect(s.id).toMatch(UUID);
  expect(s.sample_id).toMatch(UUID);
  expect(s.sample_id).not.toBe(s.id);
  return { result, s };
}
function errors(row: RawRow, look = lookups(), opts = options()): RowError[] {
  const result = stageRow(row, look, opts);
  if (result.ok !== false) throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

describe('stageRow: rows taken', () => {
  it('a body alone: defaults for everything else', () => {
    const { result, s } = ok(raw({ body: '  Printer jam on floor 3  ' }));
    const { id: _id, sample_id: _s, ...rest } = s;
    expect(rest).toEqual({
      line: '7', source: 'email', external_id: null, email: null, user_name: null,
      subject: 'Printer jam on floor 3', body: 'Printer jam on floor 3', subject_derived: 't', language: 'en',
      category_id: null, category: null, department_id: null, department: null, priority: null, issue_type: null,
      status: 'new', created_at: null, first_response_at: null, resolved_at: null, closed_at: null,
      content_hash: contentHash('Printer jam on floor 3', 'Printer jam on floor 3'), messages: null, operator_id: null, durations_unknown: 'f',
    });
    expect(result).toMatchObject({ hasMessages: false, createdAt: undefined, creationInferred: false });
    expect(result.warning).toBeUndefined();
  });

  it('every field given, values in any case and spacing', () => {
    const { result, s } = ok(
      raw({
        external_id: 'EXT-1', source: ' Chat ', email: ' Anna@Example.COM ', name: 'Anna', subject: 'No access', body: 'Need access\tto share',
        language: 'KK', created_at: '2026-11-01T10:00:00Z', first_response_at: '2026-11-01T10:05:00Z', resolved_at: '2026-11-01T11:00:00Z',
        closed_at: '2026-11-02T09:00:00Z', category: ' ACCESS ', department: 'hardware', priority: 'High', issue_type: 'complex', status: 'Closed',
        operator: 'anna PETROVA',
      }),
    );
    const { id: _id, sample_id: _s, ...rest } = s;
    expect(rest).toEqual({
      line: '7', source: 'chat', external_id: 'EXT-1', email: 'anna@example.com', user_name: 'Anna', subject: 'No access', body: 'Need access\\tto share',
      subject_derived: 'f', language: 'kk', category_id: 'cat-a', category: 'Access', department_id: 'dep-h', department: 'Hardware',
      priority: 'high', issue_type: 'complex', status: 'closed', created_at: '2026-11-01T10:00:00.000Z', first_response_at: '2026-11-01T10:05:00.000Z',
      resolved_at: '2026-11-01T11:00:00.000Z', closed_at: '2026-11-02T09:00:00.000Z', content_hash: contentHash('No access', 'Need access\tto share'),
      messages: null, operator_id: 'op-anna', durations_unknown: 'f',
    });
    expect(result.createdAt).toBe(Date.parse('2026-11-01T10:00:00Z'));
  });

  it.each([
    ['the category gives the department', { body: 'x', category: 'Access' }, 'dep-a'],
    ['the department wins over the category', { body: 'x', category: 'Access', department: 'Hardware' }, 'dep-h'],
  ] as [string, Values, string][])('%s', (_name, values, department) => {
    expect(ok(raw(values)).s.department_id).toBe(department);
  });

  it.each([
    ['no times: new', {}, undefined, 'new'],
    ['a resolution time: closed', { resolved_at: '2026-11-01T10:00:00Z' }, undefined, 'closed'],
    ['a closing time: closed', { closed_at: '2026-11-01T10:00:00Z' }, undefined, 'closed'],
    ['a first response only: new', { first_response_at: '2026-11-01T10:00:00Z' }, undefined, 'new'],
    ['the default status wins over the times', { closed_at: '2026-11-01T10:00:00Z' }, 'waiting', 'waiting'],
    ['the row status wins over the default', { status: 'in_work' }, 'waiting', 'in_work'],
  ] as [string, Values, RowOptions['defaultStatus'], string][])('status: %s', (_name, values, defaultStatus, status) => {
    expect(ok(raw({ body: 'x', ...values }), lookups(), options({ defaultStatus })).s.status).toBe(status);
  });

  it.each([
    ['two addresses: the first, and the field is counted once', 'a@x.kz, b@y.kz', 'a@x.kz', ['email']],
    ['spaces and empty items around the separator', ' , c@x.kz ,, d@y.kz', 'c@x.kz', ['email']],
    ['one address: taken as it is, nothing counted', 'e@x.kz', 'e@x.kz', []],
    ['one address and a trailing separator: one item, nothing counted', 'f@x.kz,', 'f@x.kz', []],
  ] as [string, string, string, ImportField[]][])("a preset's firstOfList: %s", (_name, email, first, several) => {
    const { result, s } = ok(raw({ body: 'x', email }), lookups(), options({ firstOfList: { email: ',' } }));
    expect(s.email).toBe(first);
    expect(result.several).toEqual(several);
  });

  it('without firstOfList a list of addresses is one (malformed) value, and another field keeps its commas', () => {
    expect(errors(raw({ body: 'x', email: 'a@x.kz, b@y.kz' }))).toEqual([{ line: 7, field: 'col_email', value: 'a@x.kz, b@y.kz', reason: expect.any(String) }]);
    expect(ok(raw({ body: 'one, two', email: 'a@x.kz' }), lookups(), options({ firstOfList: { email: ',' } })).s.body).toBe('one, two');
  });

  it('a source from the options, a value mapped by --value, a preset empty value', () => {
    const values: ValueMaps = new Map([['source', new Map([['web', 'portal']])], ['priority', new Map([['p1', 'critical']])]]);
    const { s } = ok(raw({ body: 'x', source: 'WEB', priority: 'P1', language: 'n/a' }), lookups(), options({ values, emptyValues: new Set(['n/a']) }));
    expect([s.source, s.priority, s.language]).toEqual(['portal', 'critical', 'en']);
    expect(ok(raw({ body: 'x' }), lookups(), options({ defaultSource: 'phone' })).s.source).toBe('phone');
    expect(ok(raw({ body: 'Привет', subject: 'N/A' }), lookups(), options({ emptyValues: new Set(['n/a']) })).s.subject).toBe('Привет');
  });

  it('the language is detected from the subject and body when not given', () => {
    expect(ok(raw({ subject: 'Принтер не печатает', body: 'ok' })).s.language).toBe('ru');
    expect(ok(raw({ body: 'Принтер жұмыс істемейді' })).s.language).toBe('kk');
  });

  it('a subject equal to the body counts as derived (a preset reading the body from the subject column)', () => {
    expect(ok(raw({ subject: 'Printer jam', body: 'Printer jam' })).s.subject_derived).toBe('t');
  });

  it('no creation time: dated by the earliest time, durations unknown', () => {
    const { result, s } = ok(raw({ body: 'x', resolved_at: '2026-11-03T00:00:00Z', first_response_at: '2026-11-02T00:00:00Z', closed_at: '2026-11-04T00:00:00Z' }));
    expect(result).toMatchObject({ creationInferred: true, createdAt: Date.parse('2026-11-02T00:00:00Z') });
    expect([s.created_at, s.durations_unknown]).toEqual(['2026-11-02T00:00:00.000Z', 't']);
    expect(ok(raw({ body: 'x', first_response_at: '2026-11-02T00:00:00Z' })).result).toMatchObject({ creationInferred: true, createdAt: Date.parse('2026-11-02T00:00:00Z') });
    const closedOnly = ok(raw({ body: 'x', closed_at: '2026-11-04T00:00:00Z' }));
    expect(closedOnly.result).toMatchObject({ creationInferred: true, createdAt: Date.parse('2026-11-04T00:00:00Z') });
  });

  it('times out of order: imported with a warning, or refused with --strict-times', () => {
    const row = raw({ body: 'x', created_at: '2026-11-02T00:00:00Z', first_response_at: '2026-11-03T00:00:00Z', resolved_at: '2026-11-01T00:00:00Z', closed_at: '2026-10-01T00:00:00Z' });
    const { result, s } = ok(row);
    expect(s.durations_unknown).toBe('t');
    expect(result.warning).toEqual({
      line: 7, field: null, value: null,
      reason: 'times out of order: col_resolved_at 2026-11-01T00:00:00Z is before col_first_response_at 2026-11-03T00:00:00Z; imported, its durations left out of the statistics (--strict-times rejects such rows)',
    });
    expect(errors(row, lookups(), options({ strictTimes: true }))).toEqual([
      { line: 7, field: 'col_resolved_at', value: '2026-11-01T00:00:00Z', reason: 'times out of order: col_resolved_at 2026-11-01T00:00:00Z is before col_first_response_at 2026-11-03T00:00:00Z (rejected by --strict-times)' },
    ]);
    // a missing time in between does not hide the disorder
    expect(ok(raw({ body: 'x', created_at: '2026-11-02T00:00:00Z', resolved_at: '2026-11-01T00:00:00Z' })).result.warning?.reason).toBe(
      'times out of order: col_resolved_at 2026-11-01T00:00:00Z is before col_created_at 2026-11-02T00:00:00Z; imported, its durations left out of the statistics (--strict-times rejects such rows)',
    );
    // equal times are in order
    expect(ok(raw({ body: 'x', created_at: '2026-11-02T00:00:00Z', closed_at: '2026-11-02T00:00:00Z' })).result.warning).toBeUndefined();
  });

  it('--create-missing plans categories, departments and unknown assignees, once each', () => {
    const look = lookups();
    const opts = options({ createMissing: true });
    const first = ok(raw({ body: 'x', category: 'Printers', department: 'Print Room', operator: 'Boris' }), look, opts);
    const dept = look.newDepartments.get('print room')!;
    expect(dept).toMatchObject({ name: 'Print Room' });
    expect(look.newCategories.get('printers')).toEqual({ id: first.s.category_id, name: 'Printers', departmentId: dept.id });
    expect([first.s.department_id, first.s.operator_id]).toEqual([dept.id, null]);
    ok(raw({ body: 'y', category: 'printers', department: 'PRINT ROOM', operator: ' boris ' }), look, opts);
    expect([look.newCategories.size, look.newDepartments.size]).toEqual([1, 1]);
    expect([...look.unknownOperators.entries()]).toEqual([['boris', { name: 'Boris', rows: 2 }]]);
    // a new category without a department goes to the fallback department, created once
    ok(raw({ body: 'z', category: 'Misc' }), look, opts);
    ok(raw({ body: 'z', category: 'Other' }), look, opts);
    const fallback = look.newDepartments.get(FALLBACK_DEPARTMENT.toLowerCase())!;
    expect(fallback.name).toBe('Unassigned');
    expect(look.newCategories.get('misc')!.departmentId).toBe(fallback.id);
    expect(look.newCategories.get('other')!.departmentId).toBe(fallback.id);
    expect(look.newDepartments.size).toBe(2);
  });

  it('an existing Unassigned department is used as the fallback', () => {
    const look = lookups();
    look.departments.set('unassigned', { id: 'dep-u', name: 'Unassigned' });
    ok(raw({ body: 'z', category: 'Misc' }), look, options({ createMissing: true }));
    expect(look.newCategories.get('misc')!.departmentId).toBe('dep-u');
    expect(look.newDepartments.size).toBe(0);
  });

  it('messages of a JSONL row, as JSON for the staging table', () => {
    const messages = [
      { body: 'Hello', author_kind: 'operator', author: 'Anna', created_at: '2026-11-01T10:00:00Z' },
      { text: ' Thanks ', authorKind: 'Client', from: 'Bob', createdAt: '2026-11-01T11:00:00Z' },
      { body: 42 },
    ];
    const { result, s } = ok(raw({ body: 'x' }, { messages }));
    expect(result.hasMessages).toBe(true);
    expect(JSON.parse(s.messages!)).toEqual([
      { author_kind: 'operator', author: 'Anna', body: 'Hello', created_at: '2026-11-01T10:00:00.000Z' },
      { author_kind: 'client', author: 'Bob', body: ' Thanks ', created_at: '2026-11-01T11:00:00.000Z' },
      { author_kind: 'client', author: null, body: '42', created_at: null },
    ]);
    expect(ok(raw({ body: 'x' }, { messages: [] })).s.messages).toBeNull();
    expect(ok(raw({ body: 'x' }, { messages: null })).s.messages).toBeNull();
  });
});

describe('stageRow: rows refused, with every reason', () => {
  const e = (field: string | null, value: string | null, reason: string): RowError => ({ line: 7, field, value, reason });
  const NOT_A_DATE = 'not a date and time (expected e.g. 2024-03-01 9:30, 2024-03-01T09:30:00Z, 1.3.2024 9:30, 3/1/2024 9:30 AM)';
  const cases: [string, RawRow, RowError[], Partial<RowOptions>?][] = [
    ['a problem with the whole record', raw({ body: 'x' }, { rowError: { reason: 'expected 5 columns, got 3', value: 'a,b,c' } }), [e(null, 'a,b,c', 'expected 5 columns, got 3')]],
    ['an unreadable value', raw({ body: 'x' }, { problems: [{ field: 'name', value: '\\xff', reason: 'not valid UTF-8' }] }), [e('col_name', '\\xff', 'not valid UTF-8')]],
    ['an unreadable body: only that', raw({}, { problems: [{ field: 'body', value: null, reason: 'not valid UTF-8' }] }), [e('col_body', null, 'not valid UTF-8')]],
    ['an empty body', raw({ body: '   ' }), [e('col_body', '   ', 'empty body')]],
    ['no body at all', raw({}), [e('col_body', '', 'empty body')]],
    ['a NUL character', raw({ body: 'x', name: 'a\u0000b' }), [e('col_name', 'a\\0b', 'contains a NUL character')]],
    ['a subject over 500 characters', raw({ body: 'x', subject: 's'.repeat(501) }), [e('col_subject', `${'s'.repeat(200)}…`, 'longer than 500 characters')]],
    ['an external id over 200 characters', raw({ body: 'x', external_id: 'e'.repeat(201) }), [e('col_external_id', `${'e'.repeat(200)}…`, 'longer than 200 characters')]],
    ['a name over 200 characters', raw({ body: 'x', name: 'n'.repeat(201) }), [e('col_name', `${'n'.repeat(200)}…`, 'longer than 200 characters')]],
    ['a category name over 120 characters', raw({ body: 'x', category: 'c'.repeat(121) }), [e('col_category', 'c'.repeat(121), 'longer than 120 characters')]],
    ['a department name over 120 characters', raw({ body: 'x', department: 'd'.repeat(121) }), [e('col_department', 'd'.repeat(121), 'longer than 120 characters')]],
    ['an operator over 320 characters', raw({ body: 'x', operator: 'o'.repeat(321) }), [e('col_operator', `${'o'.repeat(200)}…`, 'longer than 320 characters')]],
    ['not an e-mail address', raw({ body: 'x', email: 'anna at example' }), [e('col_email', 'anna at example', 'not an e-mail address')]],
    ['an unknown source', raw({ body: 'x', source: 'Fax' }), [e('col_source', 'Fax', 'source "Fax" is not one of email, chat, portal, phone: map it with --value "source:Fax=email|chat|portal|phone"')]],
    ['an unknown issue type', raw({ body: 'x', issue_type: 'hard' }), [e('col_issue_type', 'hard', 'issue type "hard" is not one of simple, complex, auto_resolvable: map it with --value "issue_type:hard=simple|complex|auto_resolvable"')]],
    ['an unknown category', raw({ body: 'x', category: 'Printers' }), [e('col_category', 'Printers', 'unknown category (add it first, or use --create-missing)')]],
    ['an unknown department', raw({ body: 'x', department: 'Print Room' }), [e('col_department', 'Print Room', 'unknown department (add it first, or use --create-missing)')]],
    ['an unknown operator', raw({ body: 'x', operator: 'Boris' }), [e('col_operator', 'Boris', 'unknown operator (add it with operators add, or use --create-missing to import the ticket unassigned)')]],
    ['several at once, in field order', raw({ body: '', email: 'x', priority: 'urgent' }), [
      e('col_body', '', 'empty body'),
      e('col_email', 'x', 'not an e-mail address'),
      e('col_priority', 'urgent', 'priority "urgent" is not one of low, medium, high, critical: map it with --value "priority:urgent=low|medium|high|critical"'),
    ]],
  ];
  it.each(cases)('%s', (_name, row, expected, extra) => {
    expect(errors(row, lookups(), options(extra))).toEqual(expected);
  });

  it('a value of exactly the longest length is taken', () => {
    expect(ok(raw({ body: 'x', subject: 's'.repeat(500), external_id: 'e'.repeat(200), category: 'Access' })).s.subject).toHaveLength(500);
  });

  it('a value over 200 characters is shown cut, at 200 exactly it is shown whole', () => {
    expect(errors(raw({ body: 'x', email: 'a'.repeat(200) }))[0]!.value).toBe('a'.repeat(200));
    expect(errors(raw({ body: 'x', email: 'a'.repeat(201) }))[0]!.value).toBe(`${'a'.repeat(200)}…`);
  });

  it('tallies unmapped values only once the row is final, and plans nothing for a refused row', () => {
    const look = lookups();
    const unmapped = new UnmappedValues();
    errors(raw({ body: '', source: 'Fax', category: 'Printers', department: 'Print Room', operator: 'Boris' }), look, options({ unmapped, createMissing: true }));
    expect(unmapped.list().map((u) => [u.field, u.column, u.value, u.rows])).toEqual([['source', 'col_source', 'Fax', 1]]);
    expect([look.newCategories.size, look.newDepartments.size, look.unknownOperators.size]).toEqual([0, 0, 0]);
  });

  it('a date that is not one', () => {
    expect(errors(raw({ body: 'x', created_at: 'yesterday' }))).toEqual([e('col_created_at', 'yesterday', NOT_A_DATE)]);
  });

  it('a date whose day and month cannot be told apart yet: staged later', () => {
    expect(stageRow(raw({ body: 'x', created_at: '3/4/2026', closed_at: '5/4/2026' }), lookups(), options())).toEqual({ ok: 'later', ambiguous: { line: 7, field: 'col_created_at', value: '3/4/2026', reason: AMBIGUOUS_REASON } });
    expect(stageRow(raw({ body: 'x' }, { messages: [{ body: 'm', created_at: '3/4/2026' }] }), lookups(), options())).toEqual({ ok: 'later', ambiguous: { line: 7, field: 'col_messages', value: '3/4/2026', reason: AMBIGUOUS_REASON } });
  });

  const m = (messages: unknown): RawRow => raw({ body: 'x' }, { messages });
  const messageCases: [string, unknown, RowError[]][] = [
    ['not an array', { body: 'x' }, [e('col_messages', '{"body":"x"}', 'messages must be an array of objects')]],
    ['an element that is not an object', ['hi', null, [1]], [
      e('col_messages[0]', '"hi"', 'a message must be an object with a body'),
      e('col_messages[1]', 'null', 'a message must be an object with a body'),
      e('col_messages[2]', '[1]', 'a message must be an object with a body'),
    ]],
    ['an empty body', [{ body: '  ' }], [e('col_messages[0].body', null, 'empty message body')]],
    ['a body that is not text', [{ body: { a: 1 } }], [e('col_messages[0].body', '{"a":1}', 'expected a string'), e('col_messages[0].body', null, 'empty message body')]],
    ['a NUL character', [{ body: 'a\u0000' }], [e('col_messages[0].body', 'a\\0', 'contains a NUL character'), e('col_messages[0].body', null, 'empty message body')]],
    ['an unknown author kind', [{ body: 'b', author_kind: 'robot' }], [e('col_messages[0].author_kind', 'robot', 'author kind must be one of client, operator, ai, system')]],
    ['an author over 320 characters', [{ body: 'b', author: 'a'.repeat(321) }], [e('col_messages[0].author', `${'a'.repeat(200)}…`, 'longer than 320 characters')]],
    ['a time that is not one', [{ body: 'b' }, { body: 'c', created_at: ' soon ' }], [e('col_messages[1].created_at', ' soon ', NOT_A_DATE)]],
  ];
  it.each(messageCases)('messages: %s', (_name, messages, expected) => {
    expect(errors(m(messages))).toEqual(expected);
  });

  it('a body problem is the only body error; a problem of another field leaves "empty body" to be said', () => {
    expect(errors(raw({}, { problems: [{ field: 'name', value: null, reason: 'not valid UTF-8' }] }))).toEqual([e('col_name', null, 'not valid UTF-8'), e('col_body', '', 'empty body')]);
    expect(errors(raw({}, { problems: [] }))).toEqual([e('col_body', '', 'empty body')]);
  });

  it('message aliases and spacing: authorKind, from, a time with spaces around it; a null alias is no value', () => {
    const { s } = ok(m([{ text: 'b', authorKind: 'operator', from: null, created_at: ' 2026-11-01T10:00:00Z ' }]));
    expect(JSON.parse(s.messages!)).toEqual([{ author_kind: 'operator', author: null, body: 'b', created_at: '2026-11-01T10:00:00.000Z' }]);
  });

  it('an author of exactly 320 characters is taken', () => {
    expect(JSON.parse(ok(m([{ body: 'b', author: 'a'.repeat(320) }])).s.messages!)[0].author).toHaveLength(320);
  });
});
