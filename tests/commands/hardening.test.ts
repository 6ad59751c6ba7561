import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.ts';

// Issue 13: bad input that ended as exit 1 "unexpected failure" (or was accepted) gets one clear
// line and exit 2, and nothing is written. Each case failed on the main of 2026-12-01.

const dir = mkdtempSync(join(tmpdir(), 'helpdesk-hardening-'));
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

async function counts(): Promise<string> {
  const [row] = await sql<Record<string, number | string>>(
    database,
    'select (select count(*) from departments) d, (select count(*) from operators) o, (select count(*) from categories) c, (select count(*) from tickets) t',
  );
  return JSON.stringify(row);
}

/** One line on stderr, no stack trace, no "unexpected failure". */
function expectOneCleanLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines.filter((l) => l.startsWith('error:'))).toHaveLength(1);
  expect(stderr).not.toMatch(/unexpected failure|\n\s+at |RangeError|Maximum call stack/);
  expect(stderr).toMatch(pattern);
}

describe('reference imports refuse bad input with exit 2 and write nothing', () => {
  it.each([
    ['deeply nested JSON (departments, JSON array)', 'deep.json', `[{"name":"Deep","description":${deep(50_000)}}]\n`, /deep\.json: line 1: description must be text/],
    ['deeply nested JSON (departments, JSON Lines)', 'deep.jsonl', `{"name":"Deep","description":${deep(50_000)}}\n`, /deep\.jsonl: line 1: description must be text/],
    ['a NUL character in a name (JSON escape)', 'nul.jsonl', '{"name":"N\\u0000ul"}\n', /nul\.jsonl: line 1: name must not contain control characters \(U\+0000/],
    ['a NUL byte in a name (CSV)', 'nul.csv', Buffer.from('name,description\nN\u0000ul,x\n'), /nul\.csv: line 2: name must not contain control characters/],
    ['invalid UTF-8 (one decoder, one rule)', 'bad-utf8.csv', Buffer.concat([Buffer.from('name,description\nBad'), Buffer.from([0xff]), Buffer.from(',x\n')]), /bad-utf8\.csv: line 2: invalid UTF-8 \(byte 0xFF\)/],
    ['cp1251 text (named as such)', 'cp1251.csv', Buffer.concat([Buffer.from('name,description\n'), Buffer.from([0xcf, 0xf0, 0xe8, 0xed, 0xf2, 0xe5, 0xf0, 0xfb]), Buffer.from(',x\n')]), /invalid UTF-8 .*looks like cp1251/],
  ])('departments import: %s', async (_name, name, content, message) => {
    const before = await counts();
    const result = await runCli(['departments', 'import', file(name, content)], { database });
    expect(result.code).toBe(2);
    expectOneCleanLine(result.stderr, message);
    expect(await counts()).toBe(before);
  });

  it('operators import: capacity beyond the 32-bit range', async () => {
    const before = await counts();
    const path = file('cap.jsonl', '{"name":"Cap","email":"cap@example.kz","department":"Service Desk","languages":"ru","capacity":3000000000}\n');
    const result = await runCli(['operators', 'import', path], { database });
    expect(result.code).toBe(2);
    expectOneCleanLine(result.stderr, /capacity must be a positive integer up to 2147483647 \(got 3000000000\)/);
    expect(await counts()).toBe(before);
  });

  it('operators add --capacity beyond the 32-bit range', async () => {
    const result = await runCli(['operators', 'add', '--name', 'Big', '--email', 'big@example.kz', '--department', 'Service Desk', '--languages', 'ru', '--capacity', '99999999999'], { database });
    expect(result.code).toBe(2);
    expectOneCleanLine(result.stderr, /--capacity must be a positive integer up to 2147483647/);
  });
});

describe('names differing only by Unicode normalisation are one name', () => {
  it('NFD "Naïve" is the NFC department already there, in add and in import', async () => {
    const nfc = 'Na\u00efve Support';
    const nfd = 'Nai\u0308ve Support';
    expect((await runCli(['departments', 'add', '--name', nfc], { database })).code).toBe(0);
    const again = await runCli(['departments', 'add', '--name', nfd.toUpperCase()], { database });
    expect(again.code).toBe(2);
    const imported = await runCli(['departments', 'import', file('nfd.jsonl', JSON.stringify({ name: nfd, description: 'same one' }) + '\n'), '--json'], { database });
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toMatchObject({ created: 0, updated: 1 });
    const rows = await sql<{ name: string }>(database, `select name from departments where name ilike 'na%ve support'`);
    expect(rows.map((r) => r.name)).toEqual([nfc]);
  });
});

describe('flags and settings', () => {
  it.each([
    [['tickets', 'list', '--limit', '-5'], 'error: --limit must be a whole number from 1 to 10000 (got "-5")\n'],
    [['tickets', 'list', '--limit', 'ten'], 'error: --limit must be a whole number from 1 to 10000 (got "ten")\n'],
    [['tickets', 'list', '--offset', '-1'], 'error: --offset must be a whole number, 0 or more (got "-1")\n'],
  ])('%j', async (args, stderr) => {
    const result = await runCli(args, { database });
    expect(result.stderr).toBe(stderr);
    expect(result.code).toBe(2);
  });

  it('a configuration file with a UTF-8 byte order mark is read', async () => {
    const path = file('bom-config.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"timeZone":"Asia/Almaty"}')]));
    const result = await runCli(['stats', 'daily', '--config', path, '--from', '2026-11-01', '--to', '2026-11-02', '--json'], { database });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).timeZone).toBe('Asia/Almaty');
  });

  it('SLA hours like 1e308 are refused by validation', async () => {
    const path = file('sla.json', '{"slaHours":{"low":1e308}}');
    const result = await runCli(['stats', 'daily', '--config', path], { database });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${path}: slaHours.low must be a positive number of hours, at most 87600 (ten years) (got 1e+308)\n`);
  });

  it('--tz and "timeZone" take UTC offsets, east of Greenwich as written', async () => {
    // Tickets created at 20:30 UTC belong to the next day at +05:00 (and in Asia/Almaty, UTC+5).
    const path = file('tz.jsonl', [1, 2].map((i) => JSON.stringify({ external_id: `TZ-${i}`, body: `Laptop ${i} will not boot`, created_at: '2026-11-10T20:30:00Z', status: 'closed', closed_at: '2026-11-11T03:00:00Z' })).join('\n') + '\n');
    expect((await runCli(['import', 'tickets', path], { database })).code).toBe(0);
    const daily = async (args: string[]) => {
      const result = await runCli(['stats', 'daily', '--from', '2026-11-10', '--to', '2026-11-11', '--history', 'include', '--json', ...args], { database });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout).rows.filter((r: { group: unknown; day: string }) => r.day !== 'total').map((r: { day: string; newTickets: number }) => [r.day, r.newTickets]);
    };
    // The calendar is the database's (one per database): set to an offset by stats rebuild --tz,
    // then named by --tz or a configuration, or left out, the days are the same.
    expect((await runCli(['stats', 'rebuild', '--tz', '+05:00'], { database })).code).toBe(0);
    const offset = await daily([]);
    expect(offset).toEqual([['2026-11-10', 0], ['2026-11-11', 2]]);
    expect(await daily(['--tz', '+05:00'])).toEqual(offset);
    expect(await daily(['--config', file('tz-config.json', '{"timeZone":"+05:00"}')])).toEqual(offset);
    // Rebuilt west of Greenwich, both tickets stay on the 10th.
    expect((await runCli(['stats', 'rebuild', '--tz', '-03:00'], { database })).code).toBe(0);
    expect(await daily([])).toEqual([['2026-11-10', 2], ['2026-11-11', 0]]);
    expect((await runCli(['stats', 'rebuild', '--tz', 'Asia/Almaty'], { database })).code).toBe(0);
    expect(await daily([])).toEqual(offset);
  });

  it.each([
    ['--tz', '+25:00', 'error: --tz: UTC offset "+25:00" out of range (-14:00 to +14:00)\n'],
    ['--tz', 'Mars/Olympus', 'error: --tz: unknown time zone "Mars/Olympus" (an IANA name such as Asia/Almaty, or a UTC offset such as +05:00)\n'],
  ])('%s %s is refused clearly', async (flag, value, stderr) => {
    const result = await runCli(['stats', 'daily', flag, value], { database });
    expect(result.stderr).toBe(stderr);
    expect(result.code).toBe(2);
  });
});

describe('import tickets: deep JSON and wrong encodings', () => {
  it('a deeply nested JSON value in a JSONL field is a rejected row (exit 2), not a crash', async () => {
    const path = file('deep-ticket.jsonl', `{"external_id":"DEEP-1","body":"x","subject":${deep(100_000)}}\n`);
    const before = await counts();
    const result = await runCli(['import', 'tickets', path], { database });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path}:1 subject "[[[[[[[[[…]]]]]]]]]": expected a string`);
    expect(result.stderr).not.toMatch(/unexpected failure|Maximum call stack/);
    expect(await counts()).toBe(before);
  });

  it('UTF-8 read with --encoding cp1251 is warned about', async () => {
    const path = file('utf8-as-cp1251.csv', 'external_id,body\nENC-1,Принтер не печатает документы\n');
    const result = await runCli(['import', 'tickets', path, '--encoding', 'cp1251', '--dry-run'], { database });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`note ${path}: this looks like UTF-8 text, not cp1251`);
  });

  it('cp1251 bytes read as UTF-8 are rejected and the hint says --encoding cp1251', async () => {
    const path = file('cp1251.csv', Buffer.concat([Buffer.from('external_id,body\nENC-2,'), Buffer.from([0xcf, 0xf0, 0xe8, 0xed, 0xf2, 0xe5, 0xf0, 0x20, 0xed, 0xe5, 0x20, 0xef, 0xe5, 0xf7, 0xe0, 0xf2, 0xe0, 0xe5, 0xf2]), Buffer.from('\n')]));
    const result = await runCli(['import', 'tickets', path], { database });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`note ${path}: this is not valid UTF-8 and looks like cp1251 text: use --encoding cp1251`);
  });

  it('mojibake already in a UTF-8 file ("РџСЂРёРЅС‚РµСЂ") is warned about', async () => {
    const garbled = new TextDecoder('windows-1251').decode(Buffer.from('Принтер не печатает', 'utf8'));
    const path = file('mojibake.jsonl', JSON.stringify({ external_id: 'ENC-3', body: garbled }) + '\n');
    const result = await runCli(['import', 'tickets', path, '--dry-run'], { database });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`note ${path}: line 1 looks like UTF-8 text that was once read as cp1251`);
  });

  it('ordinary Russian and Kazakh text raises no encoding warning', async () => {
    const path = file('clean.jsonl', [JSON.stringify({ external_id: 'ENC-4', body: 'Сервер 1С не отвечает, Сёмин просит проверить. Принтер в кабинете 305.' }), JSON.stringify({ external_id: 'ENC-5', body: 'Құпия сөзді ұмыттым, поштаға кіре алмаймын' })].join('\n') + '\n');
    const result = await runCli(['import', 'tickets', path, '--dry-run'], { database });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });
});
