import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadReferenceFixtures } from '../../src/services/reference/fixtures.ts';
import { seedReferenceData } from '../../src/services/reference/seed.ts';
import { createTestDatabase, emptyImportedData, sql, type TestDatabase } from '../support/database.ts';
import { runCli, spawnCli } from '../support/cli.ts';

// Issue 17 (migrating from another helpdesk) and issue 13 items 6, 10 and 11, on a database
// seeded with the reference data of fixtures/ (departments, categories, operators).

const FIXTURES = fileURLToPath(new URL('../../fixtures/imports/', import.meta.url));
let database: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'helpdesk-import-migration-'));

/** Each test starts from the seeded reference data and no tickets. */
async function seed(): Promise<void> {
  await sql(database, 'truncate tickets, training_samples, users, ticket_messages, ai_predictions, daily_stats cascade');
}
beforeAll(async () => {
  database = await createTestDatabase();
  await emptyImportedData(database);
  await seedReferenceData(database.db.em.fork(), loadReferenceFixtures());
});
afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const query = <T = Record<string, unknown>>(text: string): Promise<T[]> => sql<T>(database, text);
async function count(where: string): Promise<number> {
  const [row] = await query<{ n: number }>(`select count(*)::int as n from ${where}`);
  return row!.n;
}
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const importCli = (args: string[], options: { stdin?: string } = {}) => runCli(['import', 'tickets', ...args], { database, ...options });

describe('presets: each sample export imports with --from NAME alone', () => {
  beforeEach(seed);

  // What each sample holds (30 rows; fixtures/imports/, written from the vendor's export columns).
  // The first ticket was created at 08:05 on 2026-03-02, local time (Asia/Almaty, UTC+5): every
  // export writes wall-clock times without a zone. Jira's export has no group: no department. Zammad's
  // and Jira's exports carry no e-mail addresses (customer and reporter names only): no users.
  // Zammad's sheet is saved as it is exported: a title row and an empty row above the header, an
  // empty row and "Timezone: Europe/Moscow" below the tickets; its times are read in that zone
  // (08:05 in Moscow, UTC+3). RT's second ticket has two requestors: the first is the requester.
  const LOCAL = '2026-03-02T03:05:00.000Z';
  const NONE = { skippedLines: { preamble: [], footer: [], emptyRows: 0 }, severalValues: [] };
  it.each([
    ['zendesk', 'zendesk.csv', { closed: 24, waiting: 3, in_work: 3 }, 9, 'mdy', LOCAL, 0, 'Asia/Almaty', NONE],
    ['freshdesk', 'freshdesk.csv', { closed: 24, in_work: 2, waiting: 4 }, 9, null, LOCAL, 0, 'Asia/Almaty', NONE],
    ['zammad', 'zammad.csv', { closed: 24, in_work: 2, waiting: 2, new: 2 }, 0, null, '2026-03-02T05:05:00.000Z', 0, 'Europe/Moscow',
      { skippedLines: { preamble: [1, 2], footer: [{ line: 35, text: 'Timezone: Europe/Moscow' }], emptyRows: 1 }, severalValues: [] }],
    ['rt', 'rt.tsv', { closed: 24, new: 2, in_work: 2, waiting: 2 }, 9, null, LOCAL, 0, 'Asia/Almaty',
      { ...NONE, severalValues: [{ field: 'email', column: 'Requestors', rows: 1 }] }],
    ['osticket', 'osticket.csv', { closed: 24, in_work: 6 }, 9, 'mdy', LOCAL, 0, 'Asia/Almaty', NONE],
    ['jira', 'jira.csv', { closed: 24, in_work: 4, waiting: 2 }, 0, null, LOCAL, 30, 'Asia/Almaty', NONE],
  ] as const)('%s', async (preset, name, statuses, users, dateOrder, firstCreated, withoutDepartment, zone, skipped) => {
    const result = await importCli([join(FIXTURES, name), '--from', preset, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ rows: 30, created: 30, rejected: 0, usersCreated: users, departmentsCreated: [], categoriesCreated: [] });
    expect(summary.report).toMatchObject({
      preset,
      validRows: 30,
      newTickets: 30,
      existingTickets: 0,
      operatorsNotFound: [],
      unmappedValues: [],
      timesOutOfOrder: 0,
      creationTimeInferred: 0,
      history: { from: firstCreated, to: expect.stringMatching(/^2026-05-29T/) },
      times: { timeZone: zone, dateOrder },
      ...skipped,
    });
    const byStatus = Object.fromEntries((await query<{ status: string; n: number }>(`select status::text, count(*)::int as n from tickets group by status`)).map((r) => [r.status, r.n]));
    expect(byStatus).toEqual(statuses);
    // Every ticket has a department (its group / queue) and, but for RT's "Nobody", an operator.
    expect(await count('tickets where department_id is null')).toBe(withoutDepartment);
    expect(await count('tickets where operator_id is null')).toBe(preset === 'rt' ? 5 : 0);
    // Languages detected: ten tickets each in ru, kk and en.
    expect(await query(`select language::text, count(*)::int as n from tickets group by language order by language`)).toEqual([
      { language: 'en', n: 10 },
      { language: 'kk', n: 10 },
      { language: 'ru', n: 10 },
    ]);
    // The first row's creation time, read in the preset's format and the calendar zone (UTC+5).
    const [first] = await query<{ created_at: Date }>(`select created_at from tickets order by number limit 1`);
    expect(new Date(first!.created_at).toISOString()).toBe(firstCreated);
    // A second run adds nothing.
    const again = JSON.parse((await importCli([join(FIXTURES, name), '--from', preset, '--json'])).stdout);
    expect(again.report).toMatchObject({ newTickets: 0, existingTickets: 30 });
  });

  // Zammad's sheet layout and RT's requestor lists, read from variants of the samples: line
  // numbers stay the file's own, skipped lines are reported, not rejected.
  const zammadSample = (): string[] => readFileSync(join(FIXTURES, 'zammad.csv'), 'utf8').trimEnd().split('\n');
  it.each([
    ['--tz wins over the footer', () => zammadSample().join('\n'), ['--tz', 'UTC'], 0, { times: { timeZone: 'UTC' } }, ''],
    ['a bad row keeps its line number', () => zammadSample().map((l, i) => (i === 9 ? l.replace(',closed,', ',archived,') : l)).join('\n'), ['--dry-run'], 2, null, ':10 State "archived"'],
    ['a row after the footer is rejected', () => [...zammadSample(), zammadSample()[3]!].join('\n'), ['--dry-run'], 2, null, ':36: a row after the footer on line 35 ("Timezone: Europe/Moscow")'],
    ['no header line', () => zammadSample().slice(3).join('\n'), [], 2, null, 'no line of the first 31 holds the header columns of preset zammad (#, Title, State)'],
  ] as const)('zammad: %s', async (_, content, flags, code, report, stderr) => {
    const result = await importCli([file('zammad-variant.csv', content()), '--from', 'zammad', '--json', ...flags]);
    expect(result.code).toBe(code);
    if (stderr) expect(result.stderr).toContain(stderr);
    else expect(result.stderr).toBe('');
    if (report) expect(JSON.parse(result.stdout).report).toMatchObject({ skippedLines: { preamble: [1, 2], emptyRows: 1 }, ...report });
  });

  it('zammad from stdin: the footer names a zone the times were not read in, so nothing is written; the dry run reports the skipped lines', async () => {
    const content = readFileSync(join(FIXTURES, 'zammad.csv'), 'utf8');
    const piped = await importCli(['-', '--from', 'zammad'], { stdin: content });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('stdin:35 "Timezone: Europe/Moscow": the times were read in Asia/Almaty; give --tz Europe/Moscow; nothing was written');
    expect(await count('tickets')).toBe(0);
    const dry = await importCli([join(FIXTURES, 'zammad.csv'), '--from', 'zammad', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('skipped, not tickets  lines 1-2 above the header (preamble); line 35 "Timezone: Europe/Moscow" (footer); 1 empty row');
    expect(dry.stdout).toContain('read in Europe/Moscow, as "Timezone: Europe/Moscow" on line 35 says');
    const rt = await importCli([join(FIXTURES, 'rt.tsv'), '--from', 'rt', '--dry-run']);
    expect(rt.stdout).toContain('several values        Requestors: 1 row held a list; the first value was taken');
  });

  it('import presets lists them; show prints JSON that --preset-file reads back, edited', async () => {
    // As a process too: bin/helpdesk runs the bundle in dist/ when it is built (npm ci), and the
    // preset files must be found from there as from the sources.
    const spawned = await spawnCli(['import', 'presets'], {});
    expect({ code: spawned.code, stderr: spawned.stderr }).toEqual({ code: 0, stderr: '' });
    expect(spawned.stdout).toContain('zendesk');
    const list = await runCli(['import', 'presets'], { database });
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toBe('name\tsystem\tdate order\tcolumns read');
    expect(list.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0])).toEqual(['freshdesk', 'jira', 'osticket', 'rt', 'zammad', 'zendesk']);
    const shown = await runCli(['import', 'presets', 'show', 'zendesk'], { database });
    const preset = JSON.parse(shown.stdout);
    expect(preset).toMatchObject({ name: 'zendesk', dateOrder: 'mdy', columns: { external_id: ['Id', 'ID'] }, values: { priority: { Urgent: 'critical' } } });
    // An admin's edit: "Normal" is high in their helpdesk.
    preset.values.priority.Normal = 'high';
    const edited = file('my-zendesk.json', JSON.stringify(preset, null, 2));
    const result = await importCli([join(FIXTURES, 'zendesk.csv'), '--preset-file', edited, '--json']);
    expect(result.code).toBe(0);
    expect(await count(`tickets where priority = 'medium'`)).toBe(0);
    expect(await count(`tickets where priority = 'high'`)).toBe(15);
    expect((await runCli(['import', 'presets', 'show', 'kayako'], { database })).stderr).toBe('error: --from: unknown preset "kayako"; presets: freshdesk, jira, osticket, rt, zammad, zendesk (or --preset-file FILE)\n');
  });

  it('--map and --value override a preset', async () => {
    const result = await importCli([join(FIXTURES, 'freshdesk.csv'), '--from', 'freshdesk', '--map', 'body=Subject', '--value', 'priority:Urgent=high', '--value', 'source:portal=chat', '--json']);
    expect(result.code).toBe(0);
    expect(await count(`tickets where priority = 'critical'`)).toBe(0);
    expect(await count(`tickets where body = subject`)).toBe(30);
    // Portal -> chat by the flag; Feedback Widget is still portal by the preset.
    expect(await count(`tickets where source = 'chat'`)).toBe(12);
    expect(await count(`tickets where source = 'portal'`)).toBe(6);
  });
});

describe('a generic foreign export (issue 17): --map and --value only', () => {
  beforeEach(seed);
  const map = [
    '--map',
    'external_id=Ticket_ID,name=Customer_Name,email=Customer_Email,subject=Ticket_Subject,body=Ticket_Description,status=Ticket_Status,priority=Ticket_Priority,source=Ticket_Channel,first_response_at=First_Response_Time,resolved_at=Time_to_Resolution',
  ];
  const generic = join(FIXTURES, 'generic.csv');

  it('a dry run lists every unmapped value once with its count; with the flags every row imports', async () => {
    // Six rows carry two unmapped values (Social media and Open or Pending Customer Response): the
    // counts below are every occurrence in the file (10, 13, 13), so a row's first unmapped value
    // does not hide its second.
    const dry = await importCli([generic, ...map, '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain(
      [
        '  unmapped values       3 (each is a rejected row; add the flags):',
        '    Ticket_Channel "Social media": 10 rows  --value "source:Social media=email|chat|portal|phone"',
        '    Ticket_Status "Open": 13 rows  --value "status:Open=new|auto_resolved|in_work|waiting|closed"',
        '    Ticket_Status "Pending Customer Response": 13 rows  --value "status:Pending Customer Response=new|auto_resolved|in_work|waiting|closed"',
      ].join('\n'),
    );
    expect(dry.stderr).toContain(`rejected ${generic}:2 Ticket_Channel "Social media": source "Social media" is not one of email, chat, portal, phone: map it with --value "source:Social media=email|chat|portal|phone"\n`);
    expect(await count('tickets')).toBe(0);

    const values = ['--value', 'source:social media=portal', '--value', 'status:Open=in_work', '--value', 'status:pending customer response=waiting'];
    const real = await importCli([generic, ...map, ...values, '--json']);
    expect(real.code).toBe(0);
    const summary = JSON.parse(real.stdout);
    expect(summary).toMatchObject({ rows: 40, created: 40, rejected: 0 });
    // Rows 5, 12, ... have their resolution two hours before the first response.
    expect(summary.report).toMatchObject({ unmappedValues: [], timesOutOfOrder: 2, creationTimeInferred: 27, newTickets: 40 });
    expect(real.stderr.split('\n').filter(Boolean)).toEqual([
      `warning ${generic}:5: times out of order: Time_to_Resolution 2026-03-14 13:42 is before First_Response_Time 2026-03-14 15:42; imported, its durations left out of the statistics (--strict-times rejects such rows)`,
      `warning ${generic}:26: times out of order: Time_to_Resolution 2026-05-13 10:42 is before First_Response_Time 2026-05-13 12:42; imported, its durations left out of the statistics (--strict-times rejects such rows)`,
    ]);
    expect(await count(`tickets where source = 'portal'`)).toBe(10);
    expect(await count(`tickets where status = 'closed'`)).toBe(14);
  });
});

describe('times out of order (issue 13, item 10)', () => {
  beforeEach(seed);
  // Created 05-01, first response 04-01, resolved 03-01, closed 02-01: the probe's row.
  const csv = [
    'external_id,body,status,created_at,first_response_at,resolved_at,closed_at',
    'T1,Printer is broken,closed,2026-05-01 10:00,2026-05-01 10:30,2026-05-01 12:00,2026-05-01 13:00',
    'T2,VPN is down,closed,2026-05-01 10:00,2026-04-01 10:00,2026-03-01 10:00,2026-02-01 10:00',
    'T3,Mail is slow,closed,2026-05-01 11:00,2026-05-01 14:00,2026-05-01 12:00,2026-05-01 15:00',
  ].join('\n');

  it('imports with a warning per row, marks the durations unknown and keeps them out of the statistics', async () => {
    const path = file('order.csv', csv);
    const result = await importCli([path, '--tz', 'UTC']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `warning ${path}:3: times out of order: first_response_at 2026-04-01 10:00 is before created_at 2026-05-01 10:00; imported, its durations left out of the statistics (--strict-times rejects such rows)\n` +
        `warning ${path}:4: times out of order: resolved_at 2026-05-01 12:00 is before first_response_at 2026-05-01 14:00; imported, its durations left out of the statistics (--strict-times rejects such rows)\n`,
    );
    expect(result.stdout).toContain('  times out of order    2 rows (imported with a warning; their durations stay out of the statistics)\n');
    expect(await query(`select external_id, durations_unknown from tickets order by number`)).toEqual([
      { external_id: 'T1', durations_unknown: false },
      { external_id: 'T2', durations_unknown: true },
      { external_id: 'T3', durations_unknown: true },
    ]);
    // Statistics (days in Asia/Almaty): all three tickets created and resolved on 2026-05-01; only
    // T1's durations count (30 min to the first response, 2 h to the resolution).
    const [day] = await query<Record<string, number>>(
      `select tickets_created, resolved, first_responses, first_response_seconds_sum::int as frs, resolution_seconds_sum::int as rs from daily_stats where day = '2026-05-01' and department_id is null`,
    );
    expect(day).toEqual({ tickets_created: 3, resolved: 3, first_responses: 1, frs: 1800, rs: 7200 });
    // Imported handled tickets are history: counted apart from the day's intake unless included.
    const daily = JSON.parse((await runCli(['stats', 'daily', '--from', '2026-05-01', '--to', '2026-05-01', '--history', 'include', '--json'], { database })).stdout);
    expect(daily.rows[0]).toMatchObject({ newTickets: 3, resolved: 3, avgFirstResponseMinutes: 30 });
    // A rebuild from the tickets gives the very same figures.
    expect((await runCli(['stats', 'rebuild'], { database })).code).toBe(0);
    const [rebuilt] = await query<Record<string, number>>(
      `select tickets_created, resolved, first_responses, first_response_seconds_sum::int as frs, resolution_seconds_sum::int as rs from daily_stats where day = '2026-05-01' and department_id is null`,
    );
    expect(rebuilt).toEqual(day);
  });

  it('--strict-times rejects such rows and writes nothing', async () => {
    const path = file('order.csv', csv);
    const result = await importCli([path, '--tz', 'UTC', '--strict-times']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      `rejected ${path}:3 first_response_at "2026-04-01 10:00": times out of order: first_response_at 2026-04-01 10:00 is before created_at 2026-05-01 10:00 (rejected by --strict-times)`,
      `rejected ${path}:4 resolved_at "2026-05-01 12:00": times out of order: resolved_at 2026-05-01 12:00 is before first_response_at 2026-05-01 14:00 (rejected by --strict-times)`,
      `error: 2 of 3 rows rejected in ${path}: nothing was written (fix them, or use --on-error skip to import the valid rows)`,
    ]);
    expect(await count('tickets')).toBe(0);
  });
});

describe('day and month', () => {
  beforeEach(seed);

  it('a file with only ambiguous slash dates is refused with the first of them', async () => {
    const path = file('ambiguous.csv', 'external_id,body,created_at\nA1,Printer,5/5/2024 10:00\nA2,VPN,3/4/2024 10:00\nA3,Mail,4/3/2024 10:00\n');
    const result = await importCli([path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: ${path}:3 created_at "3/4/2024 10:00": day and month cannot be told apart, and no date in the file has a day above 12 to decide: give --date-order dmy (D/M/YYYY) or mdy (M/D/YYYY) (in the whole file); nothing was written\n`,
    );
    expect(await count('tickets')).toBe(0);
    // The flag settles it.
    expect((await importCli([path, '--date-order', 'dmy', '--tz', 'UTC'])).code).toBe(0);
    expect((await query<{ d: string }>(`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as d from tickets order by number`)).map((r) => r.d)).toEqual(['2024-05-05', '2024-04-03', '2024-03-04']);
  });

  it('a later day above 12 decides the file: the rows held back before it are read that way', async () => {
    const path = file('decided.csv', 'external_id,body,created_at\nD1,Printer,3/4/2024 10:00\nD2,VPN,1/2/2024\nD3,Mail,25/4/2024 9:15\nD4,Disk,2/3/2024\nD5,Chair,4/25/2024\n');
    const result = await importCli([path, '--tz', 'UTC', '--on-error', 'skip', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`rejected ${path}:6 created_at "4/25/2024": not a date in this file's D/M/YYYY order (decided by "25/4/2024 9:15" on line 4; give --date-order if that is wrong)`);
    expect(JSON.parse(result.stdout).report.times).toEqual({ timeZone: 'UTC', dateOrder: 'dmy', dateOrderDecidedBy: { line: 4, value: '25/4/2024 9:15' }, epoch: false });
    expect(await query(`select external_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at from tickets order by number`)).toEqual([
      { external_id: 'D1', at: '2024-04-03 10:00' },
      { external_id: 'D2', at: '2024-02-01 00:00' },
      { external_id: 'D3', at: '2024-04-25 09:15' },
      { external_id: 'D4', at: '2024-03-02 00:00' },
    ]);
  });

  it('--epoch reads Unix seconds; --tz reads zoneless times; a bad zone is a usage error', async () => {
    const path = file('epoch.csv', 'external_id,body,created_at\nU1,Printer,1685604540\nU2,VPN,2023-06-01 7:29\n');
    expect((await importCli([path, '--epoch', '--tz', 'Europe/Moscow'])).code).toBe(0);
    expect((await query<{ at: string }>(`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at from tickets order by number`)).map((r) => r.at)).toEqual(['2023-06-01 07:29', '2023-06-01 04:29']);
    const bad = await importCli([path, '--tz', 'Mars/Olympus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: unknown time zone "Mars/Olympus" (expected a name like Asia/Almaty or Europe/Moscow, UTC, or an offset like +05:00)\n');
  });
});

describe('file shapes (issue 13, items 6 and 11)', () => {
  beforeEach(seed);

  it.each([
    ['one line', '[{"external_id":"F48","body":"x"},{"external_id":"F49","body":"y","source":"chat"}]'],
    ['many lines', '[\n  {"external_id": "F48", "body": "x"},\n  {"external_id": "F49",\n   "body": "y", "source": "chat"}\n]\n'],
  ])('a JSON array over %s imports every element', async (_, text) => {
    const path = file('array.json', text);
    const result = await importCli([path, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ format: 'json', rows: 2, created: 2 });
    expect(await query(`select external_id, source::text from tickets order by number`)).toEqual([
      { external_id: 'F48', source: 'email' },
      { external_id: 'F49', source: 'chat' },
    ]);
    // From stdin too (the first character says it is an array).
    const stdin = await importCli(['-', '--json'], { stdin: text });
    expect(JSON.parse(stdin.stdout)).toMatchObject({ format: 'json', rows: 2, created: 0, skipped: 2 });
  });

  it('a JSON array element that is not a ticket names its line; a broken array is one clear error', async () => {
    const path = file('bad.json', '[\n  {"body": "ok"},\n  "text",\n  {"body": 1}\n]');
    const result = await importCli([path]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`rejected ${path}:3 "\\"text\\"": each element of the array must be a JSON object`);
    const broken = file('broken.json', '[{"body": "ok"}, {"body": "x"}');
    const r2 = await importCli([broken]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toBe('error: line 1: the JSON array is not closed (a missing "]"?)\n');
    expect(await count('tickets')).toBe(0);
  });

  it('duplicate CSV headers the import reads are refused with the line and the columns', async () => {
    const path = file('dup.csv', 'external_id,body,body\nE1,a,b\n');
    const result = await importCli([path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${path}:1: the header names a column it reads more than once: "body" (columns 2, 3); rename one of them, or --map the field to another column\n`);
    expect(await count('tickets')).toBe(0);
  });

  it('assignees: matched to operators by name or e-mail; unknown ones are row errors, or with --create-missing imported unassigned and reported', async () => {
    const path = file('assignees.csv', 'external_id,body,assignee\nO1,Printer,Анна Ким\nO2,VPN,SARAH.MITCHELL@helpdesk.example.kz\nO3,Mail,Ivan Former\nO4,Disk,Ivan Former\n');
    const strict = await importCli([path]);
    expect(strict.code).toBe(2);
    expect(strict.stderr.split('\n')[0]).toBe(`rejected ${path}:4 assignee "Ivan Former": unknown operator (add it with operators add, or use --create-missing to import the ticket unassigned)`);
    const lenient = await importCli([path, '--create-missing', '--json']);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout).report.operatorsNotFound).toEqual([{ name: 'Ivan Former', rows: 2 }]);
    expect(await query(`select t.external_id, o.name from tickets t left join operators o on o.id = t.operator_id order by t.number`)).toEqual([
      { external_id: 'O1', name: 'Анна Ким' },
      { external_id: 'O2', name: 'Sarah Mitchell' },
      { external_id: 'O3', name: null },
      { external_id: 'O4', name: null },
    ]);
  });
});
