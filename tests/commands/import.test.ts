import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, emptyImportedData, sql, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/cli.ts';
import { SHARED_ABSENT, sharedFile } from '../support/shared.ts';

// The 38,331 real IT tickets of the shared material; without it those tests skip (CI runs them).
const IT_TICKETS = sharedFile('data', 'it-tickets', 'tickets.csv');
const IT_TICKET_ROWS = 38_331;

let database: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'helpdesk-import-'));

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const query = <T = Record<string, unknown>>(text: string): Promise<T[]> => sql<T>(database, text);
async function count(table: string): Promise<number> {
  const [row] = await query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return row!.n;
}
const emptyTickets = (): Promise<void> => emptyImportedData(database);
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const importCli = (args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) => runCli(['import', 'tickets', ...args], { database, ...options });

describe.skipIf(IT_TICKETS === undefined)(`import tickets: the real IT tickets${IT_TICKETS === undefined ? ` (${SHARED_ABSENT})` : ''}`, () => {
  beforeAll(emptyTickets);

  it(`imports all ${IT_TICKET_ROWS} rows with --map body=Document,category=Topic_group --create-missing; a second run adds nothing`, async () => {
    const args = [IT_TICKETS!, '--map', 'body=Document,category=Topic_group', '--create-missing', '--json'];
    const first = await importCli(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    // A large import into an empty table builds the indexes once at the end (--rebuild-indexes auto).
    expect(summary).toMatchObject({ rows: IT_TICKET_ROWS, created: IT_TICKET_ROWS, skipped: 0, rejected: 0, written: true, usersCreated: 0, indexesRebuilt: true });
    expect(summary.categoriesCreated.sort()).toEqual(['Access', 'Administrative rights', 'HR Support', 'Hardware', 'Internal Project', 'Miscellaneous', 'Purchase', 'Storage']);
    expect(summary.departmentsCreated).toEqual(['Unassigned']);
    expect(await count('tickets')).toBe(IT_TICKET_ROWS);
    // Every labelled row is a historic training sample, one per distinct text.
    const [hashes] = await query<{ n: number }>('select count(distinct content_hash)::int as n from tickets');
    expect(summary.samplesCreated).toBe(hashes!.n);
    expect(await count(`training_samples where label_source = 'historic'`)).toBe(hashes!.n);
    const byCategory = await query<{ name: string; n: number }>(
      'select c.name, count(*)::int as n from tickets t join categories c on c.id = t.category_id group by c.name order by n desc',
    );
    expect(byCategory.slice(0, 3)).toEqual([
      { name: 'Hardware', n: 10879 },
      { name: 'HR Support', n: 8697 },
      { name: 'Access', n: 5748 },
    ]);
    // Subjects derived from the body, language detected (the data set is English).
    const [sample] = await query<{ subject: string; body: string; language: string; status: string; source: string }>('select subject, body, language, status, source from tickets order by number limit 1');
    expect(sample!.body.startsWith(sample!.subject.replace(/…$/, ''))).toBe(true);
    expect(sample).toMatchObject({ language: 'en', status: 'new', source: 'email' });
    expect(await count(`tickets where language <> 'en'`)).toBeLessThan(IT_TICKET_ROWS / 100);

    const second = await importCli(args);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ rows: IT_TICKET_ROWS, created: 0, skipped: IT_TICKET_ROWS, rejected: 0, samplesCreated: 0, categoriesCreated: [], departmentsCreated: [], indexesRebuilt: false });
    expect(await count('tickets')).toBe(IT_TICKET_ROWS);
    expect(await count('training_samples')).toBe(hashes!.n);
  }, 180_000);
});

describe('import tickets: broken rows', () => {
  beforeEach(emptyTickets);

  // Line numbers are the file's: the quoted body of E6 spans lines 7-8.
  const broken = Buffer.concat([
    Buffer.from(
      [
        'external_id,email,subject,body,priority,created_at',
        'E1,Anna@Example.kz,Printer,Printer is broken,high,2024-03-01 09:30',
        'E2,b@example.kz,VPN,VPN is down,urgent,2024-03-01',
        'E3,c@example.kz,Empty,,low,2024-03-01',
        'E4,d@example.kz,Date,Body text,low,2024-13-45',
        'E5,e@example.kz,Short,Too few',
        'E6,anna@example.kz,Multi,"line one',
        'line two, with a comma and ""quotes""",medium,',
        'E7,g@example.kz,Bad,',
      ].join('\n'),
    ),
    Buffer.from([0xd0, 0x9f, 0xff, 0xfe, 0x21]),
    Buffer.from([',low,', '\r\n', 'E8,h@example.kz,,Пароль истёк,,01.03.2024 10:00', ''].join('')),
  ]);
  const URGENT = 'priority "urgent" is not one of low, medium, high, critical: map it with --value "priority:urgent=low|medium|high|critical"';
  const BAD_DATE = 'not a date and time (no such day or time; expected e.g. 2024-03-01 9:30, 2024-03-01T09:30:00Z, 1.3.2024 9:30, 3/1/2024 9:30 AM)';
  const errorLines = (path: string) => [
    `rejected ${path}:3 priority "urgent": ${URGENT}`,
    `rejected ${path}:4 body "": empty body`,
    `rejected ${path}:5 created_at "2024-13-45": ${BAD_DATE}`,
    `rejected ${path}:6: expected 6 columns, found 4`,
    `rejected ${path}:9 body: not valid UTF-8 (for a Windows export, try --encoding cp1251)`,
  ];

  it('rejects the file with every bad row named by line, field, value and reason, and writes nothing', async () => {
    const path = file('broken.csv', broken);
    const errors = join(dir, 'errors.jsonl');
    const result = await importCli([path, '--errors', errors]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      ...errorLines(path),
      `error: 5 of 8 rows rejected in ${path}: nothing was written (fix them, or use --on-error skip to import the valid rows)`,
    ]);
    expect(result.stdout).toMatch(/^nothing written: 5 of 8 rows rejected \(8 rows in \d+\.\d s, [\d,]+ rows\/s\)\nmigration report:\n/);
    expect(result.stdout).toContain('  unmapped values       1 (each is a rejected row; add the flags):\n    priority "urgent": 1 row  --value "priority:urgent=low|medium|high|critical"\n');
    expect(readFileSync(errors, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual([
      { line: 3, field: 'priority', value: 'urgent', reason: URGENT },
      { line: 4, field: 'body', value: '', reason: 'empty body' },
      { line: 5, field: 'created_at', value: '2024-13-45', reason: BAD_DATE },
      { line: 6, field: null, value: null, reason: 'expected 6 columns, found 4' },
      { line: 9, field: 'body', value: null, reason: 'not valid UTF-8 (for a Windows export, try --encoding cp1251)' },
    ]);
    for (const table of ['tickets', 'users', 'training_samples']) expect(await count(table)).toBe(0);
  });

  it('--dry-run with --on-error skip reports what would happen and writes nothing', async () => {
    const path = file('broken.csv', broken);
    const result = await importCli([path, '--on-error', 'skip', '--dry-run', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: true, written: false, rows: 8, created: 3, skipped: 0, rejected: 5, usersCreated: 2 });
    expect(await count('tickets')).toBe(0);
    expect(await count('users')).toBe(0);
  });

  it('--on-error skip writes exactly the valid rows (exit 2 all the same); a rerun adds nothing', async () => {
    const path = file('broken.csv', broken);
    const result = await importCli([path, '--on-error', 'skip']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([...errorLines(path), `error: 5 of 8 rows rejected in ${path} and left out`]);
    expect(result.stdout).toMatch(/^created 3 tickets, skipped 0 existing, rejected 5 \(8 rows in .* rows\/s\)\n {2}also created: users 2; training samples 0\nmigration report:\n/);
    const tickets = await query<{ external_id: string; subject: string; body: string; priority: string | null; language: string; email: string | null; created_at: Date }>(
      `select t.external_id, t.subject, t.body, t.priority, t.language, u.email, t.created_at from tickets t left join users u on u.id = t.user_id order by t.number`,
    );
    expect(tickets.map((t) => [t.external_id, t.subject, t.priority, t.language, t.email])).toEqual([
      // E-mail addresses are stored in one form: lower-case.
      ['E1', 'Printer', 'high', 'en', 'anna@example.kz'],
      ['E6', 'Multi', 'medium', 'en', 'anna@example.kz'],
      ['E8', 'Пароль истёк', null, 'ru', 'h@example.kz'],
    ]);
    expect(tickets[1]!.body).toBe('line one\nline two, with a comma and "quotes"');
    // Times without a zone are in the calendar zone (Asia/Almaty, UTC+5, by default).
    expect(new Date(tickets[0]!.created_at).toISOString()).toBe('2024-03-01T04:30:00.000Z');
    expect(new Date(tickets[2]!.created_at).toISOString()).toBe('2024-03-01T05:00:00.000Z');

    const again = await importCli([path, '--on-error', 'skip', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, skipped: 3, rejected: 5, usersCreated: 0 });
    expect(await count('tickets')).toBe(3);
  });

  it('an unknown category or department is a row error without --create-missing', async () => {
    await query(`insert into departments (name) values ('Service Desk')`);
    await query(`insert into categories (name, default_department_id) select 'Access', id from departments`);
    const path = file('labels.csv', 'body,category,department\nReset my password,access,service desk\nNew chair,Furniture,\nVPN,Access,Facilities\n');
    const result = await importCli([path]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('rejected'))).toEqual([
      `rejected ${path}:3 category "Furniture": unknown category (add it first, or use --create-missing)`,
      `rejected ${path}:4 department "Facilities": unknown department (add it first, or use --create-missing)`,
    ]);
    const ok = await importCli([path, '--create-missing', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ created: 3, categoriesCreated: ['Furniture'], departmentsCreated: ['Unassigned', 'Facilities'], samplesCreated: 3 });
    const rows = await query<{ body: string; category: string; department: string }>(
      `select t.body, c.name as category, d.name as department from tickets t join categories c on c.id = t.category_id join departments d on d.id = t.department_id order by t.number`,
    );
    // A category without a department in the row gets the category's default department.
    expect(rows).toEqual([
      { body: 'Reset my password', category: 'Access', department: 'Service Desk' },
      { body: 'New chair', category: 'Furniture', department: 'Unassigned' },
      { body: 'VPN', category: 'Access', department: 'Facilities' },
    ]);
    const samples = await query<{ text: string; category: string; department: string | null }>(`select text, category, department from training_samples order by text`);
    expect(samples).toEqual([
      { text: 'New chair', category: 'Furniture', department: null },
      { text: 'Reset my password', category: 'Access', department: 'Service Desk' },
      { text: 'VPN', category: 'Access', department: 'Facilities' },
    ]);
  });
});

describe('import tickets: formats', () => {
  beforeEach(emptyTickets);

  it('JSONL from stdin with messages; users matched by e-mail regardless of case; Kazakh detected as Kazakh', async () => {
    const lines = [
      { external_id: 'J1', source: 'chat', user_email: 'Yerzhan@Example.kz', user_name: 'Ержан', body: 'Құпиясөзімнің мерзімі өтіп кетіпті, жаңасын қоя алмай жатырмын. Көмектесіңізші.', messages: [{ author_kind: 'client', body: 'Сәлеметсіз бе' }, { author_kind: 'operator', author: 'Aliya', body: 'Қазір тексеремін', created_at: '2026-11-24T09:10:00+05:00' }] },
      { external_id: 'J2', source: 'email', email: 'yerzhan@example.kz', subject: 'Принтер', body: 'Принтер не печатает, бумага застревает.' },
      { external_id: 'J3', source: 'portal', body: 'Outlook keeps asking for my password', created_at: '2026-11-24T10:00:00Z' },
    ];
    const input = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    const result = await importCli(['-', '--json'], { stdin: input });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ file: 'stdin', format: 'jsonl', created: 3, usersCreated: 1, messagesCreated: 2, samplesCreated: 0 });
    const tickets = await query<{ external_id: string; source: string; language: string; subject: string; email: string | null }>(
      `select t.external_id, t.source, t.language, t.subject, u.email from tickets t left join users u on u.id = t.user_id order by t.external_id`,
    );
    expect(tickets).toEqual([
      { external_id: 'J1', source: 'chat', language: 'kk', subject: 'Құпиясөзімнің мерзімі өтіп кетіпті, жаңасын қоя алмай жатырмын. Көмектесіңізші.', email: 'yerzhan@example.kz' },
      { external_id: 'J2', source: 'email', language: 'ru', subject: 'Принтер', email: 'yerzhan@example.kz' },
      { external_id: 'J3', source: 'portal', language: 'en', subject: 'Outlook keeps asking for my password', email: null },
    ]);
    const messages = await query<{ author_kind: string; author: string | null; body: string }>(
      `select m.author_kind, m.author, m.body from ticket_messages m order by m.created_at`,
    );
    // The operator's message has its own time; the client's takes the ticket's (none given: now).
    expect(messages).toEqual([
      { author_kind: 'operator', author: 'Aliya', body: 'Қазір тексеремін' },
      { author_kind: 'client', author: null, body: 'Сәлеметсіз бе' },
    ]);
    const again = await importCli(['-', '--json'], { stdin: input });
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, skipped: 3, messagesCreated: 0 });
    expect(await count('ticket_messages')).toBe(2);
  });

  it('JSONL errors: bad JSON, a non-object, a bad message, a number where text belongs is fine', async () => {
    const path = file('bad.jsonl', ['{"body": "ok", "external_id": 17}', '{"body": ', '[1,2]', '', '{"body": "x", "messages": [{"author_kind": "robot", "body": "hi"}]}'].join('\n'));
    const result = await importCli([path, '--errors', join(dir, 'e.jsonl')]);
    expect(result.code).toBe(2);
    const errors = readFileSync(join(dir, 'e.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(errors.map((e) => [e.line, e.field, e.reason.split(' (')[0]])).toEqual([
      [2, null, 'not valid JSON'],
      [3, null, 'each line must be a JSON object'],
      [5, 'messages[0].author_kind', 'author kind must be one of client, operator, ai, system'],
    ]);
    expect(await count('tickets')).toBe(0);
  });

  it('cp1251 with a semicolon delimiter; UTF-8 with a BOM; tabs given with --delimiter; rows without an external id deduplicated by content', async () => {
    const encoder = (text: string): Buffer => Buffer.from([...text].map((ch) => (ch.charCodeAt(0) < 128 ? ch.charCodeAt(0) : ch.charCodeAt(0) - 0x410 + 0xc0)));
    const windows = file('win.csv', encoder('Тема;Текст\r\nПринтер;Не печатает принтер\r\nПочта;Не работает почта\r\n'));
    const result = await importCli([windows, '--encoding', 'cp1251', '--map', 'subject=Тема,body=Текст', '--json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ created: 2 });
    const utf8 = file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('body\tsubject\nНе печатает принтер\tПринтер\nNew laptop\tLaptop\n')]));
    const bom = await importCli([utf8, '--delimiter', 'tab', '--json']);
    expect(bom.stderr).toBe('');
    // The first row is the same text as a cp1251 row (same subject and body): skipped.
    expect(JSON.parse(bom.stdout)).toMatchObject({ created: 1, skipped: 1 });
    const subjects = await query<{ subject: string }>('select subject from tickets order by number');
    expect(subjects.map((s) => s.subject)).toEqual(['Принтер', 'Почта', 'Laptop']);
  });

  it('a progress bar on stderr only when it is a terminal; stdout keeps the summary', async () => {
    const path = file('progress.csv', 'body\nOne\nTwo\n');
    const piped = await importCli([path], { env: { NO_COLOR: '1' } });
    expect(piped.stderr).toBe('');
    const terminal = await runCli(['import', 'tickets', path], { database, tty: true, env: { NO_COLOR: '1' } });
    expect(terminal.code).toBe(0);
    const full = '\r[##############################] 100% ';
    const rate = terminal.stderr.split(', ')[1]!.split(' rows/s')[0];
    // Reading, then what the writing is doing while the bar stays full, then the line is erased.
    expect(terminal.stderr).toBe(
      `${full}2 rows, ${rate} rows/s\x1b[K` +
        ['creating users', 'creating tickets and training samples', 'committing'].map((step) => `${full}2 rows read; ${step} …\x1b[K`).join('') +
        '\r\x1b[K',
    );
    expect(terminal.stdout).toMatch(/^created 0 tickets, skipped 2 existing, rejected 0 /);
  });

  it('usage errors: a mapped column that is not there, an unknown field, a missing file', async () => {
    const path = file('small.csv', 'Document,Topic_group\nhello,Hardware\n');
    const missingColumn = await importCli([path, '--map', 'body=Text']);
    expect(missingColumn.code).toBe(2);
    expect(missingColumn.stderr).toBe(`error: ${path}: --map body=Text: no column "Text" in the header (columns: Document, Topic_group)\n`);
    const unknownField = await importCli([path, '--map', 'colour=Document']);
    expect(unknownField.stderr).toMatch(/^error: --map: unknown field "colour"; fields are external_id, source, /);
    const noBody = await importCli([path]);
    expect(noBody.stderr).toBe(`error: ${path}: no column for the ticket body: name it with --map body=COLUMN (columns: Document, Topic_group)\n`);
    const missing = await importCli([join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: cannot read ${join(dir, 'nope.csv')}: no such file\n`);
    expect(existsSync(join(dir, 'nope.csv'))).toBe(false);
  });
});

describe('import tickets: an external id already taken by another ticket', () => {
  beforeAll(emptyTickets);
  const NOTHING = 'nothing was written (fix them, or use --on-error skip to import the valid rows)';
  const taken = (path: string, line: number, id: string, number: string, hint = "give a second system's export --id-prefix") =>
    `rejected ${path}:${line} external_id "${id}": ticket #${number} (email) has this id with another subject or body: edited since it was imported, or another system's ticket (${hint})`;
  const ids = async () => (await query<{ external_id: string }>('select external_id from tickets order by number')).map((t) => t.external_id);

  it("refuses a second system's tickets numbered like the first's instead of skipping them; --id-prefix imports them apart", async () => {
    const first = file('first-system.csv', 'external_id,subject,body\n1,VPN,VPN drops every hour\n2,Printer,Printer jams on floor 3\n3,Mail,Mailbox is full\n');
    expect(JSON.parse((await importCli([first, '--json'])).stdout)).toMatchObject({ created: 3, skipped: 0, rejected: 0 });
    const one = (await query<{ number: string }>(`select number::text from tickets where external_id = '1'`))[0]!.number;
    const two = String(Number(one) + 1);

    // Ids 1 and 2 are other tickets; id 3 is the same ticket exported again (same subject and body).
    const second = file('second-system.csv', 'external_id,subject,body\n1,Laptop,Laptop will not boot\n2,Access,Need access to the finance share\n3,Mail,Mailbox is full\n');
    const refused = await importCli([second]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n').filter(Boolean)).toEqual([taken(second, 2, '1', one), taken(second, 3, '2', two), `error: 2 of 3 rows rejected in ${second}: ${NOTHING}`]);
    expect(await ids()).toEqual(['1', '2', '3']);

    const skipped = await importCli([second, '--on-error', 'skip', '--dry-run', '--json']);
    expect(skipped.code).toBe(2);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ written: false, rows: 3, created: 0, skipped: 1, rejected: 2, report: { validRows: 1, newTickets: 0, existingTickets: 1 } });

    const apart = await importCli([second, '--id-prefix', 'jira:', '--json']);
    expect(apart.stderr).toBe('');
    expect(JSON.parse(apart.stdout)).toMatchObject({ written: true, created: 3, skipped: 0, rejected: 0 });
    expect(await ids()).toEqual(['1', '2', '3', 'jira:1', 'jira:2', 'jira:3']);
    const shown = await runCli(['tickets', 'show', 'email:jira:2', '--json'], { database });
    expect(JSON.parse(shown.stdout)).toMatchObject({ externalId: 'jira:2', subject: 'Access' });
    // Run again with its prefix: the same tickets, skipped.
    expect(JSON.parse((await importCli([second, '--id-prefix', 'jira:', '--json'])).stdout)).toMatchObject({ created: 0, skipped: 3, rejected: 0 });

    // The prefix is named in the hint when the prefixed id is taken too.
    const edited = file('second-edited.csv', 'external_id,subject,body\n2,Access,Need access to the payroll share\n');
    const again = await importCli([edited, '--id-prefix', 'jira:']);
    expect(again.code).toBe(2);
    const jira2 = (await query<{ number: string }>(`select number::text from tickets where external_id = 'jira:2'`))[0]!.number;
    expect(again.stderr.split('\n')[0]).toBe(taken(edited, 2, '2', jira2, 'another --id-prefix than "jira:"'));
  });

  it('refuses a later row of the file whose id an earlier row has with another text; the same text again is a skip', async () => {
    const path = file('same-id-twice.csv', 'external_id,subject,body\n7,Monitor,Monitor flickers\n7,Keyboard,Keyboard is missing keys\n7,Monitor,Monitor flickers\n8,Phone,Desk phone is dead\n');
    const refused = await importCli([path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n').filter(Boolean)).toEqual([`rejected ${path}:3 external_id "7": line 2 has this id with another subject or body`, `error: 1 of 4 rows rejected in ${path}: ${NOTHING}`]);
    expect(await count('tickets')).toBe(6);

    const errors = join(dir, 'same-id-errors.jsonl');
    const written = await importCli([path, '--on-error', 'skip', '--errors', errors, '--json']);
    expect(written.code).toBe(2);
    expect(JSON.parse(written.stdout)).toMatchObject({ written: true, rows: 4, created: 2, skipped: 1, rejected: 1 });
    expect(readFileSync(errors, 'utf8')).toBe(JSON.stringify({ line: 3, field: 'external_id', value: '7', reason: 'line 2 has this id with another subject or body' }) + '\n');
    const [ticket] = await query<{ subject: string }>(`select subject from tickets where external_id = '7'`);
    expect(ticket!.subject).toBe('Monitor');
  });

  it.each([
    ['a b', '--id-prefix must be a word without spaces, e.g. jira: (got "a b")'],
    ['', '--id-prefix must be a word without spaces, e.g. jira: (got "")'],
    ['x'.repeat(41), '--id-prefix is at most 40 characters (got 41)'],
  ])('--id-prefix %j is refused before anything is read', async (prefix, message) => {
    const result = await importCli([file('prefix.csv', 'external_id,body\n1,Hello\n'), '--id-prefix', prefix]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${message}\n`);
  });

  it('an id with its prefix must fit the column (200 characters)', async () => {
    const path = file('long-id.csv', `external_id,body\n${'9'.repeat(161)},Hello\n`);
    const result = await importCli([path, '--id-prefix', 'x'.repeat(40)]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`rejected ${path}:2 external_id "${'9'.repeat(161)}": longer than 160 characters`);
  });
});
