import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/cli.ts';
import { sql } from 'kysely';
import { localTimeSql } from '../../src/services/time-zone.ts';

let database: TestDatabase;

async function query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return database.db.em.getConnection().execute<T[]>(sql);
}

async function one<T>(sql: string): Promise<T> {
  const [row] = await query<T>(sql);
  return row!;
}

const history = new URL('../../fixtures/tickets/history.jsonl', import.meta.url).pathname;

beforeAll(async () => {
  database = await createTestDatabase();
  expect((await runCli(['db', 'seed'], { database })).code).toBe(0);
  const imported = await runCli(['import', 'tickets', history], { database });
  expect(imported.code).toBe(0);
});
afterAll(async () => {
  await database?.dispose();
});

describe('tickets list', () => {
  it('filters by status, language, source, category, department and date range, with limit and offset', async () => {
    // The imported fixture history is handled (closed): history, listed with --history include.
    const all = JSON.parse((await runCli(['tickets', 'list', '--history', 'include', '--limit', '1000', '--json'], { database })).stdout);
    const { n } = await one<{ n: number }>('select count(*)::int as n from tickets');
    expect(all).toHaveLength(n);
    // Newest first.
    expect(all.map((t: { createdAt: string }) => t.createdAt)).toEqual([...all.map((t: { createdAt: string }) => t.createdAt)].sort().reverse());

    const kk = JSON.parse((await runCli(['tickets', 'list', '--language', 'KK', '--history', 'include', '--limit', '1000', '--json'], { database })).stdout);
    const { kkCount } = await one<{ kkCount: number }>(`select count(*)::int as "kkCount" from tickets where language = 'kk'`);
    expect(kk).toHaveLength(kkCount);
    expect(kkCount).toBeGreaterThan(0);

    const filtered = JSON.parse(
      (await runCli(['tickets', 'list', '--category', 'hardware', '--department', 'End User Support', '--source', 'email', '--status', 'closed', '--history', 'include', '--limit', '1000', '--json'], { database })).stdout,
    );
    const { expected } = await one<{ expected: number }>(
      `select count(*)::int as expected from tickets t join categories c on c.id = t.category_id join departments d on d.id = t.department_id
       where c.name = 'Hardware' and d.name = 'End User Support' and t.source = 'email' and t.status = 'closed'`,
    );
    expect(filtered).toHaveLength(expected);
    expect(expected).toBeGreaterThan(0);
    for (const t of filtered) expect(t).toMatchObject({ category: 'Hardware', department: 'End User Support', source: 'email', status: 'closed' });

    // Days of the database's statistics time zone (Asia/Almaty, UTC+5), as in stats daily; times shown there with the offset.
    const october = JSON.parse((await runCli(['tickets', 'list', '--from', '2026-10-01', '--to', '31.10.2026', '--history', 'include', '--limit', '1000', '--json'], { database })).stdout);
    const { inOctober } = await one<{ inOctober: number }>(`select count(*)::int as "inOctober" from tickets where created_at >= '2026-10-01T00:00:00+05:00' and created_at < '2026-11-01T00:00:00+05:00'`);
    expect(october).toHaveLength(inOctober);
    for (const t of october) expect(t.createdAt).toMatch(/^2026-10-\d{2}T\d{2}:\d{2}:\d{2}\+05:00$/);
    const { first } = await one<{ first: string }>(`select to_char(min(created_at) at time zone 'Asia/Almaty', 'YYYY-MM-DD"T"HH24:MI:SS') || '+05:00' as first from tickets`);
    expect(october.at(-1).createdAt).toBe(first);
    const bad = await runCli(['tickets', 'list', '--from', '2026-10-01T10:00'], { database });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --from must be a date as YYYY-MM-DD or DD.MM.YYYY (got "2026-10-01T10:00")\n');
    // Without --history include the imported history is left out, and stderr says so.
    const intake = await runCli(['tickets', 'list', '--json'], { database });
    expect(JSON.parse(intake.stdout)).toHaveLength(0);
    expect(intake.stderr).toBe(`${n} tickets of imported history not listed (--history include lists them)\n`);

    const page = JSON.parse((await runCli(['tickets', 'list', '--history', 'include', '--limit', '5', '--offset', '10', '--json'], { database })).stdout);
    expect(page.map((t: { id: string }) => t.id)).toEqual(all.slice(10, 15).map((t: { id: string }) => t.id));
  });

  it('piped: tab-separated with a header; --format csv: CSV; bad values are usage errors', async () => {
    const piped = await runCli(['tickets', 'list', '--history', 'include', '--limit', '2'], { database });
    const lines = piped.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('number\tstatus\tpriority\tlanguage\tsource\tcategory\tdepartment\toperator\tcreated\tsubject');
    expect(lines).toHaveLength(3);
    expect(lines[1]!.split('\t')[8]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \+05:00$/);
    // Scripts: camelCase columns like the JSON keys.
    const csv = await runCli(['tickets', 'list', '--history', 'include', '--limit', '2', '--format', 'csv'], { database });
    expect(csv.stdout.split('\n')[0]).toBe('number,status,priority,language,source,category,department,operator,createdAt,subject');
    const bad = await runCli(['tickets', 'list', '--status', 'open'], { database });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --status must be one of new, auto_resolved, in_work, waiting, closed (got "open")\n');
    const unknown = await runCli(['tickets', 'list', '--category', 'Coffee'], { database });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown category "Coffee" \(known: Access, /);
    const limit = await runCli(['tickets', 'list', '--limit', 'ten'], { database });
    expect(limit.stderr).toBe('error: --limit must be a whole number from 1 to 10000 (got "ten")\n');
  });
});

describe('tickets list --from/--to at a change of clocks', () => {
  it('a day that starts an hour late (DST at midnight, America/Santiago) lists the tickets its stats daily row counts', async () => {
    // Santiago's clocks go from 00:00 -04 to 01:00 -03 on 2026-09-06: the day starts at 04:00 UTC,
    // and 03:30 UTC is still 23:30 on the 5th. Bounding days in JS at "midnight" less the offset
    // of the moment before had put that ticket on the 6th, where stats daily does not count it.
    const santiago = await createTestDatabase();
    try {
      expect((await runCli(['stats', 'rebuild', '--tz', 'America/Santiago'], { database: santiago })).code).toBe(0);
      const file = join(mkdtempSync(join(tmpdir(), 'helpdesk-dst-')), 'tickets.jsonl');
      const row = (id: string, at: string) => JSON.stringify({ external_id: id, source: 'email', subject: `created ${at}`, body: 'My monitor flickers', language: 'en', created_at: at });
      writeFileSync(file, [row('DST-1', '2026-09-06T03:30:00Z'), row('DST-2', '2026-09-06T04:30:00Z')].join('\n') + '\n');
      expect((await runCli(['import', 'tickets', file], { database: santiago })).code).toBe(0);
      for (const [day, expected] of [
        ['2026-09-05', ['2026-09-05T23:30:00-04:00']],
        ['2026-09-06', ['2026-09-06T01:30:00-03:00']],
      ] as const) {
        const listed = JSON.parse((await runCli(['tickets', 'list', '--from', day, '--to', day, '--json'], { database: santiago })).stdout) as { createdAt: string }[];
        expect(listed.map((t) => t.createdAt)).toEqual(expected);
        const report = JSON.parse((await runCli(['stats', 'daily', '--from', day, '--to', day, '--json'], { database: santiago })).stdout);
        expect(report.rows).toMatchObject([{ day, newTickets: 1 }]);
      }
    } finally {
      await santiago.dispose();
    }
  });
});

describe('tickets create and show', () => {
  it('creates a ticket: language detected (Kazakh), user matched by e-mail regardless of case, subject from the body', async () => {
    const { email } = await one<{ email: string }>(`select email from users order by email limit 1`);
    const body = 'Принтер жұмыс істемейді, көмектесіңізші. Қағаз кептеліп қалды.';
    const created = await runCli(['tickets', 'create', '--email', email.toUpperCase(), '--body', body, '--source', 'phone', '--json'], { database });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const ticket = JSON.parse(created.stdout);
    expect(ticket).toMatchObject({ language: 'kk', source: 'phone', status: 'new', subject: body, body, user: { email } });
    const { users } = await one<{ users: number }>(`select count(*)::int as users from users where lower(email) = lower('${email}')`);
    expect(users).toBe(1);

    const shown = await runCli(['tickets', 'show', `#${ticket.number}`, '--json'], { database });
    const { audit, ...rest } = JSON.parse(shown.stdout);
    expect(rest).toEqual(ticket);
    // Times are local times of the statistics time zone (Asia/Almaty, UTC+5), the same instant as stored.
    const { stored } = await one<{ stored: string }>(`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as stored from tickets where id = '${ticket.id}'`);
    expect(rest.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:00$/);
    expect(new Date(rest.createdAt).toISOString()).toBe(new Date(stored).toISOString());
    // The audit trail of the ticket: its creation, by the database login.
    expect(audit).toMatchObject([{ table: 'tickets', action: 'insert', ticketId: ticket.id, new: { number: ticket.number, subject: ticket.subject } }]);
    const piped = await runCli(['tickets', 'show', String(ticket.number)], { database });
    expect(piped.stdout).toContain(`number\t${ticket.number}\n`);
    expect(piped.stdout).toContain('\nmessages (0)\n');
    expect(piped.stdout).toContain('\npredictions (0)\n');
  });

  it('without --body and no terminal: a usage error naming the flag; on a terminal it asks', async () => {
    const piped = await runCli(['tickets', 'create', '--subject', 'x'], { database });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toBe('error: missing required option --body\n');
    const tty = await runCli(['tickets', 'create', '--language', 'en'], { database, tty: true, answers: ['My monitor flickers'], env: { NO_COLOR: '1' } });
    expect(tty.code).toBe(0);
    expect(tty.prompter?.asked).toEqual(['Ticket text']);
    expect(tty.stdout).toMatch(/^✓ created ticket #\d+ \([0-9a-f-]{36}\): My monitor flickers \[en\]\n$/);
  });

  it('show: an unknown ticket is exit 2', async () => {
    const missing = await runCli(['tickets', 'show', '999999'], { database });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: no ticket 999999\n');
    const bad = await runCli(['tickets', 'show', 'abc'], { database });
    expect(bad.stderr).toBe('error: "abc" is not a ticket: give a number (42 or #42), an id, or source:external-id (email:MSG-2211)\n');
  });
});

describe('tickets update', () => {
  it('changes status, priority and operator', async () => {
    const [ticket] = await query<{ number: number }>(`select number from tickets where status = 'new' order by number limit 1`);
    const [operator] = await query<{ email: string; department: string }>(`select o.email, d.name as department from operators o join departments d on d.id = o.department_id order by o.email limit 1`);
    const result = await runCli(['tickets', 'update', String(ticket!.number), '--status', 'closed', '--priority', 'high', '--operator', operator!.email.toUpperCase()], { database });
    expect(result.stderr).toBe('');
    // A ticket in no department goes to the operator's.
    expect(result.stdout).toBe(`✓ ticket #${ticket!.number}: status closed, priority high, department ${operator!.department}, operator ${operator!.email}\n`);
    const [row] = await query<{ status: string; priority: string; closed_at: Date | null; resolved_at: Date | null }>(`select status, priority, closed_at, resolved_at from tickets where number = ${ticket!.number}`);
    expect(row).toMatchObject({ status: 'closed', priority: 'high' });
    expect(row!.closed_at).not.toBeNull();
    expect(row!.resolved_at).not.toBeNull();
    const none = await runCli(['tickets', 'update', String(ticket!.number)], { database });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('error: nothing to change: give at least one of --status, --priority, --category, --department, --operator\n');
  });

  it('a human changing the category and department the AI set marks the latest prediction corrected and records a human training sample', async () => {
    const [ticket] = await query<{ id: string; number: number; content_hash: string; subject: string; body: string }>(
      `select t.id, t.number, t.content_hash, t.subject, t.body from tickets t join categories c on c.id = t.category_id where c.name = 'Hardware' order by t.number limit 1`,
    );
    // The model said Hardware / End User Support, twice; the latest prediction is the one reviewed.
    for (const at of ['2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z']) {
      await query(
        `insert into ai_predictions (ticket_id, category_id, department_id, confidence, scores, thresholds, decision, reason, created_at)
         select '${ticket!.id}', c.id, c.default_department_id, 0.71, '{}', '{}', 'routed', 'test', '${at}' from categories c where c.name = 'Hardware'`,
      );
    }
    const result = await runCli(['tickets', 'update', String(ticket!.number), '--category', 'access', '--department', 'Access Management'], { database });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `✓ ticket #${ticket!.number}: category Access, department Access Management\n` +
        '  AI prediction marked corrected (category Access, department Access Management)\n' +
        '  training sample recorded (label source human)\n',
    );
    const predictions = await query<{ review: string; corrected_category: string | null; corrected_department: string | null; reviewed_at: Date | null }>(
      `select p.review, cc.name as corrected_category, cd.name as corrected_department, p.reviewed_at from ai_predictions p
       left join categories cc on cc.id = p.corrected_category_id left join departments cd on cd.id = p.corrected_department_id
       where p.ticket_id = '${ticket!.id}' order by p.created_at`,
    );
    expect(predictions.map(({ reviewed_at, ...p }) => ({ ...p, reviewed: reviewed_at !== null }))).toEqual([
      { review: 'pending', corrected_category: null, corrected_department: null, reviewed: false },
      { review: 'corrected', corrected_category: 'Access', corrected_department: 'Access Management', reviewed: true },
    ]);
    // The historic sample for the same text is relabelled by the human.
    const samples = await query<{ label_source: string; category: string; department: string; ticket_id: string; text: string }>(
      `select label_source, category, department, ticket_id, text from training_samples where content_hash = '${ticket!.content_hash}'`,
    );
    expect(samples).toEqual([{ label_source: 'human', category: 'Access', department: 'Access Management', ticket_id: ticket!.id, text: `${ticket!.subject}\n${ticket!.body}` }]);

    const shown = JSON.parse((await runCli(['tickets', 'show', ticket!.id, '--json'], { database })).stdout);
    expect(shown.predictions.map((p: { review: string; category: string; correctedCategory: string | null }) => [p.review, p.category, p.correctedCategory])).toEqual([
      ['pending', 'Hardware', null],
      ['corrected', 'Hardware', 'Access'],
    ]);

    // Setting the category back to what the model said leaves only the department corrected.
    const back = await runCli(['tickets', 'update', String(ticket!.number), '--category', 'Hardware', '--json'], { database });
    expect(JSON.parse(back.stdout)).toMatchObject({ changed: ['category'], corrected: { category: null, department: 'Access Management' }, sample: true });
  });

  it('a ticket without predictions: the change is saved, a human sample recorded, no prediction touched', async () => {
    const created = JSON.parse((await runCli(['tickets', 'create', '--body', 'Need a new mouse', '--json'], { database })).stdout);
    const result = await runCli(['tickets', 'update', String(created.number), '--category', 'Hardware', '--json'], { database });
    // The category brings its department, and an operator of it who speaks English.
    expect(JSON.parse(result.stdout)).toMatchObject({ changed: ['category', 'department', 'operator'], corrected: null, sample: true, ticket: { category: 'Hardware', department: 'End User Support' } });
    const [sample] = await query<{ label_source: string; category: string; text: string }>(`select label_source, category, text from training_samples where ticket_id = '${created.id}'`);
    expect(sample).toEqual({ label_source: 'human', category: 'Hardware', text: 'Need a new mouse' });
  });
});

describe('ticket numbers and e-mail addresses', () => {
  it('an import --dry-run uses up no ticket numbers: the next real ticket gets the next number', async () => {
    const { max } = await one<{ max: string }>('select max(number)::text as max from tickets');
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-dry-'));
    const file = join(dir, 'dry.csv');
    writeFileSync(file, 'external_id,body\n' + Array.from({ length: 25 }, (_, i) => `DRY-${i},Dry run ticket number ${i}`).join('\n') + '\n');
    const dry = await runCli(['import', 'tickets', file, '--dry-run', '--json'], { database });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, written: false, created: 25 });
    const created = JSON.parse((await runCli(['tickets', 'create', '--body', 'The first real ticket after a dry run', '--json'], { database })).stdout);
    expect(created.number).toBe(Number(max) + 1);
    // And a real import goes on from there, in file order.
    expect((await runCli(['import', 'tickets', file], { database })).code).toBe(0);
    const numbers = await query<{ number: string }>(`select number::text from tickets where external_id like 'DRY-%' order by substring(external_id from 5)::int`);
    expect(numbers.map((r) => Number(r.number))).toEqual(Array.from({ length: 25 }, (_, i) => Number(max) + 2 + i));
  });

  it('stores and compares e-mail addresses one way for users, operators, tickets and imports', async () => {
    const created = JSON.parse((await runCli(['tickets', 'create', '--email', '  New.Client@Example.KZ ', '--body', 'Keyboard broken', '--json'], { database })).stdout);
    expect(created.user.email).toBe('new.client@example.kz');
    const again = JSON.parse((await runCli(['tickets', 'create', '--email', 'NEW.CLIENT@example.kz', '--body', 'Keyboard still broken', '--json'], { database })).stdout);
    expect(again.user.email).toBe('new.client@example.kz');
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-mail-'));
    const file = join(dir, 'mail.csv');
    writeFileSync(file, 'email,body\nImported.Person@Example.KZ,Monitor flickers\nimported.person@example.kz,Monitor still flickers\n');
    expect((await runCli(['import', 'tickets', file], { database })).code).toBe(0);
    const users = await query<{ email: string }>(`select email from users where lower(email) in ('new.client@example.kz', 'imported.person@example.kz') order by email`);
    expect(users).toEqual([{ email: 'imported.person@example.kz' }, { email: 'new.client@example.kz' }]);
    const [dept] = await query<{ name: string }>(`select name from departments order by name limit 1`);
    const op = await runCli(['operators', 'add', '--name', 'Mixed Case', '--email', 'Mixed.Case@Company.Example.KZ', '--department', dept!.name, '--languages', 'ru', '--capacity', '3', '--json'], { database });
    expect(op.code).toBe(0);
    const [stored] = await query<{ email: string }>(`select email from operators where name = 'Mixed Case'`);
    expect(stored!.email).toBe('mixed.case@company.example.kz');
    const bad = await runCli(['tickets', 'create', '--email', 'not-an-address', '--body', 'x'], { database });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --email is not an e-mail address (got "not-an-address")\n');
  });
});

describe('local times formatted by the database (localTimeSql)', () => {
  // What JavaScript's Intl (ICU) makes of the same instant: the two zone databases must agree.
  function intlLocal(zone: string, at: Date): string {
    const offsetZone = /^[+-]\d{2}:\d{2}$/.test(zone) ? undefined : zone;
    const minutes = offsetZone
      ? (() => {
          const name = new Intl.DateTimeFormat('en-US', { timeZone: offsetZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')!.value;
          const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
          return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
        })()
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    const local = new Date(at.getTime() + minutes * 60_000).toISOString().slice(0, 19);
    const abs = Math.abs(minutes);
    return `${local}${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  it.each([
    ['Asia/Almaty', '2026-11-30T04:15:00.900Z', '2026-11-30T09:15:00+05:00'],
    ['Asia/Almaty', '2023-06-01T00:00:00Z', '2023-06-01T06:00:00+06:00'],
    ['UTC', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00+00:00'],
    ['America/St_Johns', '2026-07-01T12:00:00Z', '2026-07-01T09:30:00-02:30'],
    ['Europe/Berlin', '2026-03-29T00:59:59Z', '2026-03-29T01:59:59+01:00'],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', '2026-03-29T03:00:00+02:00'],
    ['Asia/Kathmandu', '2026-05-05T23:59:00Z', '2026-05-06T05:44:00+05:45'],
    ['-03:30', '2026-11-30T02:00:00Z', '2026-11-29T22:30:00-03:30'],
    ['+05:00', '2026-11-30T20:00:00Z', '2026-12-01T01:00:00+05:00'],
  ])('%s at %s is %s, as Intl has it', async (zone, instant, expected) => {
    const { rows } = await sql<{ local: string | null }>`select ${localTimeSql('at', zone)} as local from (select ${instant}::timestamptz as at) as given`.execute(database.db.sql);
    expect(rows[0]!.local).toBe(expected);
    expect(intlLocal(zone, new Date(instant))).toBe(expected);
  });

  it('null stays null', async () => {
    const { rows } = await sql<{ local: string | null }>`select ${localTimeSql('at', 'Asia/Almaty')} as local from (select null::timestamptz as at) as given`.execute(database.db.sql);
    expect(rows[0]!.local).toBeNull();
  });
});
