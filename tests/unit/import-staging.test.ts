import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withBulkSession, type BulkSession } from '../../src/db/bulk.ts';
import { DateReader } from '../../src/services/import/dates.ts';
import { IMPORT_FIELDS, type ImportField } from '../../src/services/import/fields.ts';
import { STAGING_COLUMNS, STAGING_DDL, STAGING_TABLE, stageRow, type Lookups, type RawRow, type RowOptions, type StagedRow } from '../../src/services/import/rows.ts';
import { UnmappedValues } from '../../src/services/import/values.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// The staging table's DDL, its COPY column list and each row's COPY line come from one column
// table (STAGING_TABLE in rows.ts). Here rows go the import's way into a table made from that
// DDL, on the backend of the run, and are read back: every value in its column, with its type,
// escapes undone, NULL where the row had none.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

/** COPYs the lines into a staging table made from STAGING_DDL and reads the rows back, by line. */
function roundTrip(lines: string[]): Promise<Record<string, unknown>[]> {
  return withBulkSession(database.db, (session: BulkSession) =>
    session.transaction(async () => {
      await session.query(`create temporary table import_staging (${STAGING_DDL}) on commit drop`);
      async function* chunks(): AsyncGenerator<string> {
        yield lines.join('');
      }
      expect(await session.copyIn('import_staging', STAGING_COLUMNS, chunks())).toBe(lines.length);
      // The table's own column order is the DDL's: it must be the COPY list's.
      const [first] = await session.query('select * from import_staging limit 1');
      expect(Object.keys(first!)).toEqual(STAGING_COLUMNS);
      // Times as epoch ms, what a staged row holds (the drivers give them as text).
      const select = STAGING_COLUMNS.map((c) => (STAGING_TABLE.types[c].startsWith('timestamptz') ? `(extract(epoch from ${c}) * 1000)::float8 as ${c}` : c));
      return session.query(`select ${select.join(', ')} from import_staging order by line`);
    }),
  );
}

/** What a staged row should read back as: undefined is NULL, messages parsed (jsonb). */
const expected = (row: StagedRow): Record<string, unknown> =>
  Object.fromEntries(STAGING_COLUMNS.map((c) => [c, row[c] === undefined ? null : c === 'messages' ? JSON.parse(row.messages!) : row[c]]));

describe('the staging table: DDL and COPY line from one column table', () => {
  it('every column type, with the characters COPY escapes and with NULLs, reads back as staged', async () => {
    const full: StagedRow = {
      line: 3,
      id: randomUUID(),
      sample_id: randomUUID(),
      source: 'email',
      external_id: 'A\\B\tC',
      email: 'anna@example.kz',
      user_name: 'Анна \\N',
      subject: 'tab\there',
      body: 'line one\r\nline two\\',
      subject_derived: true,
      language: 'kk',
      category_id: randomUUID(),
      category: 'Қолжетімділік',
      department_id: randomUUID(),
      department: 'Hardware',
      priority: 'high',
      issue_type: 'complex',
      status: 'closed',
      created_at: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
      first_response_at: Date.UTC(1970, 0, 1),
      resolved_at: Date.UTC(2025, 0, 3),
      closed_at: Date.UTC(2200, 11, 31, 23, 59, 59, 999),
      content_hash: 'f'.repeat(64),
      messages: JSON.stringify([{ author_kind: 'client', author: null, body: 'a\tb\\c "q"\n\\N', created_at: '2025-01-02T03:04:05.678Z' }]),
      operator_id: randomUUID(),
      durations_unknown: true,
    };
    // Every nullable column empty.
    const bare: StagedRow = {
      line: 2,
      id: randomUUID(),
      sample_id: randomUUID(),
      source: 'chat',
      external_id: undefined,
      email: undefined,
      user_name: undefined,
      subject: 'x',
      body: 'x',
      subject_derived: false,
      language: 'en',
      category_id: undefined,
      category: undefined,
      department_id: undefined,
      department: undefined,
      priority: undefined,
      issue_type: undefined,
      status: 'new',
      created_at: undefined,
      first_response_at: undefined,
      resolved_at: undefined,
      closed_at: undefined,
      content_hash: 'e'.repeat(64),
      messages: undefined,
      operator_id: undefined,
      durations_unknown: false,
    };
    expect(await roundTrip([STAGING_TABLE.line(full), STAGING_TABLE.line(bare)])).toEqual([expected(bare), expected(full)]);
  });

  it("stageRow's lines load: a CSV row with every field and a JSONL row with messages", async () => {
    const ids = { category: randomUUID(), department: randomUUID(), operator: randomUUID() };
    const lookups: Lookups = {
      categories: new Map([['access', { id: ids.category, name: 'Access', departmentId: ids.department }]]),
      departments: new Map(),
      newCategories: new Map(),
      newDepartments: new Map(),
      operators: new Map([['anna petrova', { id: ids.operator, name: 'Anna Petrova' }]]),
      unknownOperators: new Map(),
    };
    const options: RowOptions = {
      defaultSource: 'email',
      createMissing: false,
      columnName: (field) => field,
      dates: new DateReader({ timeZone: 'UTC' }),
      values: new Map(),
      unmapped: new UnmappedValues(),
      strictTimes: false,
    };
    const raw = (line: number, values: Partial<Record<ImportField, string>>, messages?: unknown): RawRow => ({ line, values: IMPORT_FIELDS.map((f) => values[f]), messages });
    const stage = (row: RawRow): string => {
      const result = stageRow(row, lookups, options);
      if (result.ok !== true) throw new Error(`not staged: ${JSON.stringify(result)}`);
      return result.copyLine;
    };
    const rows = await roundTrip([
      stage(raw(5, {
        external_id: 'EXT-1', source: 'Chat', email: ' Anna@Example.COM ', name: 'Anna', subject: 'No access', body: 'Need access\tto the share\nand \\\\server',
        language: 'en', created_at: '2026-11-01T10:00:00Z', first_response_at: '2026-11-01T09:00:00Z', closed_at: '2026-11-02T09:00:00.250Z',
        category: 'access', priority: 'High', issue_type: 'complex', operator: 'Anna Petrova',
      })),
      stage(raw(9, { body: 'Принтер не печатает' }, [{ body: 'Проверьте\tкабель', author_kind: 'operator', author: 'Anna', created_at: '2026-11-01T11:00:00Z' }])),
    ]);
    expect(rows).toEqual([
      {
        line: 5, id: expect.any(String), sample_id: expect.any(String), source: 'chat', external_id: 'EXT-1', email: 'anna@example.com', user_name: 'Anna',
        subject: 'No access', body: 'Need access\tto the share\nand \\\\server', subject_derived: false, language: 'en',
        category_id: ids.category, category: 'Access', department_id: ids.department, department: null, priority: 'high', issue_type: 'complex', status: 'closed',
        created_at: Date.parse('2026-11-01T10:00:00Z'), first_response_at: Date.parse('2026-11-01T09:00:00Z'), resolved_at: null, closed_at: Date.parse('2026-11-02T09:00:00.250Z'),
        content_hash: expect.stringMatching(/^[0-9a-f]{64}$/), messages: null, operator_id: ids.operator,
        // The first response is before the creation: imported, its durations left out.
        durations_unknown: true,
      },
      {
        line: 9, id: expect.any(String), sample_id: expect.any(String), source: 'email', external_id: null, email: null, user_name: null,
        subject: 'Принтер не печатает', body: 'Принтер не печатает', subject_derived: true, language: 'ru',
        category_id: null, category: null, department_id: null, department: null, priority: null, issue_type: null, status: 'new',
        created_at: null, first_response_at: null, resolved_at: null, closed_at: null, content_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        messages: [{ author_kind: 'operator', author: 'Anna', body: 'Проверьте\tкабель', created_at: '2026-11-01T11:00:00.000Z' }],
        operator_id: null, durations_unknown: false,
      },
    ]);
  });
});
