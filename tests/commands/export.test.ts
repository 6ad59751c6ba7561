import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutraliseFormula } from '../../src/output/render.ts';
import { redact } from '../../src/services/export/redact.ts';
import { parseSplit, splitOf } from '../../src/services/export/split.ts';
import { runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let dir: string;
const k = () => database.db.em.fork().getKysely<any>();

/** Personal data that must not survive an export, written the ways people write it. */
const EMAILS = ['aigerim.nurlanovna@company.kz', 'Ivan_Petrov+vpn@mail.example.ru', 'd.serikbay@gov.kz'];
const PHONES = ['+7 (701) 123-45-67', '8 701 123 45 67', '87771234567', '+77011234567', '8 (727) 250-12-34', '+44 20 7946 0958', '+1-202-555-0143', '+7 727 250 12 34', '250-12-34'];
const IINS = ['900101300123', '040340001234', '871215401998'];
const CARDS = ['4400 4301 2345 6789', '5169-4931-0000-1234', '4405639704015096'];
const FORMULAS = ['=HYPERLINK("http://evil.example","click")', '+SUM(A1:A9)', '-2+3', '@cmd', '\tindented', '\rreturn'];

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'helpdesk-export-'));
  const texts: string[] = [];
  EMAILS.forEach((e, i) => texts.push(`Напишите мне на ${e}, пожалуйста (${i})`));
  PHONES.forEach((p, i) => texts.push(`Қоңырау шалыңыз: ${p} — call me back (${i})`));
  IINS.forEach((n, i) => texts.push(`ИИН ${n}, нужен доступ к порталу (${i})`));
  CARDS.forEach((c, i) => texts.push(`Card ${c} was charged twice (${i})`));
  FORMULAS.forEach((f) => texts.push(f));
  texts.push('Принтер на 3 этаже зажевал бумагу, инв. номер 12345, 2024-03-01');
  await sql`
    insert into training_samples (text, language, category, label_source, content_hash, created_at)
    select t, (array['ru','kk','en'])[1 + (n % 3)]::language, 'Access', (array['historic','human'])[1 + (n % 2)]::label_source,
           md5(t) || md5(t), timestamptz '2026-11-01 10:00:00+05' + n * interval '1 minute'
    from unnest(${texts}::text[]) with ordinality as x(t, n)`.execute(k());
  // Enough plain samples to cross page boundaries; many share one created_at (keyset by id too).
  await sql`
    insert into training_samples (text, language, category, label_source, content_hash, created_at)
    select 'sample ' || g, (array['ru','kk','en'])[1 + (g % 3)]::language, 'Hardware', 'historic', md5('s' || g) || md5('t' || g),
           timestamptz '2026-11-02 09:00:00+05' + (g / 7) * interval '1 second'
    from generate_series(1, 11000) g`.execute(k());
});
afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const jsonl = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string | null>);

describe('export training-samples', () => {
  it('CSV parses back with csv-parse to exactly the exported rows (formula cells neutralised), across keyset pages', async () => {
    const csv = await runCli(['export', 'training-samples'], { database });
    const lines = await runCli(['export', 'training-samples', '--format', 'jsonl'], { database });
    expect(csv.code).toBe(0);
    expect(lines.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('id,createdAt,text,language,category,priority,issueType,department,labelSource');
    const parsed = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    const rows = jsonl(lines.stdout);
    expect(Object.keys(rows[0]!).join(',')).toBe('id,createdAt,text,language,category,priority,issueType,department,labelSource');
    const total = (await sql<{ n: number }>`select count(*)::int as n from training_samples`.execute(k())).rows[0]!.n;
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.id)).size).toBe(total);
    expect(parsed).toEqual(rows.map((r) => Object.fromEntries(Object.entries(r).map(([key, v]) => [key, v === null ? '' : neutraliseFormula(String(v))]))));
    expect(csv.stderr).toContain(`exported ${total} training samples`);
    // Formula cells start with an apostrophe in CSV; JSON Lines keeps the text.
    for (const f of FORMULAS) {
      const row = parsed.find((r) => r.text === `'${f}`);
      expect(row, JSON.stringify(f)).toBeDefined();
      expect(rows.some((r) => r.text === f)).toBe(true);
    }
  });

  it('no e-mail, phone, IIN or card number from the seeded set survives redaction; --no-redact keeps them', async () => {
    for (const format of ['csv', 'jsonl']) {
      const out = (await runCli(['export', 'training-samples', '--format', format], { database })).stdout;
      for (const secret of [...EMAILS, ...PHONES, ...IINS, ...CARDS]) expect(out, secret).not.toContain(secret);
      for (const digits of [...IINS, ...CARDS, ...PHONES].map((s) => s.replace(/\D/g, ''))) expect(out.replace(/[ ()-]/g, '')).not.toContain(digits);
      expect(out).toContain('[email]');
      expect(out).toContain('[phone]');
      expect(out).toContain('[iin]');
      expect(out).toContain('[card]');
      // Ordinary numbers and dates stay.
      expect(out).toContain('инв. номер 12345, 2024-03-01');
    }
    const kept = (await runCli(['export', 'training-samples', '--format', 'jsonl', '--no-redact'], { database })).stdout;
    for (const secret of [...EMAILS, ...PHONES, ...IINS, ...CARDS]) expect(kept).toContain(secret);
    for (const secret of [...EMAILS, ...PHONES, ...IINS, ...CARDS]) expect(redact(`x ${secret} y`)).not.toContain(secret);
  });

  it('the split is stable: the same sample always on the same side, whatever else is exported', async () => {
    const all = jsonl((await runCli(['export', 'training-samples', '--format', 'jsonl', '--split', 'dev=0.2'], { database })).stdout);
    const again = jsonl((await runCli(['export', 'training-samples', '--format', 'jsonl', '--split', 'dev=0.2'], { database })).stdout);
    const kk = jsonl((await runCli(['export', 'training-samples', '--format', 'jsonl', '--split', 'dev=0.2', '--language', 'kk', '--label-source', 'historic'], { database })).stdout);
    expect(again).toEqual(all);
    const side = new Map(all.map((r) => [r.id, r.split]));
    expect(kk.length).toBeGreaterThan(1000);
    expect(kk.every((r) => r.language === 'kk' && r.labelSource === 'historic')).toBe(true);
    for (const r of kk) expect(side.get(r.id)).toBe(r.split);
    const dev = all.filter((r) => r.split === 'dev').length / all.length;
    expect(dev).toBeGreaterThan(0.18);
    expect(dev).toBeLessThan(0.22);
    expect(new Set(all.map((r) => r.split))).toEqual(new Set(['dev', 'train']));
    // Three parts.
    const split = parseSplit('dev=0.1,test=0.1')!;
    expect(splitOf(split, 'abc')).toBe(splitOf(split, 'abc'));
    expect((await runCli(['export', 'training-samples', '--split', 'dev=1.5'], { database })).code).toBe(2);
  });

  it('writes to a file with --out; progress on stderr only on a terminal', async () => {
    const file = join(dir, 'samples.csv');
    const piped = await runCli(['export', 'training-samples', '--out', file, '--from', '2026-11-01', '--to', '2026-11-01'], { database });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe('');
    expect(piped.stderr).not.toContain('\r');
    const parsed = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(parsed.length).toBe(EMAILS.length + PHONES.length + IINS.length + CARDS.length + FORMULAS.length + 1);
    const tty = await runCli(['export', 'training-samples', '--out', file], { database, tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('\r');
    const missing = await runCli(['export', 'training-samples', '--out', join(dir, 'no', 'such', 'dir.csv')], { database });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot write');
  });
});

describe('export tickets', () => {
  it('tickets with their latest prediction, personal data redacted', async () => {
    await sql`insert into users (email, name, kind) values ('client@example.kz', 'Client', 'client')`.execute(k());
    await sql`
      insert into tickets (source, user_id, subject, body, language, status, content_hash, created_at)
      select 'email', (select id from users where email = 'client@example.kz'), 'VPN ' || g, 'call me at +7 701 123 45 67 or client@example.kz', 'ru', 'in_work', md5('t' || g), now() - g * interval '1 hour'
      from generate_series(1, 30) g`.execute(k());
    await sql`
      insert into ai_predictions (ticket_id, confidence, scores, thresholds, decision, reason, created_at)
      select id, 0.5, '{}'::jsonb, '{}'::jsonb, 'queued'::decision, 'first', now() - interval '2 minutes' from tickets
      union all select id, 0.9, '{}'::jsonb, '{}'::jsonb, 'routed'::decision, 'latest', now() from tickets`.execute(k());
    const result = await runCli(['export', 'tickets', '--format', 'jsonl'], { database });
    expect(result.code).toBe(0);
    const rows = jsonl(result.stdout);
    expect(rows).toHaveLength(30);
    for (const r of rows) {
      expect(r.decision).toBe('routed');
      expect(r.confidence).toBe(0.9);
      expect(r.userEmail).toBe('[email]');
      expect(r.body).toBe('call me at [phone] or [email]');
    }
    const csv = await runCli(['export', 'tickets', '--no-redact', '--status', 'in_work'], { database });
    const parsed = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(parsed).toHaveLength(30);
    expect(parsed[0]!.userEmail).toBe('client@example.kz');
    // One naming convention for scripts: camelCase, the same in CSV and JSON Lines.
    expect(csv.stdout.split('\n')[0]).toBe(
      'number,id,createdAt,source,language,status,priority,issueType,category,department,operator,userEmail,subject,body,firstResponseAt,resolvedAt,closedAt,slaDueAt,' +
        'predictedCategory,predictedDepartment,predictedPriority,predictedIssueType,confidence,decision,review,correctedCategory,correctedDepartment,model,predictedAt',
    );
    expect(Object.keys(rows[0]!).join(',')).toBe(csv.stdout.split('\n')[0]);
    expect(parsed.map((r) => Number(r.number))).toEqual([...parsed.map((r) => Number(r.number))].sort((a, b) => b - a));
  });
});
