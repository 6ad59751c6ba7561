import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli, type RunOptions } from '../support/cli.ts';

let database: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'helpdesk-reference-'));

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], options: Omit<RunOptions, 'database'> = {}) => runCli(args, { database, ...options });
const terminal = (args: string[], answers: unknown[]) => cli(args, { tty: true, answers, env: { NO_COLOR: '1' } });
const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => database.db.orm.em.fork().execute<T[]>(query, params);
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
async function ok(args: string[]): Promise<string> {
  const result = await cli(args);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('operators', () => {
  beforeAll(async () => {
    await ok(['departments', 'add', '--name', 'IT Support']);
    await ok(['departments', 'add', '--name', 'Сеть и VPN', '--description', '=cmd() and -minus']);
  });

  it('adds from flags; every bad value is refused before anything is written', async () => {
    expect(await ok(['operators', 'add', '--name', 'Aigerim N.', '--email', 'Aigerim@Example.KZ', '--department', 'it support', '--languages', 'kk,ru', '--capacity', '5'])).toBe(
      'added operator aigerim@example.kz\n',
    );
    const base = ['operators', 'add', '--name', 'Boris', '--email', 'boris@example.kz', '--department', 'IT Support', '--languages', 'ru', '--capacity', '3'];
    const withFlag = (flag: string, value: string) => base.map((arg, i) => (base[i - 1] === flag ? value : arg));
    const cases: [string[], string][] = [
      [withFlag('--department', 'Nowhere'), 'error: --department: unknown department "Nowhere" (known: IT Support, Сеть и VPN)\n'],
      [withFlag('--capacity', '0'), 'error: --capacity must be a positive integer (got "0")\n'],
      [withFlag('--capacity', '2.5'), 'error: --capacity must be a positive integer (got "2.5")\n'],
      [withFlag('--languages', 'ru,de'), 'error: --languages: unknown language "de" (one of ru, kk, en)\n'],
      [withFlag('--email', 'not-an-address'), 'error: --email must be an e-mail address (got "not-an-address")\n'],
      [withFlag('--email', 'AIGERIM@example.kz'), 'error: an operator with e-mail aigerim@example.kz already exists\n'],
      [withFlag('--name', ' '), 'error: --name must not be empty\n'],
      [base.slice(0, -2), 'error: missing required option --capacity\n'],
    ];
    for (const [args, stderr] of cases) expect(await cli(args)).toMatchObject({ code: 2, stdout: '', stderr });
    expect(await sql(`select email from operators`)).toEqual([{ email: 'aigerim@example.kz' }]);
  });

  it('on a terminal picks the department, ticks languages and confirms', async () => {
    const result = await terminal(['operators', 'add'], ['Boris', 'boris@example.kz', 'Сеть и VPN', ['ru', 'en'], '3', true]);
    expect(result).toMatchObject({ code: 0, stdout: 'added operator boris@example.kz\n', stderr: '' });
    expect(result.prompter?.asked).toEqual([
      'Name',
      'E-mail',
      'Department',
      'Languages spoken',
      'Capacity (open tickets at most)',
      'Add operator Boris <boris@example.kz>, Сеть и VPN, ru/en, capacity 3?',
    ]);
    // Only what is missing is asked.
    const partial = await terminal(['operators', 'add', '--name', 'Chen', '--email', 'chen@example.kz', '--languages', 'en', '--capacity', '2'], ['IT Support', true]);
    expect(partial.code).toBe(0);
    expect(partial.prompter?.asked).toEqual(['Department', 'Add operator Chen <chen@example.kz>, IT Support, en, capacity 2?']);
  });

  it('lists the load (open tickets against capacity), in every format', async () => {
    await sql(`insert into tickets (source, subject, body, status, content_hash, operator_id) select 'chat', 's' || n, 'b', 'in_work', md5(n::text), (select id from operators where email = 'aigerim@example.kz') from generate_series(1, 2) n`);
    await sql(`insert into tickets (source, subject, body, status, content_hash, operator_id) values ('chat', 'done', 'b', 'closed', md5('done'), (select id from operators where email = 'aigerim@example.kz'))`);
    expect(await ok(['operators', 'list'])).toBe(
      'name\temail\tdepartment\tlanguages\tload\tactive\n' +
        'Aigerim N.\taigerim@example.kz\tIT Support\tru,kk\t2/5\tyes\n' +
        'Boris\tboris@example.kz\tСеть и VPN\tru,en\t0/3\tyes\n' +
        'Chen\tchen@example.kz\tIT Support\ten\t0/2\tyes\n',
    );
    expect(await ok(['operators', 'list', '--format', 'csv', '--department', 'it support'])).toBe(
      'name,email,department,languages,capacity,active,openTickets\n' + 'Aigerim N.,aigerim@example.kz,IT Support,"ru,kk",5,true,2\n' + 'Chen,chen@example.kz,IT Support,en,2,true,0\n',
    );
    expect(JSON.parse(await ok(['operators', 'list', '--json']))[0]).toEqual({
      name: 'Aigerim N.',
      email: 'aigerim@example.kz',
      department: 'IT Support',
      languages: ['ru', 'kk'],
      capacity: 5,
      active: true,
      openTickets: 2,
    });
  });

  it('updates and shows', async () => {
    expect(await ok(['operators', 'update', 'CHEN@example.kz', '--capacity', '4', '--languages', 'en,kk'])).toBe('updated operator chen@example.kz\n');
    expect(await cli(['operators', 'update', 'chen@example.kz', '--capacity', 'many'])).toMatchObject({ code: 2, stderr: 'error: --capacity must be a positive integer (got "many")\n' });
    const shown = await ok(['operators', 'show', 'chen@example.kz']);
    expect(shown).toMatch(/^name\tChen\nemail\tchen@example.kz\ndepartment\tIT Support\nlanguages\tkk, en\ncapacity\t4\nload\t0\/4 open tickets\ntickets\t0\nactive\tyes\n/);
  });

  it('an operator with ticket history is deactivated instead of removed, and says so', async () => {
    expect(await cli(['operators', 'remove', 'aigerim@example.kz'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: Remove operator aigerim@example.kz: refusing without --yes when there is no terminal\n',
    });
    const result = await terminal(['operators', 'remove', 'aigerim@example.kz'], [true]);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: 'deactivated operator aigerim@example.kz instead of removing it: 3 tickets in their history, 2 still open\n' });
    expect(result.prompter?.asked).toEqual(['Remove operator aigerim@example.kz?']);
    expect(await sql(`select active from operators where email = 'aigerim@example.kz'`)).toEqual([{ active: false }]);
    expect(await ok(['operators', 'remove', 'chen@example.kz', '--yes'])).toBe('removed operator chen@example.kz\n');
    expect(await sql(`select email from operators order by email`)).toEqual([{ email: 'aigerim@example.kz' }, { email: 'boris@example.kz' }]);
  });
});

describe('categories and answer templates', () => {
  it('categories: add, duplicate, list with department and ticket count', async () => {
    expect(await ok(['categories', 'add', '--name', 'Password reset', '--department', 'IT Support', '--priority', 'low', '--description', 'Forgotten, expired or locked passwords'])).toBe(
      'added category "Password reset"\n',
    );
    const asked = await terminal(['categories', 'add', '--name', 'VPN'], ['Сеть и VPN', true]);
    expect(asked.prompter?.asked).toEqual(['Department its tickets go to', 'Add category "VPN" (Сеть и VPN, medium priority)?']);
    expect(await cli(['categories', 'add', '--name', 'password RESET', '--department', 'IT Support'])).toMatchObject({
      code: 2,
      stderr: 'error: a category named "Password reset" already exists (names are unique regardless of case)\n',
    });
    expect(await cli(['categories', 'add', '--name', 'X', '--department', 'IT Support', '--priority', 'urgent'])).toMatchObject({ code: 2, stdout: '' });
    await sql(`insert into tickets (source, subject, body, content_hash, category_id) values ('portal', 'vpn down', 'b', md5('vpn'), (select id from categories where name = 'VPN'))`);
    expect(await ok(['categories', 'list'])).toBe(
      'name\tdepartment\tpriority\ttickets\tactive\tdescription\n' + 'Password reset\tIT Support\tlow\t0\tyes\tForgotten, expired or locked passwords\n' + 'VPN\tСеть и VPN\tmedium\t1\tyes\t\n',
    );
  });

  it('answer templates: placeholders are checked when saved', async () => {
    const base = ['responses', 'add', '--name', 'password-reset', '--category', 'password reset', '--language', 'en'];
    expect(await cli([...base, '--answer', 'Hello {{client}}'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: --answer: unknown placeholder {{client}} (known: {{ticket_number}}, {{client_name}}, {{subject}}, {{category}}, {{department}})\n',
    });
    expect(await ok([...base, '--trigger', 'forgot my password', '--trigger', 'reset, please', '--answer', 'Hello {{client_name}}, ticket #{{ticket_number}}: use the reset link.'])).toBe(
      'added answer template "password-reset" (en)\n',
    );
    const asked = await terminal(['responses', 'add', '--name', 'password-reset'], ['Password reset', 'ru', 'Здравствуйте, {{client_name}}! Заявка №{{ticket_number}}.', true]);
    expect(asked).toMatchObject({ code: 0, stderr: '', stdout: 'added answer template "password-reset" (ru)\n' });
    expect(asked.prompter?.asked).toEqual([
      'Category',
      'Language',
      'Answer (placeholders: {{ticket_number}}, {{client_name}}, {{subject}}, {{category}}, {{department}})',
      'Add answer template "password-reset" (ru) to category "Password reset"?',
    ]);
    expect(await cli([...base, '--answer', 'again'])).toMatchObject({ code: 2, stderr: 'error: an answer template "password-reset" in "en" already exists\n' });
  });

  it('a name in several languages needs --language without a terminal, and is picked on one', async () => {
    expect(await cli(['responses', 'show', 'password-reset'])).toMatchObject({ code: 2, stdout: '', stderr: 'error: missing required option --language ("password-reset" exists in ru, en)\n' });
    const picked = await terminal(['responses', 'show', 'password-reset', '--json'], ['en']);
    expect(picked.prompter?.asked).toEqual(['"password-reset" exists in ru, en: which one?']);
    expect(JSON.parse(picked.stdout)).toMatchObject({ name: 'password-reset', language: 'en', triggerExamples: ['forgot my password', 'reset, please'], timesUsed: 0 });
    expect(await ok(['responses', 'update', 'password-reset', '--language', 'ru', '--no-active'])).toBe('updated answer template "password-reset" (ru)\n');
  });

  it('a category with answer templates cannot be removed; one with tickets is deactivated', async () => {
    expect(await cli(['categories', 'remove', 'Password reset', '--yes'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: category "Password reset" still has answer templates: remove them or move them to another category first\n  responses (2): password-reset (ru), password-reset (en)\n',
    });
    expect(await ok(['categories', 'remove', 'vpn', '--yes'])).toBe('deactivated category "VPN" instead of removing it: 1 ticket refers to it\n');
  });
});

describe('users', () => {
  it('add, update, show and list; no prompts without a terminal', async () => {
    expect(await ok(['users', 'add', '--email', 'Dana@Example.kz', '--name', 'Dana K.', '--language', 'kk'])).toBe('added user dana@example.kz\n');
    expect(await cli(['users', 'add'])).toMatchObject({ code: 2, stderr: 'error: missing required option --email\n' });
    expect(await cli(['users', 'add', '--email', 'dana@EXAMPLE.kz'])).toMatchObject({
      code: 2,
      stderr: 'error: a user with e-mail dana@example.kz already exists\n',
    });
    expect(await cli(['users', 'add', '--email', 'e@example.kz', '--language', 'fr'])).toMatchObject({ code: 2, stderr: 'error: --language: unknown language "fr" (one of ru, kk, en)\n' });
    const asked = await terminal(['users', 'add', '--kind', 'employee'], ['erlan@example.kz', true]);
    expect(asked.prompter?.asked).toEqual(['E-mail', 'Add user erlan@example.kz?']);
    expect(await ok(['users', 'update', 'dana@example.kz', '--phone', '+7 701 000 00 00', '--language', ''])).toBe('updated user dana@example.kz\n');
    expect(await cli(['users', 'update'])).toMatchObject({ code: 2, stderr: 'error: missing required argument EMAIL\n' });
    expect(await ok(['users', 'list'])).toBe(
      'email\tname\tphone\tkind\tlanguage\ttickets\topen\n' + 'dana@example.kz\tDana K.\t+7 701 000 00 00\tclient\t\t0\t0\n' + 'erlan@example.kz\t\t\temployee\t\t0\t0\n',
    );
    expect(JSON.parse(await ok(['users', 'show', 'DANA@example.kz', '--json']))).toMatchObject({ email: 'dana@example.kz', name: 'Dana K.', preferredLanguage: null, kind: 'client' });
  });
});

describe('import', () => {
  const KINDS = ['departments', 'categories', 'operators', 'responses'] as const;

  it('list --json -> import -> list --json is byte-identical for each kind (and changes nothing)', async () => {
    for (const kind of KINDS) {
      const before = await ok([kind, 'list', '--json']);
      expect(JSON.parse(before).length).toBeGreaterThan(0);
      const path = file(`${kind}.json`, before);
      const n = JSON.parse(before).length;
      expect(await ok([kind, 'import', path])).toBe(`imported ${path}: ${n} ${n === 1 ? 'record' : 'records'}: 0 created, 0 updated, ${n} unchanged\n`);
      expect(await ok([kind, 'list', '--json'])).toBe(before);
    }
  });

  it('the same files rebuild the reference data from nothing, byte-identical (JSON and CSV)', async () => {
    for (const format of ['json', 'csv'] as const) {
      const lists: Record<string, string> = {};
      for (const kind of KINDS) lists[kind] = await ok([kind, 'list', '--format', format]);
      const json: Record<string, string> = {};
      for (const kind of KINDS) json[kind] = await ok([kind, 'list', '--json']);
      // Nothing may refer to the rows while they are gone.
      await sql(`update tickets set operator_id = null, category_id = null, department_id = null`);
      for (const table of ['ai_auto_responses', 'operators', 'categories', 'departments']) await sql(`delete from ${table}`);
      for (const kind of KINDS) {
        const path = file(`${kind}-${format}.${format}`, lists[kind]!);
        const n = JSON.parse(json[kind]!).length;
        expect(await ok([kind, 'import', path])).toBe(`imported ${path}: ${n} ${n === 1 ? 'record' : 'records'}: ${n} created, 0 updated, 0 unchanged\n`);
      }
      // Counts computed from tickets are gone with the links above; everything else is identical.
      const zero = (text: string) => text.replace(/"(openTickets|tickets)": \d+/g, '"$1": 0');
      for (const kind of KINDS) expect(zero(await ok([kind, 'list', '--json']))).toBe(zero(json[kind]!));
    }
  });

  it('upserts by natural key regardless of case, from CSV', async () => {
    const path = file('ops.csv', 'email,capacity,active\nBORIS@example.kz,7,false\nnew@example.kz,2,true\n');
    expect(await cli(['operators', 'import', path])).toMatchObject({ code: 2, stdout: '', stderr: `error: ${path}: line 3: a new operator needs name\n` });
    const fixed = file('ops2.csv', 'email,name,department,languages,capacity,active\nBORIS@example.kz,Boris,Сеть и VPN,ru;en,7,false\nnew@example.kz,New,it support,kk,2,true\n');
    expect(await ok(['operators', 'import', fixed])).toBe(`imported ${fixed}: 2 records: 1 created, 1 updated, 0 unchanged\n`);
    expect(await sql(`select email, capacity, active from operators order by email`)).toEqual([
      { email: 'aigerim@example.kz', capacity: 5, active: false },
      { email: 'boris@example.kz', capacity: 7, active: false },
      { email: 'new@example.kz', capacity: 2, active: true },
    ]);
  });

  it('a bad line is reported with its number and nothing is written', async () => {
    const before = await ok(['departments', 'list', '--json']);
    const cases: [string, string, string][] = [
      ['bad1.csv', 'name,description\nFresh,ok\n,empty name\n', 'line 3: name must not be empty'],
      ['bad2.csv', 'name,description\nFresh,ok\nOther,"x\ny",extra\n', 'line 3: malformed CSV: columns length is 2, got 3'],
      ['bad3.json', '[\n  {"name": "Fresh"},\n  {\n    "name": "Other",\n    "colour": "red"\n  }\n]\n', 'line 3: unknown field "colour" (fields: name, description, active)'],
      ['bad4.json', '[{"name": "Fresh"}, {"name": "FRESH"}]', 'item 2: the same department as item 1'],
      ['bad5.jsonl', '{"name": "Fresh"}\n{"name": "Other", "active": "maybe"}\n', 'line 2: active must be true or false (got "maybe")'],
      ['bad6.json', '[{"name": "Fresh"},]', 'malformed JSON'],
    ];
    for (const [name, content, message] of cases) {
      const path = file(name, content);
      const result = await cli(['departments', 'import', path]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`error: ${path}: ${message}`);
    }
    const unknown = file('cats.json', JSON.stringify([{ name: 'Fresh', department: 'Nowhere' }]));
    expect(await cli(['categories', 'import', unknown])).toMatchObject({ code: 2, stderr: `error: ${unknown}: line 1: department: unknown department "Nowhere" (known: IT Support, Сеть и VPN)\n` });
    const placeholder = file('resp.json', JSON.stringify([{ name: 'x', language: 'kk', category: 'VPN', answer: '{{nope}}' }], null, 2));
    expect(await cli(['responses', 'import', placeholder])).toMatchObject({ code: 2, stderr: expect.stringContaining(`error: ${placeholder}: line 2: answer: unknown placeholder {{nope}}`) });
    expect(await cli(['departments', 'import', join(dir, 'missing.json')])).toMatchObject({ code: 2, stderr: `error: ${join(dir, 'missing.json')}: cannot read: no such file\n` });
    expect(await ok(['departments', 'list', '--json'])).toBe(before);
  });
});
