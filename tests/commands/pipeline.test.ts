import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECISIONS } from '../../src/entities/enums.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/cli.ts';
import { readFixtureTickets } from '../support/fixture-tickets.ts';

// `helpdesk pipeline run` and `pipeline explain` in-process against a real database: the
// labelled IT sample and the fixture history are imported and a model trained through the CLI,
// then the 60 incoming fixture tickets go through the pipeline.

const fixture = (path: string): string => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));
const incoming = readFixtureTickets('incoming');

let database: TestDatabase;
let tmp: string;

beforeAll(async () => {
  database = await createTestDatabase();
  tmp = mkdtempSync(join(tmpdir(), 'helpdesk-pipeline-test-'));
  expect(await runCli(['db', 'seed'], { database })).toMatchObject({ code: 0 });
});
afterAll(async () => {
  await database?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function count(query: string): Promise<number> {
  const rows = (await sql.raw<{ n: number }>(`select count(*)::int as n from (${query}) q`).execute(database.db.orm.em.fork().getKysely())).rows;
  return rows[0]!.n;
}

async function dailyStatsFingerprint(): Promise<string> {
  const [row] = await rows<{ f: string | null }>(`select md5(string_agg(d::text, '|' order by d.id)) as f from daily_stats d`);
  return row?.f ?? '';
}

async function rows<T>(query: string): Promise<T[]> {
  return (await sql.raw<T>(query).execute(database.db.orm.em.fork().getKysely())).rows;
}

const NO_MODEL = 'error: no active model: run `helpdesk model train --activate` (or `helpdesk model activate ID`)\n';
const RUN_HEADER = 'ticket\tlang\tdecision\tcategory\tconf\tpriority\tdepartment\toperator';
const TOTALS_HEADER = 'language\tauto_resolved\tescalated\trouted\tqueued';

describe('pipeline run without a model', () => {
  it('exits 2 telling to train a model, and writes nothing', async () => {
    expect(await runCli(['pipeline', 'run'], { database })).toEqual({ code: 2, stdout: '', stderr: NO_MODEL });
    expect(await runCli(['pipeline', 'run', '--dry-run', '--json'], { database })).toEqual({ code: 2, stdout: '', stderr: NO_MODEL });
  });

  it('bad flags and configuration files are usage or input errors, before the database is touched', async () => {
    expect(await runCli(['pipeline', 'run', '--batch', '0'], { database })).toEqual({ code: 2, stdout: '', stderr: 'error: --batch must be a positive whole number (got "0")\n' });
    expect(await runCli(['pipeline', 'run', '--limit', '2.5'], { database })).toEqual({ code: 2, stdout: '', stderr: 'error: --limit must be a positive whole number (got "2.5")\n' });
    expect(await runCli(['pipeline', 'run', '--escalate-threshold', '1.5'], { database })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --escalate-threshold must be a number from 0 to 1 (got "1.5")\n',
    });
    expect(await runCli(['pipeline', 'run', '--escalate-threshold', '0.9', '--auto-resolve-threshold', '0.5'], { database })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: flags: thresholds.escalate (0.9) must not exceed thresholds.autoResolve (0.5)\n',
    });
    const missing = join(tmp, 'missing.json');
    expect(await runCli(['pipeline', 'run', '--config', missing], { database })).toEqual({ code: 2, stdout: '', stderr: `error: ${missing}: cannot read (ENOENT)\n` });
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ thresholds: { autoResolve: 0.7, escalte: 0.2 } }));
    expect(await runCli(['pipeline', 'run'], { database, env: { HELPDESK_CONFIG: bad } })).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ${bad}: unknown threshold "escalte"\n`,
    });
  });
});

describe('pipeline run and explain with a trained model', () => {
  let newIds: { number: string; external_id: string; source: string }[];

  beforeAll(async () => {
    const sample = await runCli(['import', 'tickets', fixture('it-tickets/sample.csv'), '--map', 'body=Document,category=Topic_group', '--status', 'closed', '--create-missing', '--json'], {
      database,
    });
    expect(sample.stderr).toBe('');
    expect(JSON.parse(sample.stdout)).toMatchObject({ created: 6000, rejected: 0 });
    const history = await runCli(['import', 'tickets', fixture('tickets/history.jsonl'), '--json'], { database });
    expect(JSON.parse(history.stdout)).toMatchObject({ created: 108, rejected: 0 });
    const train = await runCli(['model', 'train', '--activate', '--no-tune', '--json'], { database });
    expect(train.code).toBe(0);
    const fresh = await runCli(['import', 'tickets', fixture('tickets/incoming.jsonl'), '--json'], { database });
    expect(JSON.parse(fresh.stdout)).toMatchObject({ created: 60, rejected: 0 });
    newIds = await rows(`select number::text as number, external_id, source::text as source from tickets where status = 'new' order by created_at, id`);
    expect(newIds).toHaveLength(60);
  });

  it('explain before the pipeline ran: the ticket, and no decision yet', async () => {
    const first = incoming[0]!;
    const ticket = newIds.find((t) => t.external_id === first.external_id)!;
    const result = await runCli(['pipeline', 'explain', `#${ticket.number}`], { database });
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout:
        `ticket\t#${ticket.number} ${first.subject}\nstatus\tnew\nlanguage\t${first.language}\ndepartment\t\noperator\t\n` +
        '\nno decision yet: the pipeline has not processed this ticket\n',
    });
    const json = await runCli(['pipeline', 'explain', `${first.source}:${first.external_id}`, '--json'], { database });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ticket: { number: ticket.number, status: 'new', language: first.language }, prediction: null });
  });

  it('--dry-run prints every decision and the totals, and writes nothing', async () => {
    const statsBefore = await dailyStatsFingerprint();
    const result = await runCli(['pipeline', 'run', '--dry-run'], { database });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    // The decision table: a header, one line per new ticket in creation order, a blank line.
    expect(lines[0]).toBe(RUN_HEADER);
    const decisions = lines.slice(1, 61).map((line) => line.split('\t'));
    expect(decisions.map((d) => d[0])).toEqual(newIds.map((t) => `#${t.number}`));
    for (const d of decisions) {
      expect(d).toHaveLength(8);
      expect(DECISIONS).toContain(d[2]);
      expect(d[4]).toMatch(/^[01]\.\d\d$/);
      // Routed tickets have an operator, queued and escalated ones a department only, auto-resolved neither.
      if (d[2] === 'routed') expect(d[6] && d[7]).toBeTruthy();
      if (d[2] === 'queued' || d[2] === 'escalated') expect([Boolean(d[6]), d[7]]).toEqual([true, '']);
      if (d[2] === 'auto_resolved') expect([d[6], d[7]]).toEqual(['', '']);
      if (d[2] === 'escalated') expect(d[6]).toBe('Service Desk');
    }
    const language = new Map(incoming.map((t) => [t.external_id, t.language]));
    expect(decisions.map((d) => d[1])).toEqual(newIds.map((t) => language.get(t.external_id)));
    expect(lines[61]).toBe('');
    // The totals table: per language, then the totals, adding up to the table above.
    expect(lines[62]).toBe(TOTALS_HEADER);
    const tally = (lang?: string) => DECISIONS.map((decision) => decisions.filter((d) => d[2] === decision && (!lang || d[1] === lang)).length);
    expect(lines.slice(63, 67)).toEqual([...['ru', 'kk', 'en'].map((l) => [l, ...tally(l)].join('\t')), ['total', ...tally()].join('\t')]);
    expect(lines[67]).toMatch(/^dry run: nothing written; 60 tickets in 1 batch, \d+\.\d\d s, \d+ tickets\/s \(model helpdesk-classifier v1\)$/);
    expect(lines.slice(68)).toEqual(['']);
    // Every decision kind the fixtures are written to produce is there.
    expect(tally().slice(0, 3).every((n) => n > 0)).toBe(true);

    expect(await count(`select 1 from tickets where status = 'new'`)).toBe(60);
    expect(await count('select 1 from ai_predictions')).toBe(0);
    expect(await count('select 1 from ticket_messages')).toBe(0);
    // The imported history is in daily_stats; the dry run adds nothing to it.
    expect(await dailyStatsFingerprint()).toBe(statsBefore);
    expect(await count('select 1 from ai_auto_responses where times_used > 0')).toBe(0);
    expect(await count(`select 1 from tickets where operator_id is not null and status <> 'closed'`)).toBe(0);

    // The same dry run decides the same way: nothing was left behind to change the loads.
    const again = await runCli(['pipeline', 'run', '--dry-run'], { database });
    expect(again.stdout.split('\n').slice(0, 67)).toEqual(lines.slice(0, 67));
  });

  it('--dry-run --limit on a terminal draws tables and a progress bar', async () => {
    const result = await runCli(['pipeline', 'run', '--dry-run', '--limit', '5'], { database, tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^┌─/);
    expect(result.stdout).toMatch(/│ (\u001b\[1m)?ticket(\u001b\[22m)? │/);
    for (const t of newIds.slice(0, 5)) expect(result.stdout).toContain(`│ #${t.number} `);
    expect(result.stdout).not.toContain(`#${newIds[5]!.number}`);
    expect(result.stdout).toContain('│ total');
    expect(result.stdout).toMatch(/\ndry run: nothing written; 5 tickets in 1 batch, \d+\.\d\d s, \d+ tickets\/s \(model helpdesk-classifier v1\)\n$/);
    expect(result.stderr).toMatch(/^\rdecided \(dry run\) 5 tickets, \d+\/s\u001b\[K\r\u001b\[K$/);
    expect(await count('select 1 from ai_predictions')).toBe(0);
  });

  it('--dry-run decides --limit tickets even when that is more than a batch; one batch without --limit', async () => {
    const limited = JSON.parse((await runCli(['pipeline', 'run', '--dry-run', '--batch', '10', '--limit', '25', '--json'], { database })).stdout);
    expect(limited).toMatchObject({ dryRun: true, processed: 25, batches: 1 });
    expect(limited.tickets.map((t: { number: string }) => t.number)).toEqual(newIds.slice(0, 25).map((t) => t.number));
    const batch = JSON.parse((await runCli(['pipeline', 'run', '--dry-run', '--batch', '10', '--json'], { database })).stdout);
    expect(batch).toMatchObject({ dryRun: true, processed: 10, batches: 1 });
    expect(await count('select 1 from ai_predictions')).toBe(0);
  });

  it('run --json: the summary adds up, and matches what was written', async () => {
    const result = await runCli(['pipeline', 'run', '--batch', '16', '--json'], { database });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ dryRun: false, model: 'helpdesk-classifier v1', processed: 60, batches: 4, tickets: [] });
    expect(Object.keys(summary.decisions)).toEqual([...DECISIONS]);
    expect(DECISIONS.reduce((sum, d) => sum + summary.decisions[d], 0)).toBe(60);
    for (const d of DECISIONS) expect(Object.values(summary.byLanguage as Record<string, Record<string, number>>).reduce((sum, l) => sum + l[d]!, 0)).toBe(summary.decisions[d]);
    for (const lang of ['ru', 'kk', 'en']) {
      expect(DECISIONS.reduce((sum, d) => sum + summary.byLanguage[lang][d], 0)).toBe(incoming.filter((t) => t.language === lang).length);
    }
    expect(summary.byLanguage.unknown).toEqual(Object.fromEntries(DECISIONS.map((d) => [d, 0])));
    expect(summary.seconds).toBeGreaterThan(0);
    expect(summary.ticketsPerSecond).toBeCloseTo(60 / summary.seconds, 5);

    const written = await rows<{ decision: string; n: number }>(`select decision::text as decision, count(*)::int as n from ai_predictions group by decision`);
    expect(Object.fromEntries(written.map((r) => [r.decision, r.n]))).toEqual(Object.fromEntries(DECISIONS.filter((d) => summary.decisions[d] > 0).map((d) => [d, summary.decisions[d]])));
    expect(await count(`select 1 from tickets where status = 'new'`)).toBe(0);
    expect(await count(`select 1 from ticket_messages where author_kind = 'ai'`)).toBe(summary.decisions.auto_resolved);
  });

  it('a second run finds nothing to do', async () => {
    const result = await runCli(['pipeline', 'run'], { database });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('no new tickets to process\n');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([TOTALS_HEADER, 'total\t0\t0\t0\t0']);
    expect(lines[2]).toMatch(/^0 tickets in 0 batches, \d+\.\d\d s, 0 tickets\/s \(model helpdesk-classifier v1\)$/);
    const json = await runCli(['pipeline', 'run', '--json'], { database });
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ processed: 0, batches: 0, decisions: { auto_resolved: 0, escalated: 0, routed: 0, queued: 0 } });
  });

  it('explain a routed ticket by number: scores, thresholds, template, routing candidates and the choice', async () => {
    const [routed] = await rows<{ number: string; subject: string; language: string; reason: string; department: string; operator: string }>(`
      select t.number::text as number, t.subject, t.language::text as language, p.reason, d.name as department, o.name as operator
      from tickets t join ai_predictions p on p.ticket_id = t.id join departments d on d.id = t.department_id join operators o on o.id = t.operator_id
      where p.decision = 'routed' order by t.number limit 1`);
    expect(routed).toBeDefined();
    const result = await runCli(['pipeline', 'explain', routed!.number], { database });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      `ticket\t#${routed!.number} ${routed!.subject}`,
      'status\tin_work',
      `language\t${routed!.language}`,
      `department\t${routed!.department}`,
      `operator\t${routed!.operator}`,
      '',
    ]);
    expect(lines[6]).toBe('decision\trouted');
    expect(lines[7]).toBe(`reason\t${routed!.reason}`);
    expect(lines[8]).toBe('model\thelpdesk-classifier v1');
    expect(lines[9]).toMatch(/^decided at\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines[10]).toBe('thresholds\tautoResolve 0.6, escalate 0.35, department 0.6, templateMatch 0.5, headQuality 0.6');
    expect(lines[11]).toMatch(/^priority\t(low|medium|high|critical) \(/);
    expect(lines[12]).toMatch(/^issue type\t(simple|complex|auto_resolvable) \(/);
    expect(lines[13]).toMatch(/^template\t(none matched|.+ \(\d+% of a trigger example, \d+ distinctive stems?, \d+% of the ticket\)(: too weak to answer \(.+\))?)$/);
    expect(lines[14]).toMatch(/^department from\t(model|category_default)$/);
    expect(lines[15]).toBe('review\tpending');
    expect(lines[16]).toMatch(/^held back\t(no|.+: .+)$/);
    expect(lines[17]).toBe('kept from a person\tnothing');
    // The model was trained on 6,000 English tickets and 36 per language of the fixture history.
    expect(lines[18]).toBe(
      routed!.language === 'en' ? 'language in training\ten: 6,036 training samples' : `language in training\t${routed!.language}: 36 training samples: the model barely knows this language`,
    );
    expect(lines[19]).toBe('');
    expect(lines[20]).toBe('head\t1st\t2nd\t3rd');
    expect(lines[21]).toMatch(/^category\t\S.* [01]\.\d\d\t\S.* [01]\.\d\d\t\S.* [01]\.\d\d$/);
    const routingAt = lines.indexOf('operator\tload\teligible\tnote');
    expect(routingAt).toBeGreaterThan(21);
    const candidates = lines.slice(routingAt + 1, lines.length - 2).map((l) => l.split('\t'));
    expect(candidates.length).toBeGreaterThan(0);
    const chosen = candidates.find((c) => c[0] === routed!.operator);
    expect(chosen).toBeDefined();
    expect(chosen![2]).toBe('yes');
    for (const c of candidates) expect(c[1]).toMatch(/^\d+\/\d+$/);
    expect(lines.at(-2)).toMatch(new RegExp(`^routing: ${routed!.operator}: least loaded \\(\\d+/\\d+\\) of \\d+ eligible$`));
    expect(lines.at(-1)).toBe('');
  });

  it('explain an auto-resolved ticket by source:external-id, the same as by number; --json has the whole record', async () => {
    const [auto] = await rows<{ number: string; source: string; external_id: string; template: string }>(`
      select t.number::text as number, t.source::text as source, t.external_id, r.name as template
      from tickets t join ticket_messages m on m.ticket_id = t.id join ai_auto_responses r on r.id = m.auto_response_id
      where t.status = 'auto_resolved' order by t.number limit 1`);
    expect(auto).toBeDefined();
    const byKey = await runCli(['pipeline', 'explain', `${auto!.source}:${auto!.external_id}`], { database });
    const byNumber = await runCli(['pipeline', 'explain', `#${auto!.number}`], { database });
    expect(byKey.code).toBe(0);
    expect(byKey).toEqual(byNumber);
    expect(byKey.stdout).toContain('\nstatus\tauto_resolved\n');
    expect(byKey.stdout).toContain('\ndecision\tauto_resolved\n');
    expect(byKey.stdout).toMatch(new RegExp(`\\ntemplate\\t${auto!.template} \\(\\d+% of a trigger example, \\d+ distinctive stems, \\d+% of the ticket\\)\\n`));
    expect(byKey.stdout).toContain('\nheld back\tno\n');
    expect(byKey.stdout).not.toContain('routing:');

    const json = await runCli(['pipeline', 'explain', `${auto!.source}:${auto!.external_id}`, '--json'], { database });
    expect(json.stderr).toBe('');
    const explanation = JSON.parse(json.stdout);
    expect(explanation.ticket).toMatchObject({ number: auto!.number, status: 'auto_resolved', department: null, operator: null });
    expect(explanation.prediction).toMatchObject({
      decision: 'auto_resolved',
      model: 'helpdesk-classifier v1',
      review: 'pending',
      thresholds: { autoResolve: 0.6, escalate: 0.35, department: 0.6, templateMatch: 0.5, headQuality: 0.6 },
      scores: { template: { name: auto!.template }, routing: null },
    });
    expect(explanation.prediction.confidence).toBeGreaterThanOrEqual(0.6);
    expect(explanation.prediction.scores.template.similarity).toBeGreaterThanOrEqual(0.5);
    expect(explanation.prediction.scores.template.matched).toBeGreaterThanOrEqual(2);
    expect(explanation.prediction.scores.holdBack).toEqual([]);
    expect(explanation.prediction.reason).toMatch(
      new RegExp(`^auto_resolvable; template "${auto!.template}" matches \\d+% with \\d+ stems, \\d+% of the ticket \\(≥ 50%, ≥ 2, ≥ 20%\\); category .+ at \\d+% ≥ 60%$`),
    );
  });

  it('explain an escalated ticket: the reason names the triage department', async () => {
    const [escalated] = await rows<{ number: string }>(`select t.number::text as number from tickets t where t.escalated order by t.number limit 1`);
    expect(escalated).toBeDefined();
    const result = await runCli(['pipeline', 'explain', escalated!.number, '--json'], { database });
    const explanation = JSON.parse(result.stdout);
    expect(explanation.ticket).toMatchObject({ status: 'in_work', department: 'Service Desk', operator: null });
    expect(explanation.prediction.decision).toBe('escalated');
    expect(explanation.prediction.confidence).toBeLessThan(0.35);
    expect(explanation.prediction.reason).toMatch(/: escalated to Service Desk$/);
  });

  it('explain an unknown ticket exits 2; a malformed reference is a usage error', async () => {
    expect(await runCli(['pipeline', 'explain', '999999'], { database })).toEqual({ code: 2, stdout: '', stderr: 'error: no ticket 999999\n' });
    expect(await runCli(['pipeline', 'explain', 'chat:NO-SUCH-ID', '--json'], { database })).toEqual({ code: 2, stdout: '', stderr: 'error: no ticket chat:NO-SUCH-ID\n' });
    expect(await runCli(['pipeline', 'explain', 'foo'], { database })).toEqual({ code: 2, stdout: '', stderr: 'error: "foo" is not a ticket id, number or source:external-id\n' });
  });

  it('a historic (closed) ticket the pipeline never saw has no decision', async () => {
    const [closed] = await rows<{ number: string; subject: string }>(`select number::text as number, subject from tickets where external_id = 'HIST-EN-001'`);
    const result = await runCli(['pipeline', 'explain', 'portal:HIST-EN-001'], { database });
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: `ticket\t#${closed!.number} ${closed!.subject}\nstatus\tclosed\nlanguage\ten\ndepartment\tProcurement\noperator\t\n\nno decision yet: the pipeline has not processed this ticket\n`,
    });
  });
});
