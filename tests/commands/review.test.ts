import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_TERMINAL } from '../../src/commands/tickets/review.ts';
import { updateTicket } from '../../src/services/tickets/tickets.ts';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/cli.ts';

// The review loop (tickets confirm / tickets review) and corrections that keep a ticket's
// category, department and operator consistent (tickets update), in-process on a real
// database: the fixture history is imported, a model trained on it, the 60 incoming fixture
// tickets decided by the pipeline, then people review and correct.

const fixture = (name: string) => new URL(`../../fixtures/tickets/${name}.jsonl`, import.meta.url).pathname;

let database: TestDatabase;
let tmp: string;
const used = new Set<string>();

const q = <T = Record<string, any>>(text: string) => sql<T>(database, text);
const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) => runCli(args, { database, ...options });

interface Decided {
  id: string;
  number: string;
  language: string;
  decision: string;
  category: string | null;
  category_id: string | null;
  department: string | null;
  confidence: number;
  status: string;
}

/** A ticket whose latest prediction nobody reviewed yet, not used by another test. */
async function pick(where: string): Promise<Decided> {
  const rows = await q<Decided>(`
    select t.id, t.number::text as number, t.language::text as language, p.decision::text as decision, c.name as category, p.category_id,
           d.name as department, p.confidence, t.status::text as status
    from tickets t join ai_predictions p on p.ticket_id = t.id
    left join categories c on c.id = p.category_id left join departments d on d.id = p.department_id
    where p.review = 'pending' and ${where}
    order by t.number`);
  const row = rows.find((r) => !used.has(r.id));
  if (!row) throw new Error(`no ticket for ${where}`);
  used.add(row.id);
  return row;
}

/** daily_stats as written incrementally must equal what `stats rebuild` computes from the tickets. */
async function expectStatsEqualRebuild(): Promise<void> {
  const snapshot = () => q(`select day::text, history, department_id, ${COUNTERS} from daily_stats where ${COUNTERS.split(', ').join(' + ')} <> 0 order by day, history, department_id nulls first`);
  const incremental = await snapshot();
  expect((await cli(['stats', 'rebuild'])).code).toBe(0);
  expect(await snapshot()).toEqual(incremental);
}
const COUNTERS = 'tickets_created, predictions, predictions_confirmed, predictions_corrected, routing_errors, auto_resolved, escalated, routed, queued, resolved, closed, resolved_on_day';

async function range(): Promise<string[]> {
  const [r] = await q<{ from: string; to: string }>(`select (min(created_at) - interval '1 day')::date::text as from, (max(created_at) + interval '1 day')::date::text as to from tickets`);
  return ['--from', r!.from, '--to', r!.to];
}

async function dailyTotal(): Promise<{ predictionsConfirmed: number; predictionsCorrected: number; aiAccuracy: number | null }> {
  return JSON.parse((await cli(['stats', 'daily', ...(await range()), '--json'])).stdout).total;
}

/** Open tickets per operator computed from the tickets must be what `operators list` shows, and fit. */
async function expectLoadsExact(): Promise<void> {
  const listed = JSON.parse((await cli(['operators', 'list', '--json'])).stdout) as { email: string; openTickets: number; capacity: number }[];
  const computed = await q<{ email: string; open: number }>(`
    select o.email, count(t.id)::int as open from operators o left join tickets t on t.operator_id = o.id and t.status in ('new', 'in_work', 'waiting')
    group by o.email order by o.email`);
  expect(Object.fromEntries(listed.map((o) => [o.email, o.openTickets]))).toEqual(Object.fromEntries(computed.map((o) => [o.email, o.open])));
  // Every open ticket with an operator is with one of its department who speaks its language.
  const misplaced = await q(`
    select t.number from tickets t join operators o on o.id = t.operator_id
    where t.status in ('new', 'in_work', 'waiting') and (o.department_id <> t.department_id or not (t.language = any(o.languages)))`);
  expect(misplaced).toEqual([]);
}

beforeAll(async () => {
  database = await createTestDatabase();
  tmp = mkdtempSync(join(tmpdir(), 'helpdesk-review-test-'));
  for (const args of [['db', 'seed'], ['import', 'tickets', fixture('history')], ['model', 'train', '--activate'], ['import', 'tickets', fixture('incoming')]]) {
    const result = await cli(args);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(result.code).toBe(0);
  }
  // A higher escalation threshold than the default, so that some decisions are escalations.
  expect((await cli(['pipeline', 'run', '--escalate-threshold', '0.5'])).code).toBe(0);
  const decisions = await q<{ decision: string; n: number }>(`select decision::text, count(*)::int as n from ai_predictions group by 1 order by 1`);
  expect(decisions.map((d) => d.decision)).toEqual(expect.arrayContaining(['routed', 'escalated']));
}, 300_000);
afterAll(async () => {
  await database?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const pct = (p: number) => `${(p * 100).toFixed(0)}%`;

describe('tickets confirm', () => {
  it('marks the latest predictions of several tickets right; AI accuracy moves at once in stats daily and stats models', async () => {
    expect(await dailyTotal()).toMatchObject({ predictionsConfirmed: 0, predictionsCorrected: 0, aiAccuracy: null });
    const a = await pick(`p.decision = 'routed'`);
    const b = await pick(`p.decision = 'routed' and t.language::text <> '${a.language}'`);
    const result = await cli(['tickets', 'confirm', a.number, `#${b.number}`]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout:
        `✓ ticket #${a.number}: AI prediction confirmed (routed, category ${a.category} ${pct(a.confidence)}, department ${a.department})\n` +
        `✓ ticket #${b.number}: AI prediction confirmed (routed, category ${b.category} ${pct(b.confidence)}, department ${b.department})\n` +
        '2 confirmed, 0 already confirmed\n',
    });
    expect(await q(`select review::text from ai_predictions where ticket_id in ('${a.id}', '${b.id}')`)).toEqual([{ review: 'confirmed' }, { review: 'confirmed' }]);
    expect(await dailyTotal()).toMatchObject({ predictionsConfirmed: 2, predictionsCorrected: 0, aiAccuracy: 1 });
    // Per model, day and language.
    const [day] = await q<{ day: string }>(`select (created_at at time zone 'Asia/Almaty')::date::text as day from ai_predictions where ticket_id = '${a.id}'`);
    const models = JSON.parse((await cli(['stats', 'models', '--period', 'day', '--from', day!.day, '--to', day!.day, '--json'])).stdout).rows as { language: string; confirmed: number; accuracy: number | null }[];
    expect(models.find((r) => r.language === 'all')).toMatchObject({ confirmed: 2, accuracy: 1 });
    expect(models.find((r) => r.language === a.language)).toMatchObject({ confirmed: 1, accuracy: 1 });
    expect(models.find((r) => r.language === b.language)).toMatchObject({ confirmed: 1, accuracy: 1 });
    await expectStatsEqualRebuild();

    // Again: a no-op that says so, and nothing moves.
    expect(await cli(['tickets', 'confirm', a.number])).toEqual({ code: 0, stderr: '', stdout: `ticket #${a.number}: already confirmed, nothing changed\n` });
    expect(await dailyTotal()).toMatchObject({ predictionsConfirmed: 2 });
  });

  it('--from-file (a file or standard input, any reference form): all or nothing, the error names the file and line', async () => {
    const a = await pick(`p.decision = 'routed'`);
    const b = await pick(`p.decision = 'routed'`);
    const [ext] = await q<{ source: string; external_id: string }>(`select source::text, external_id from tickets where id = '${b.id}'`);
    const file = join(tmp, 'confirm.txt');
    writeFileSync(file, `# to confirm\n${a.number}\n\n${b.id}\n999999\n`);
    expect(await cli(['tickets', 'confirm', '--from-file', file])).toEqual({ code: 2, stdout: '', stderr: `error: ${file}: line 5: no ticket 999999\n` });
    writeFileSync(file, `${a.number}\nabc\n`);
    expect(await cli(['tickets', 'confirm', '--from-file', file])).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ${file}: line 2: "abc" is not a ticket: give a number (42 or #42), an id, or source:external-id (email:MSG-2211)\n`,
    });
    // A ticket the pipeline has not decided yet: refused, and the others are not confirmed either.
    const created = JSON.parse((await cli(['tickets', 'create', '--body', 'Keyboard is broken', '--json'])).stdout);
    expect(await cli(['tickets', 'confirm', a.number, String(created.number)])).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ticket #${created.number} has no AI prediction to confirm: the pipeline has not decided it\n`,
    });
    expect(await q(`select review::text from ai_predictions where ticket_id in ('${a.id}', '${b.id}')`)).toEqual([{ review: 'pending' }, { review: 'pending' }]);

    const piped = await cli(['tickets', 'confirm', '--from-file', '-', '--json'], { stdin: `${a.number}\n${ext!.source}:${ext!.external_id}\n#${a.number}\n` });
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout)).toEqual([
      expect.objectContaining({ number: Number(a.number), outcome: 'confirmed', decision: 'routed', category: a.category, department: a.department, moved: null }),
      expect.objectContaining({ number: Number(b.number), outcome: 'confirmed' }),
    ]);
    await expectStatsEqualRebuild();
  });

  it('refuses a prediction a person corrected, saying how to set it back; setting it back confirms it', async () => {
    const t = await pick(`p.decision = 'routed' and c.name <> 'Hardware'`);
    const corrected = await cli(['tickets', 'update', t.number, '--category', 'Hardware']);
    expect(corrected.code).toBe(0);
    expect(await cli(['tickets', 'confirm', t.number])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        `error: ticket #${t.number}: its AI prediction was corrected by a person (category Hardware${t.department === 'End User Support' ? '' : ', department End User Support'}); ` +
        `to confirm what the model said, set it back: helpdesk tickets update ${t.number} --category ${/^[\w.@-]+$/.test(t.category!) ? t.category : `"${t.category}"`} --department "${t.department}"\n`,
    });
    const back = await cli(['tickets', 'update', t.number, '--category', t.category!, '--department', t.department!, '--json']);
    expect(JSON.parse(back.stdout)).toMatchObject({ corrected: { review: 'confirmed', category: null, department: null } });
    await expectStatsEqualRebuild();
  });

  it('confirming an escalation triages it: it goes to the category\'s department and to one of its operators', async () => {
    const t = await pick(`p.decision = 'escalated' and p.category_id is not null and t.status = 'in_work'`);
    const result = await cli(['tickets', 'confirm', t.number, '--json']);
    expect(result.code).toBe(0);
    const [outcome] = JSON.parse(result.stdout);
    const [row] = await q<{ department: string; default_department: string; operator: string | null }>(`
      select d.name as department, dd.name as default_department, o.email as operator
      from tickets t join categories c on c.id = t.category_id join departments dd on dd.id = c.default_department_id
      join departments d on d.id = t.department_id left join operators o on o.id = t.operator_id where t.id = '${t.id}'`);
    expect(row!.department).toBe(row!.default_department);
    expect(outcome).toMatchObject({ outcome: 'confirmed', decision: 'escalated', department: null, moved: { department: row!.department, operator: row!.operator } });
    // The department was the triage rule's, not the model's: no routing error, no correction.
    expect(await q(`select review::text, corrected_department_id from ai_predictions where ticket_id = '${t.id}'`)).toEqual([{ review: 'confirmed', corrected_department_id: null }]);
    await expectLoadsExact();
    await expectStatsEqualRebuild();
  });
});

describe('tickets update keeps category, department and operator consistent', () => {
  it('a new category brings its default department and routes within it; --department routes within the given one; loads stay exact', async () => {
    const t = await pick(`p.decision = 'routed' and t.language = 'ru' and c.name <> 'HR Support'`);
    const result = await cli(['tickets', 'update', t.number, '--category', 'HR Support']);
    expect(result.code).toBe(0);
    const [now] = await q<{ department: string; operator: string | null; name: string | null }>(`
      select d.name as department, o.email as operator, o.name from tickets t join departments d on d.id = t.department_id
      left join operators o on o.id = t.operator_id where t.id = '${t.id}'`);
    expect(now!.department).toBe('HR Systems');
    expect(now!.operator).not.toBeNull();
    expect(result.stdout).toMatch(
      new RegExp(
        `^✓ ticket #${t.number}: category HR Support, department HR Systems, operator ${now!.operator!.replace(/\./g, '\\.')}\n` +
          `  routed to ${now!.name}: least loaded \\(\\d+/\\d+\\) of \\d+ eligible\n` +
          `  AI prediction marked corrected \\(category HR Support, department HR Systems\\)\n` +
          '  training sample recorded \\(label source human\\)\n$',
      ),
    );
    await expectLoadsExact();

    // A department given explicitly wins over the category's default, and routes within it.
    const both = JSON.parse((await cli(['tickets', 'update', t.number, '--category', 'Access', '--department', 'Service Desk', '--json'])).stdout);
    expect(both).toMatchObject({ changed: ['category', 'department', 'operator'], ticket: { category: 'Access', department: 'Service Desk' }, routing: { reason: expect.stringMatching(/^routed to /) } });
    // ... and a later change of category keeps the department a person chose.
    const later = JSON.parse((await cli(['tickets', 'update', t.number, '--category', 'Hardware', '--json'])).stdout);
    expect(later).toMatchObject({ changed: ['category'], ticket: { category: 'Hardware', department: 'Service Desk' }, routing: null });

    const d = JSON.parse((await cli(['tickets', 'update', t.number, '--department', 'End User Support', '--json'])).stdout);
    expect(d.ticket.department).toBe('End User Support');
    const [op] = await q<{ department: string | null }>(`select d.name as department from tickets t left join operators o on o.id = t.operator_id left join departments d on d.id = o.department_id where t.id = '${t.id}'`);
    expect(op!.department === null || op!.department === 'End User Support').toBe(true);
    await expectLoadsExact();
    await expectStatsEqualRebuild();
  });

  it('--operator refuses an operator of another department, without the language, inactive or at capacity (exit 2, nothing written) unless --force', async () => {
    const t = await pick(`p.decision = 'routed' and t.language = 'kk' and d.name = 'End User Support'`);
    for (const args of [
      ['--name', 'Test Other', '--email', 'other@test.kz', '--department', 'Procurement', '--languages', 'ru,kk,en', '--capacity', '5'],
      ['--name', 'Test Russian', '--email', 'russian@test.kz', '--department', 'End User Support', '--languages', 'ru', '--capacity', '5'],
      ['--name', 'Test Full', '--email', 'full@test.kz', '--department', 'End User Support', '--languages', 'kk', '--capacity', '1'],
      ['--name', 'Test Away', '--email', 'away@test.kz', '--department', 'End User Support', '--languages', 'kk', '--capacity', '5'],
    ]) {
      expect((await cli(['operators', 'add', ...args])).code).toBe(0);
    }
    expect((await cli(['operators', 'update', 'away@test.kz', '--no-active'])).code).toBe(0);
    const other = await pick(`t.language = 'kk' and t.status = 'in_work'`);
    expect((await cli(['tickets', 'update', other.number, '--department', 'End User Support', '--operator', 'full@test.kz'])).code).toBe(0);

    const [before] = await q(`select operator_id, department_id, updated_at from tickets where id = '${t.id}'`);
    const refused = async (email: string, why: string) =>
      expect(await cli(['tickets', 'update', t.number, '--operator', email])).toEqual({ code: 2, stdout: '', stderr: `error: ticket #${t.number}: ${why} (--force assigns anyway)\n` });
    await refused('OTHER@test.kz', "operator other@test.kz is in Procurement, not in the ticket's department End User Support");
    await refused('russian@test.kz', "operator russian@test.kz does not speak kk, the ticket's language (speaks ru)");
    await refused('away@test.kz', 'operator away@test.kz is inactive');
    await refused('full@test.kz', 'operator full@test.kz is at capacity (1/1 open tickets)');
    expect(await q(`select operator_id, department_id, updated_at from tickets where id = '${t.id}'`)).toEqual([before]);

    expect(await cli(['tickets', 'update', t.number, '--operator', 'russian@test.kz', '--force'])).toEqual({ code: 0, stderr: '', stdout: `✓ ticket #${t.number}: operator russian@test.kz\n` });
    // The operator's own ticket does not count against them: closing it frees the slot.
    expect((await cli(['tickets', 'update', other.number, '--status', 'closed'])).code).toBe(0);
    expect((await cli(['tickets', 'update', t.number, '--operator', 'full@test.kz'])).code).toBe(0);
    expect((await cli(['tickets', 'update', t.number, '--operator', 'full@test.kz', '--status', 'waiting'])).code).toBe(0);
    await expectLoadsExact();
  });

  it('capacity holds when two corrections route into the same department at once (operators locked as the pipeline locks them)', async () => {
    expect((await cli(['departments', 'add', '--name', 'Solo Desk'])).code).toBe(0);
    expect((await cli(['operators', 'add', '--name', 'Solo', '--email', 'solo@test.kz', '--department', 'Solo Desk', '--languages', 'ru,kk,en', '--capacity', '1'])).code).toBe(0);
    const a = await pick(`t.status = 'in_work'`);
    const b = await pick(`t.status = 'in_work'`);
    const results = await Promise.all([a, b].map((t) => updateTicket(database.db.em.fork(), t.number, { department: 'Solo Desk' }, 'Asia/Almaty')));
    expect(results.map((r) => r.ticket.operator).sort()).toEqual([null, 'solo@test.kz']);
    expect(results.map((r) => r.routing?.reason).sort()).toEqual(['Solo Desk: no operator is free for ' + results.find((r) => !r.ticket.operator)!.ticket.language + ': left in the department queue', 'routed to Solo: least loaded (0/1) of 1 eligible']);
    await expectLoadsExact();
    await expectStatsEqualRebuild();
  });

  it('a human training sample carries only the labels a person gave or confirmed, never what the AI derived', async () => {
    const t = await pick(`p.decision = 'routed' and c.name <> 'Purchase'`);
    const [ticket] = await q<{ content_hash: string; issue_type: string; priority: string }>(`select content_hash, issue_type::text, priority::text from tickets where id = '${t.id}'`);
    expect(ticket!.issue_type).not.toBeNull(); // the pipeline derived it
    await cli(['tickets', 'update', t.number, '--category', 'Purchase']);
    const sample = () => q(`select label_source::text, category, department, priority::text, issue_type::text from training_samples where content_hash = '${ticket!.content_hash}'`);
    expect(await sample()).toEqual([{ label_source: 'human', category: 'Purchase', department: null, priority: null, issue_type: null }]);
    await cli(['tickets', 'update', t.number, '--department', 'Projects', '--priority', 'critical']);
    expect(await sample()).toEqual([{ label_source: 'human', category: 'Purchase', department: 'Projects', priority: 'critical', issue_type: null }]);

    const c = await pick(`p.decision = 'routed'`);
    await cli(['tickets', 'confirm', c.number]);
    expect(await q(`select s.label_source::text, s.category, s.department, s.priority::text, s.issue_type::text from training_samples s join tickets t on t.content_hash = s.content_hash where t.id = '${c.id}'`)).toEqual([
      { label_source: 'ai_confirmed', category: c.category, department: c.department, priority: null, issue_type: null },
    ]);
  });

  it('setting a label to what it already is changes nothing and points to tickets confirm', async () => {
    const t = await pick(`p.decision = 'routed'`);
    expect(await cli(['tickets', 'update', t.number, '--category', t.category!])).toEqual({
      code: 0,
      stderr: '',
      stdout: `ticket #${t.number}: nothing changed\n  to mark the AI prediction right: helpdesk tickets confirm ${t.number}\n`,
    });
  });
});

describe('tickets review', () => {
  it('without a terminal: exit 2, pointing to tickets confirm and tickets update', async () => {
    expect(await cli(['tickets', 'review'])).toEqual({ code: 2, stdout: '', stderr: `error: ${NO_TERMINAL}\n` });
  });

  it('walks the unreviewed decisions least confident first: accept, skip, correct; stats move at each answer', async () => {
    const queue = await q<{ number: string; id: string; category: string; confidence: number; decision: string }>(`
      select t.number::text as number, t.id, c.name as category, p.confidence, p.decision::text as decision
      from ai_predictions p join tickets t on t.id = p.ticket_id left join categories c on c.id = p.category_id
      where p.review = 'pending' and t.language = 'en' order by p.confidence, p.created_at desc, t.number desc limit 3`);
    expect(queue).toHaveLength(3);
    for (const r of queue) used.add(r.id);
    const [total] = await q<{ n: number }>(`select count(*)::int as n from ai_predictions p join tickets t on t.id = p.ticket_id where p.review = 'pending' and t.language = 'en'`);
    const confirmedBefore = (await dailyTotal()).predictionsConfirmed;
    const correctTo = queue[2]!.category === 'Purchase' ? 'Hardware' : 'Purchase';
    const correctDepartment = correctTo === 'Purchase' ? 'Procurement' : 'End User Support';
    const result = await cli(['tickets', 'review', '--order', 'least-confident', '--language', 'en', '--limit', '3'], {
      tty: true,
      env: { NO_COLOR: '1' },
      answers: ['accept', 'skip', 'correct', correctTo, correctDepartment],
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.prompter!.asked).toEqual([`#${queue[0]!.number}: is the AI right?`, `#${queue[1]!.number}: is the AI right?`, `#${queue[2]!.number}: is the AI right?`, 'Category', 'Department']);
    const out = result.stdout;
    expect(out.startsWith(`${total!.n} unreviewed decisions, least confident first (the first 3)\n`)).toBe(true);
    expect(out).toContain(`\n[1/3] ticket #${queue[0]!.number} `);
    expect(out).toContain(`\n✓ ticket #${queue[0]!.number}: AI prediction confirmed (${queue[0]!.decision}, category ${queue[0]!.category} ${pct(queue[0]!.confidence)}`);
    expect(out).toMatch(new RegExp(`\\n✓ ticket #${queue[2]!.number}: category ${correctTo}, department ${correctDepartment}.*; AI prediction marked corrected`));
    expect(out.endsWith('\nreviewed 2: 1 confirmed, 1 corrected; 1 skipped\n')).toBe(true);
    const reviews = await q<{ number: string; review: string }>(`select t.number::text as number, p.review::text from ai_predictions p join tickets t on t.id = p.ticket_id where t.id in (${queue.map((r) => `'${r.id}'`).join(', ')}) order by p.confidence`);
    expect(reviews.map((r) => r.review)).toEqual(['confirmed', 'pending', 'corrected']);
    expect((await dailyTotal()).predictionsConfirmed).toBe(confirmedBefore + 1);
    await expectLoadsExact();
    await expectStatsEqualRebuild();
  });

  it('quit stops at once; a filter with nothing left says so', async () => {
    const quit = await cli(['tickets', 'review', '--limit', '1'], { tty: true, env: { NO_COLOR: '1' }, answers: ['quit'] });
    expect(quit.code).toBe(0);
    expect(quit.stdout.endsWith('\nreviewed 0: 0 confirmed, 0 corrected; 0 skipped\n')).toBe(true);
    // Auto-resolved tickets are in no department.
    const none = await cli(['tickets', 'review', '--decision', 'auto_resolved', '--department', 'Procurement'], { tty: true, env: { NO_COLOR: '1' }, answers: [] });
    expect(none).toMatchObject({ code: 0, stdout: 'nothing to review: every decision matching these filters has been confirmed or corrected\n' });
    expect(await cli(['tickets', 'review', '--order', 'oldest'], { tty: true, env: { NO_COLOR: '1' } })).toMatchObject({ code: 2, stderr: 'error: --order must be one of newest, least-confident (got "oldest")\n' });
  });
});
