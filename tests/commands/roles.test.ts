import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.ts';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.ts';
import { withDatabaseName } from '../support/template.ts';

// Roles, row-level security, redacting views and the audit trail (issue 15). The role part
// needs a PostgreSQL server: the embedded database has one local superuser, so there it only
// checks that the role commands say so and that the audit trail is kept.

const onServer = Boolean(process.env.DATABASE_URL);
const history = new URL('../../fixtures/tickets/history.jsonl', import.meta.url).pathname;
const incoming = new URL('../../fixtures/tickets/incoming.jsonl', import.meta.url).pathname;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  expect((await runCli(['db', 'seed'], { database })).code).toBe(0);
  expect((await runCli(['import', 'tickets', history], { database })).code).toBe(0);
});
afterAll(async () => {
  await database?.dispose();
});

const oneLine = (r: CliResult) => r.stderr.trimEnd().split('\n');

describe.skipIf(onServer)('on the embedded database (one local user)', () => {
  it('the role commands explain that they need a server', async () => {
    for (const args of [['db', 'roles'], ['db', 'grant', 'ana', 'helpdesk_agent'], ['db', 'revoke', 'ana', 'helpdesk_agent']]) {
      const r = await runCli(args, { database });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: db (roles|grant|revoke) needs a PostgreSQL server \(--database-url or DATABASE_URL\): the embedded database has one local user, who may do everything\n$/);
    }
  });

  it('keeps the audit trail all the same, as the local user', async () => {
    const [t] = await sql<{ number: string; status: string }>(database, `select number::text, status from tickets order by number limit 1`);
    const status = t!.status === 'waiting' ? 'in_work' : 'waiting';
    expect((await runCli(['tickets', 'update', t!.number, '--status', status], { database })).code).toBe(0);
    const audit = JSON.parse((await runCli(['audit', '--table', 'tickets', '--json'], { database })).stdout);
    expect(audit[0]).toMatchObject({ login: 'postgres', table: 'tickets', action: 'update', old: { status: t!.status }, new: { status } });
    // The import wrote one audit row, not one per ticket.
    const [{ n }] = (await sql<{ n: number }>(database, `select count(*)::int as n from audit_log where table_name = 'tickets'`)) as [{ n: number }];
    expect(n).toBe(2);
    const imported = JSON.parse((await runCli(['audit', '--table', 'tickets', '--json'], { database })).stdout).find((r: { action: string }) => r.action === 'import');
    expect(imported).toMatchObject({ login: 'postgres', new: { file: history, created: 108, skipped: 0 } });
    const piped = await runCli(['audit', '--table', 'tickets'], { database });
    expect(piped.stdout).toContain(`\ttickets\timport\t\timported 108 tickets from ${history} (0 skipped)\n`);
  });
});

describe.skipIf(!onServer)('on a PostgreSQL server, a login per role', () => {
  // Roles belong to the whole server and test files run in parallel: unique login names per run.
  const tag = `hd${process.pid}${Date.now().toString(36)}`;
  const login = { admin: `${tag}_admin`, pipeline: `${tag}_pipeline`, agent: `${tag}_agent`, analyst: `${tag}_analyst`, nobody: `${tag}_nobody` };
  type Who = keyof typeof login;
  let server: pg.Client;
  let agentDepartment: string;

  const urlOf = (who: Who) => {
    const url = new URL(database.env.DATABASE_URL!);
    url.username = login[who];
    return url.toString();
  };
  const as = (who: Who, args: string[]) => runCli(['--database-url', urlOf(who), ...args]);
  const client = async (who: Who) => {
    const c = new pg.Client({ connectionString: urlOf(who) });
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    server = new pg.Client({ connectionString: withDatabaseName(process.env.DATABASE_URL!, 'postgres') });
    await server.connect();
    for (const name of Object.values(login)) await server.query(`create role "${name}" login`);
    const [operator] = await sql<{ email: string; department: string }>(
      database,
      `select o.email, d.name as department from operators o join departments d on d.id = o.department_id
       where d.name = 'End User Support' order by o.email limit 1`,
    );
    agentDepartment = operator!.department;
    for (const [who, role] of [['admin', 'helpdesk_admin'], ['pipeline', 'helpdesk_pipeline'], ['analyst', 'helpdesk_analyst']] as const) {
      expect((await runCli(['db', 'grant', login[who], role], { database })).code).toBe(0);
    }
    const agent = await runCli(['db', 'grant', login.agent, 'helpdesk_agent', '--operator', operator!.email], { database });
    expect(agent.stdout).toBe(`✓ ${login.agent}: helpdesk_agent (operator ${operator!.email}, department ${agentDepartment})\n`);
    // A ticket with personal data in its text, for the analyst.
    await sql(database, `insert into users (email, name, phone) values ('dana.secret@mail.kz', 'Dana Secret', '+7 701 555 12 34')`);
    await sql(
      database,
      `insert into tickets (source, subject, body, language, status, content_hash, user_id)
       select 'email', 'Пароль dana.secret@mail.kz', 'Мой ИИН 900101300123, телефон +7 701 555 12 34, почта dana.secret@mail.kz', 'ru', 'closed', 'h15-pii', id
       from users where email = 'dana.secret@mail.kz'`,
    );
    expect((await as('admin', ['model', 'train', '--activate'])).code).toBe(0);
    expect((await as('admin', ['import', 'tickets', incoming])).code).toBe(0);
  });

  afterAll(async () => {
    if (!server) return;
    await database.dispose();
    for (const name of Object.values(login)) await server.query(`drop role if exists "${name}"`);
    await server.end();
  });

  it('db roles --json lists who has what', async () => {
    const report = JSON.parse((await runCli(['db', 'roles', '--json'], { database })).stdout);
    expect(report.roles.map((r: { name: string }) => r.name)).toEqual(['helpdesk_admin', 'helpdesk_pipeline', 'helpdesk_agent', 'helpdesk_analyst']);
    const mine = report.logins.filter((l: { login: string }) => l.login.startsWith(tag));
    expect(mine).toContainEqual({ login: login.agent, canLogin: true, roles: ['helpdesk_agent'], operator: expect.any(String), department: agentDepartment });
    expect(mine).toContainEqual({ login: login.analyst, canLogin: true, roles: ['helpdesk_analyst'], operator: null, department: null });
    // Idempotent: a second grant changes nothing.
    expect((await runCli(['db', 'grant', login.analyst, 'helpdesk_analyst'], { database })).stdout).toBe(`${login.analyst}: helpdesk_analyst, unchanged\n`);
    const bad = await runCli(['db', 'grant', `${tag}_missing`, 'helpdesk_agent'], { database });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^error: no login "${tag}_missing" on this server: create it first`));
  });

  // Every command as every role: it works (0) or is refused (4) with one line naming the roles.
  const OK = 0;
  const NO = 4;
  const cases: [string[], Record<Who, number>][] = [
    [['db', 'status'], { admin: OK, pipeline: OK, agent: OK, analyst: OK, nobody: NO }],
    [['tickets', 'list', '--limit', '5'], { admin: OK, pipeline: OK, agent: OK, analyst: OK, nobody: NO }],
    [['departments', 'list'], { admin: OK, pipeline: OK, agent: OK, analyst: OK, nobody: NO }],
    [['users', 'list'], { admin: OK, pipeline: OK, agent: OK, analyst: OK, nobody: NO }],
    [['departments', 'add', '--name', 'Audit Desk', '--description', 'x'], { admin: OK, pipeline: NO, agent: NO, analyst: NO, nobody: NO }],
    [['pipeline', 'run', '--limit', '10'], { admin: OK, pipeline: OK, agent: NO, analyst: NO, nobody: NO }],
    [['stats', 'daily'], { admin: OK, pipeline: OK, agent: OK, analyst: OK, nobody: NO }],
    [['stats', 'rebuild'], { admin: OK, pipeline: OK, agent: NO, analyst: NO, nobody: NO }],
    [['model', 'list'], { admin: OK, pipeline: OK, agent: OK, analyst: OK, nobody: NO }],
    [['model', 'train'], { admin: OK, pipeline: NO, agent: NO, analyst: NO, nobody: NO }],
    [['export', 'tickets', '--out', '-'], { admin: OK, pipeline: OK, agent: OK, analyst: OK, nobody: NO }],
    [['export', 'training-samples', '--out', '-'], { admin: OK, pipeline: NO, agent: NO, analyst: OK, nobody: NO }],
    [['audit'], { admin: OK, pipeline: NO, agent: OK, analyst: NO, nobody: NO }],
    [['import', 'tickets', incoming], { admin: OK, pipeline: NO, agent: NO, analyst: NO, nobody: NO }],
    [['db', 'grant', 'postgres', 'helpdesk_analyst'], { admin: NO, pipeline: NO, agent: NO, analyst: NO, nobody: NO }],
    [['db', 'reset', '--yes'], { admin: NO, pipeline: NO, agent: NO, analyst: NO, nobody: NO }],
  ];
  it.each(cases)('%j', async (args, expected) => {
    for (const who of ['nobody', 'analyst', 'agent', 'pipeline', 'admin'] as Who[]) {
      if (args[1] === 'reset' && who === 'admin') continue; // would empty the database the other cases use
      const r = await as(who, args);
      expect({ who, code: r.code, stderr: r.code === NO ? r.stderr : '' }).toMatchObject({ who, code: expected[who] });
      if (r.code === NO) {
        expect(oneLine(r)).toHaveLength(1);
        expect(r.stderr).toMatch(new RegExp(`^error: ${args.slice(0, 2).join(' ').replace(/ --.*$/, '')}.* needs helpdesk_.* \\(you are "${login[who]}"\\)\\n$`));
      }
    }
  });

  it('tickets update: an agent changes the tickets of their department only, and is refused others with exit 4', async () => {
    const [mine] = await sql<{ number: string }>(database, `select t.number::text from tickets t join departments d on d.id = t.department_id where d.name = '${agentDepartment}' order by t.number limit 1`);
    await sql(database, `update tickets set status = 'in_work' where number = ${mine!.number}`);
    const [other] = await sql<{ number: string }>(database, `select t.number::text from tickets t join departments d on d.id = t.department_id where d.name <> '${agentDepartment}' order by t.number limit 1`);
    const ok = await as('agent', ['tickets', 'update', mine!.number, '--status', 'closed']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^✓ ticket #${mine!.number}: status closed`));
    for (const args of [['tickets', 'update', other!.number, '--status', 'closed'], ['tickets', 'show', other!.number]]) {
      const refused = await as('agent', args);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toBe(`error: ticket ${other!.number} is not in your departments: it needs helpdesk_admin, or helpdesk_agent tied to an operator of its department (you are "${login.agent}")\n`);
    }
    const moveOut = await as('agent', ['tickets', 'update', mine!.number, '--department', 'Service Desk']);
    expect(moveOut.code).toBe(4);
    expect(moveOut.stderr).toBe(`error: tickets update needs helpdesk_admin to move a ticket out of your departments (you are "${login.agent}")\n`);
    // The analyst reads but does not write.
    const analyst = await as('analyst', ['tickets', 'update', mine!.number, '--status', 'in_work']);
    expect(analyst.code).toBe(4);
    expect(analyst.stderr).toBe(`error: tickets update needs helpdesk_agent or helpdesk_admin (you are "${login.analyst}")\n`);
  });

  it('an agent lists only their department; psql (a raw client) as the agent sees the same rows', async () => {
    const listed = JSON.parse((await as('agent', ['tickets', 'list', '--history', 'include', '--limit', '10000', '--json'])).stdout) as { number: number; department: string }[];
    const expected = await sql<{ number: string }>(database, `select t.number::text from tickets t join departments d on d.id = t.department_id where d.name = '${agentDepartment}' order by t.number`);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.map((t) => String(t.number)).sort()).toEqual(expected.map((t) => t.number).sort());
    expect(new Set(listed.map((t) => t.department))).toEqual(new Set([agentDepartment]));
    const raw = await client('agent');
    try {
      const rows = (await raw.query('select number::text from tickets')).rows as { number: string }[];
      expect(rows.map((r) => r.number).sort()).toEqual(expected.map((t) => t.number).sort());
      // Nor can the agent change another department's ticket by hand: zero rows match.
      const updated = await raw.query(`update tickets set priority = 'low' where department_id is distinct from (select id from departments where name = $1)`, [agentDepartment]);
      expect(updated.rowCount).toBe(0);
    } finally {
      await raw.end();
    }
  });

  it("an analyst's exports and tickets show hold no e-mail, phone or IIN", async () => {
    const [pii] = await sql<{ number: string }>(database, `select number::text from tickets where content_hash = 'h15-pii'`);
    const outputs = [
      await as('analyst', ['tickets', 'show', pii!.number]),
      await as('analyst', ['tickets', 'show', pii!.number, '--json']),
      await as('analyst', ['export', 'tickets', '--out', '-', '--no-redact']),
      await as('analyst', ['export', 'tickets', '--out', '-', '--format', 'jsonl', '--no-redact']),
      await as('analyst', ['export', 'training-samples', '--out', '-', '--no-redact']),
      await as('analyst', ['users', 'list', '--json']),
      await as('analyst', ['tickets', 'list', '--limit', '10000', '--json']),
    ];
    const emails = (await sql<{ email: string }>(database, 'select email from users')).map((u) => u.email.toLowerCase());
    expect(emails).toContain('dana.secret@mail.kz');
    for (const out of outputs) {
      expect(out.code).toBe(0);
      const text = out.stdout.toLowerCase();
      expect(text.length).toBeGreaterThan(100);
      for (const email of emails) expect(text).not.toContain(email);
      expect(text).not.toMatch(/[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}/);
      expect(text).not.toContain('900101300123');
      expect(text).not.toContain('701 555 12 34');
    }
    expect(outputs[0]!.stdout).toContain('Мой ИИН [number], телефон [number], почта [email]');
    // The same holds for the analyst in psql: the tables' names lead to the redacting views.
    const raw = await client('analyst');
    try {
      const [row] = (await raw.query(`select body from tickets where content_hash = 'h15-pii'`)).rows as { body: string }[];
      expect(row!.body).toBe('Мой ИИН [number], телефон [number], почта [email]');
      await expect(raw.query('select email from public.users')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await raw.end();
    }
  });

  it('the pipeline role cannot drop or alter a table, nor write reference data', async () => {
    const raw = await client('pipeline');
    try {
      for (const statement of ['drop table tickets', 'alter table tickets add column x int', 'truncate tickets', 'delete from tickets', `insert into departments (name) values ('X')`, 'drop table audit_log']) {
        await expect(raw.query(statement), statement).rejects.toMatchObject({ code: '42501' });
      }
    } finally {
      await raw.end();
    }
  });

  it('audit: each change type is recorded with who, when, old and new values; only the admin may alter or delete it', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    // A ticket (by the agent, above and here), reference data and the active model (by the admin).
    const [mine] = await sql<{ number: string; id: string }>(database, `select t.number::text, t.id::text from tickets t join departments d on d.id = t.department_id where d.name = '${agentDepartment}' order by t.number desc limit 1`);
    expect((await as('agent', ['tickets', 'update', mine!.number, '--priority', 'critical'])).code).toBe(0);
    expect((await as('admin', ['departments', 'add', '--name', 'Audit Trail Desk', '--description', 'first'])).code).toBe(0);
    expect((await as('admin', ['departments', 'update', 'Audit Trail Desk', '--description', 'second'])).code).toBe(0);
    expect((await as('admin', ['departments', 'remove', 'Audit Trail Desk', '--yes'])).code).toBe(0);
    const [model] = await sql<{ version: number }>(database, `select version from ml_models where not active order by version limit 1`);
    expect((await as('admin', ['model', 'activate', String(model!.version)])).code).toBe(0);

    const audit = JSON.parse((await runCli(['audit', '--since', started, '--limit', '1000', '--json'], { database })).stdout) as {
      login: string; table: string; action: string; old: Record<string, unknown> | null; new: Record<string, unknown> | null; at: string; ticketId: string | null;
    }[];
    expect(audit).toContainEqual(expect.objectContaining({ login: login.agent, table: 'tickets', action: 'update', ticketId: mine!.id, new: expect.objectContaining({ priority: 'critical' }), old: expect.objectContaining({ priority: expect.anything() }) }));
    expect(audit).toContainEqual(expect.objectContaining({ login: login.admin, table: 'departments', action: 'insert', new: expect.objectContaining({ name: 'Audit Trail Desk', description: 'first' }) }));
    expect(audit).toContainEqual(expect.objectContaining({ login: login.admin, table: 'departments', action: 'update', old: { description: 'first' }, new: { description: 'second' } }));
    expect(audit).toContainEqual(expect.objectContaining({ login: login.admin, table: 'departments', action: 'delete', old: expect.objectContaining({ name: 'Audit Trail Desk' }) }));
    expect(audit).toContainEqual(expect.objectContaining({ login: login.admin, table: 'ml_models', action: 'update', new: { active: true }, old: { active: false } }));
    // No artifact in the audit trail, and no audit row for the pipeline's decisions.
    expect(JSON.stringify(audit)).not.toContain('artifact');
    const [{ n }] = (await sql<{ n: number }>(database, `select count(*)::int as n from audit_log where login = '${login.pipeline}' and table_name in ('tickets', 'ai_predictions', 'ticket_messages')`)) as [{ n: number }];
    expect(n).toBe(0);
    // Filters.
    const byWho = JSON.parse((await runCli(['audit', '--who', login.agent, '--table', 'tickets', '--json'], { database })).stdout) as { login: string; table: string }[];
    expect(byWho.length).toBeGreaterThan(0);
    for (const row of byWho) expect(row).toMatchObject({ login: login.agent, table: 'tickets' });
    // tickets show lists the ticket's changes, for the agent too.
    const shown = await as('agent', ['tickets', 'show', mine!.number]);
    expect(shown.stdout).toMatch(new RegExp(`changes \\(\\d+\\)\\nat\\twho\\twhat\\tchange\\n(.*\\n)*.*\\t${login.agent}\\tupdate\\tpriority: .* → critical`));

    for (const who of ['agent', 'pipeline', 'analyst', 'nobody'] as Who[]) {
      const raw = await client(who);
      try {
        for (const statement of [`update audit_log set login = 'someone'`, 'delete from audit_log', 'truncate audit_log', `insert into audit_log (login, table_name, action) values ('x', 'tickets', 'update')`]) {
          await expect(raw.query(statement), `${who}: ${statement}`).rejects.toMatchObject({ code: '42501' });
        }
      } finally {
        await raw.end();
      }
    }
    const admin = await client('admin');
    try {
      await admin.query('begin');
      const deleted = await admin.query('delete from audit_log');
      expect(deleted.rowCount).toBeGreaterThan(0);
      await admin.query('rollback');
    } finally {
      await admin.end();
    }
  });

  it('--database-url with a password: a hint once on stderr, and the password is printed nowhere', async () => {
    const url = new URL(urlOf('admin'));
    url.password = 'S3cret-pw';
    const r = await runCli(['--database-url', url.toString(), 'db', 'status']);
    expect(r.code).toBe(0);
    const hints = r.stderr.split('\n').filter((l) => l.startsWith('hint: --database-url holds a password'));
    expect(hints).toHaveLength(1);
    expect(r.stderr + r.stdout).not.toContain('S3cret-pw');
    expect(r.stdout).toContain(':***@');
  });
});
