import { MIGRATIONS } from '../../migrations/index.ts';
import { MIGRATIONS_TABLE } from '../../src/db/config.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceFixtures } from '../../src/services/reference/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/cli.ts';

/** Empty, but for the one setting the migrations store (the statistics time zone). */
const empty = (table: string) => ({ table, rows: table === 'settings' ? 1 : 0 });
const TABLES = [
  'ai_auto_responses',
  'ai_predictions',
  'audit_log',
  'categories',
  'daily_stats',
  'departments',
  'ml_models',
  'operator_logins',
  'operators',
  'settings',
  'ticket_events',
  'ticket_messages',
  'tickets',
  'training_samples',
  'users',
];

let database: TestDatabase;
const fixtures = loadReferenceFixtures();

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

describe('db commands in-process', () => {
  it('db status --json on a fresh database: 15 tables (14 empty), nothing pending, no drift', async () => {
    const result = await runCli(['db', 'status', '--json'], { database });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.backend).toBe(database.backend);
    expect(status.pending).toEqual([]);
    expect(status.drift).toEqual([]);
    expect(status.applied.map((m: { name: string }) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(status.tables).toEqual(TABLES.map(empty));
  });

  it('db init seeds the fixtures once; a second run changes nothing', async () => {
    const first = await runCli(['db', 'init'], { database });
    expect(first.code).toBe(0);
    const location = database.db.target.displayUrl;
    const n = {
      departments: fixtures.departments.length,
      categories: fixtures.categories.length,
      operators: fixtures.operators.length,
      responses: fixtures.responses.length,
    };
    expect(first.stdout).toBe(
      `✓ database ready: ${location} (${database.backend})\n` +
        '  migrations: up to date\n' +
        '  statistics time zone: Asia/Almaty\n' +
        `  seeded: departments ${n.departments} new; categories ${n.categories} new; operators ${n.operators} new; responses ${n.responses} new\n`,
    );
    expect(first.stderr).toBe(`database: ${location} (${database.backend})\n`);
    const before = JSON.parse((await runCli(['db', 'status', '--json'], { database })).stdout);

    const second = await runCli(['db', 'init', '--json'], { database });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({
      backend: database.backend,
      location,
      migrationsApplied: [],
      seeded: {
        departments: { created: 0, existing: n.departments },
        categories: { created: 0, existing: n.categories },
        operators: { created: 0, existing: n.operators },
        responses: { created: 0, existing: n.responses },
      },
      statsTimeZone: 'Asia/Almaty',
    });
    const after = JSON.parse((await runCli(['db', 'status', '--json'], { database })).stdout);
    expect(after.tables).toEqual(before.tables);
    const counts = Object.fromEntries(after.tables.map((t: { table: string; rows: number }) => [t.table, t.rows]));
    expect(counts).toMatchObject({ departments: n.departments, categories: n.categories, operators: n.operators, ai_auto_responses: n.responses });
  });

  it('db init --tz stores the statistics time zone of a database without tickets; with tickets only stats rebuild --tz changes it', async () => {
    const set = await runCli(['db', 'init', '--tz', 'Europe/London', '--json'], { database });
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).statsTimeZone).toBe('Europe/London');
    const [row] = await database.db.em.getConnection().execute<{ value: string }[]>(`select value from settings where name = 'stats_time_zone'`);
    expect(row!.value).toBe('Europe/London');
    expect((await runCli(['tickets', 'create', '--body', 'The scanner is offline'], { database })).code).toBe(0);
    const refused = await runCli(['db', 'init', '--tz', 'Asia/Almaty'], { database });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error: --tz Asia/Almaty: this database already counts its tickets in Europe/London; change the statistics time zone with `helpdesk stats rebuild --tz Asia/Almaty`\n');
    const bad = await runCli(['db', 'init', '--tz', 'Mars/Olympus'], { database });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --tz: unknown time zone "Mars/Olympus" (an IANA name such as Asia/Almaty, or a UTC offset such as +05:00)\n');
    expect((await runCli(['stats', 'rebuild', '--tz', 'Asia/Almaty'], { database })).code).toBe(0);
    await database.db.em.getConnection().execute('truncate tickets, users, daily_stats cascade');
  });

  it('db status piped is tab-separated and parseable', async () => {
    const result = await runCli(['db', 'status'], { database });
    expect(result.code).toBe(0);
    const [summary, tables] = result.stdout.split('\n\n');
    expect(summary).toBe(
      [
        `backend\t${database.backend}`,
        `location\t${database.db.target.displayUrl}`,
        `migrations applied\t${MIGRATIONS.length}`,
        'migrations pending\t0',
        'schema drift\tnone',
      ].join('\n'),
    );
    const lines = tables!.trimEnd().split('\n');
    expect(lines[0]).toBe('table\trows');
    expect(lines.slice(1).map((l) => l.split('\t')[0])).toEqual(TABLES);
  });

  it('db status on a terminal draws a table, in colour unless NO_COLOR', async () => {
    const colour = await runCli(['db', 'status'], { database, tty: true });
    expect(colour.code).toBe(0);
    expect(colour.stdout).toContain('\u001b[1mbackend');
    expect(colour.stdout).toMatch(/┌─+┬─+┐/);
    const plain = await runCli(['db', 'status'], { database, tty: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.stdout).toContain('│ departments       │');
  });

  it('db status --check passes when everything is applied', async () => {
    const result = await runCli(['db', 'status', '--check', '--json'], { database });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('db reset without a terminal refuses without --yes and deletes nothing', async () => {
    const result = await runCli(['db', 'reset'], { database });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: Delete ALL data in ${database.db.target.displayUrl}: refusing without --yes when there is no terminal\n`);
    const status = JSON.parse((await runCli(['db', 'status', '--json'], { database })).stdout);
    expect(status.tables.find((t: { table: string }) => t.table === 'departments').rows).toBe(fixtures.departments.length);
  });

  it('db reset on a terminal asks, and "no" keeps the data', async () => {
    const result = await runCli(['db', 'reset'], { database, tty: true, answers: [false], env: { NO_COLOR: '1' } });
    expect(result.code).toBe(0);
    expect(result.prompter?.asked).toEqual([`Delete ALL data in ${database.db.target.displayUrl}?`]);
    expect(result.stderr).toBe('nothing changed\n');
    expect(result.stdout).toBe('');
  });

  it('db reset --yes --no-seed empties every table and keeps the schema current', async () => {
    const result = await runCli(['db', 'reset', '--yes', '--no-seed', '--json'], { database, env: { HELPDESK_DEBUG: '1' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      location: database.db.target.displayUrl,
      migrationsApplied: MIGRATIONS.map((m) => m.name),
      seeded: null,
    });
    const status = JSON.parse((await runCli(['db', 'status', '--json'], { database })).stdout);
    expect(status.tables).toEqual(TABLES.map(empty));
    expect(status.pending).toEqual([]);
    expect(status.drift).toEqual([]);
  });

  it('db seed after a reset inserts the reference data again', async () => {
    const result = await runCli(['db', 'seed'], { database });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `seeded: departments ${fixtures.departments.length} new; categories ${fixtures.categories.length} new; operators ${fixtures.operators.length} new; responses ${fixtures.responses.length} new\n`,
    );
  });

  it('usage errors exit 2 with a hint, and --help exits 0', async () => {
    const unknown = await runCli(['db', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain("error: unknown command 'frobnicate'");
    const help = await runCli(['db', 'init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: helpdesk db init [options]');
    expect(help.stdout).toContain('Examples:');
    expect(help.stderr).toBe('');
  });
});

describe('db status --check fails on a database that is not what the code expects', () => {
  let other: TestDatabase;
  beforeAll(async () => {
    other = await createTestDatabase();
  });
  afterAll(async () => {
    await other?.dispose();
  });
  const execute = (query: string) => other.db.orm.em.fork().getConnection().execute(query);

  it('a drifted schema (a column the entities do not have, an index gone): exit 1 naming the first difference', async () => {
    await execute('alter table departments add column legacy_code text');
    const result = await runCli(['db', 'status', '--check'], { database: other });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the schema differs from the entities \(\d+ statements?(\(s\))?\): .*legacy_code.*\n$/);
    const json = JSON.parse((await runCli(['db', 'status', '--json'], { database: other })).stdout);
    expect(json.drift.some((statement: string) => statement.includes('legacy_code'))).toBe(true);
    await execute('alter table departments drop column legacy_code');
    expect((await runCli(['db', 'status', '--check'], { database: other })).code).toBe(0);
  });

  it('a migration not applied: exit 1 saying how many and what to run', async () => {
    const last = MIGRATIONS.at(-1)!.name;
    await execute(`delete from ${MIGRATIONS_TABLE} where name like '${last}%'`);
    const result = await runCli(['db', 'status', '--check'], { database: other });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: 1 pending migrations?(\(s\))?: run `helpdesk db migrate`\n$/);
    const json = JSON.parse((await runCli(['db', 'status', '--json'], { database: other })).stdout);
    expect(json.pending).toHaveLength(1);
  });
});
