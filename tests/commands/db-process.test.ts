import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { MIGRATIONS } from '../../migrations/index.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { resolveTarget } from '../../src/db/target.ts';
import { spawnCli } from '../support/cli.ts';
import { startPasswordRejectingServer } from '../support/fake-postgres.ts';
import { withDatabaseName } from '../support/template.ts';

// These run bin/helpdesk as its own process, as an admin or a script would.
const root = mkdtempSync(join(tmpdir(), 'helpdesk-process-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const serverUrl = process.env.DATABASE_URL;
/** No DATABASE_URL in the child unless a test sets one: the embedded backend by default. */
const baseEnv = { DATABASE_URL: undefined, HELPDESK_DATA_DIR: undefined, NO_COLOR: '1' };

/** The npm packages bundled into the dist/ files among `files` (dist/packages.json, written by the build). */
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
function bundledPackages(files: string[]): string[] {
  const bundle = files.filter((f) => f.startsWith(DIST));
  if (bundle.length === 0) return [];
  const byFile = JSON.parse(readFileSync(new URL('../../dist/packages.json', import.meta.url), 'utf8')) as Record<string, string[]>;
  return [...new Set(bundle.flatMap((f) => byFile[basename(f)] ?? ['(a file the build did not list: ' + f + ')']))].sort();
}

describe('helpdesk as a process', () => {
  it.each([
    ['--help', ['--help'], 'Usage: helpdesk'],
    ['completion', ['completion', 'bash'], 'complete -F _helpdesk_completion helpdesk'],
  ])('%s loads no ORM and no database driver, from the sources', async (_name, args, output) => {
    const trace = fileURLToPath(new URL('../support/trace-imports.mjs', import.meta.url));
    const result = await spawnCli(args, { ...baseEnv, HELPDESK_FROM_SOURCE: '1' }, undefined, ['--import', trace]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(output);
    expect(result.stderr).toContain('/node_modules/commander/');
    expect(result.stderr).toContain('/src/main.ts');
    expect(result.stderr).not.toMatch(/@mikro-orm|@electric-sql|\/pg\/|kysely/);
  });

  it.skipIf(!existsSync(new URL('../../dist/main.js', import.meta.url)))('--help loads no ORM from the bundle in dist/ either (skipped without `npm run build`)', async () => {
    const trace = fileURLToPath(new URL('../support/trace-imports.mjs', import.meta.url));
    const result = await spawnCli(['--help'], baseEnv, undefined, ['--import', trace]);
    expect(result.code).toBe(0);
    const files = [...result.stderr.matchAll(/^loaded (file:\S+)$/gm)].map((m) => fileURLToPath(m[1]!));
    // A fresh bundle runs (else bin/helpdesk falls back to the sources, and the test above covers them).
    if (!files.some((f) => f.endsWith('/dist/main.js'))) return;
    expect(files.filter((f) => f.includes('/node_modules/'))).toEqual([]);
    // The packages in the bundle files it loaded (the build lists them: minified code names none).
    const loaded = bundledPackages(files);
    expect(loaded).toContain('commander');
    expect(loaded.filter((p) => /^(@mikro-orm\/|@electric-sql\/|pg$|pg-|kysely$)/.test(p))).toEqual([]);
  });

  // Reads whose stores are plain SQL open the database with Kysely alone: no MikroORM module is
  // loaded (it costs ~250 ms of CPU per command), from the bundle or from the sources.
  describe('departments list, tickets list and tickets show load no ORM', () => {
    const dataDir = join(root, 'sql-only');
    const name = `helpdesk_sql_only_${process.pid}`;
    const target = serverUrl ? ['--database-url', withDatabaseName(serverUrl, name)] : ['--data-dir', dataDir];
    let ticket = '';
    afterAll(async () => {
      if (!serverUrl) return;
      const admin = new pg.Client({ connectionString: withDatabaseName(serverUrl, 'postgres') });
      await admin.connect();
      await admin.query(`drop database if exists "${name}" with (force)`).finally(() => admin.end());
    });
    const ormFree = (stderr: string): string[] => {
      const files = [...stderr.matchAll(/^loaded (file:\S+)$/gm)].map((m) => fileURLToPath(m[1]!));
      expect(files.length).toBeGreaterThan(0);
      expect(files.filter((f) => f.includes('/node_modules/@mikro-orm/'))).toEqual([]);
      // From the bundle: the database's own packages loaded, and nothing of MikroORM.
      const loaded = bundledPackages(files);
      if (files.some((f) => f.startsWith(DIST))) expect(loaded).toContain('kysely');
      expect(loaded.filter((p) => p.startsWith('@mikro-orm/'))).toEqual([]);
      // Only the database opened, nothing of the ORM: what the command did load.
      return files;
    };

    it.each([
      ['the bundle', {}],
      ['the sources', { HELPDESK_FROM_SOURCE: '1' }],
    ])('from %s', async (from, env) => {
      if (!ticket) {
        expect((await spawnCli([...target, 'db', 'init'], baseEnv)).code).toBe(0);
        const created = await spawnCli([...target, 'tickets', 'create', '--body', 'The VPN drops every hour', '--email', 'orm-free@example.com', '--json'], baseEnv);
        expect(created.code).toBe(0);
        ticket = String(JSON.parse(created.stdout).number);
      }
      const trace = fileURLToPath(new URL('../support/trace-imports.mjs', import.meta.url));
      const departments = await spawnCli([...target, 'departments', 'list', '--json'], { ...baseEnv, ...env }, undefined, ['--import', trace]);
      expect(departments.code).toBe(0);
      expect(JSON.parse(departments.stdout).map((d: { name: string }) => d.name)).toContain('End User Support');
      const files = ormFree(departments.stderr);
      expect(files.some((f) => (from === 'the bundle' ? f.endsWith('/dist/main.js') : f.endsWith('/src/main.ts')))).toBe(from === 'the sources' || existsSync(new URL('../../dist/main.js', import.meta.url)));
      const shown = await spawnCli([...target, 'tickets', 'show', ticket, '--json'], { ...baseEnv, ...env }, undefined, ['--import', trace]);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ number: Number(ticket), user: { email: 'orm-free@example.com', name: null }, body: 'The VPN drops every hour', messages: [], predictions: [] });
      ormFree(shown.stderr);
      const listed = await spawnCli([...target, 'tickets', 'list', '--json'], { ...baseEnv, ...env }, undefined, ['--import', trace]);
      expect(listed.code).toBe(0);
      // The ticket, its time in the statistics time zone (Asia/Almaty, db init's default) as SQL formats it.
      const row = (JSON.parse(listed.stdout) as { number: number; subject: string; createdAt: string }[]).find((t) => t.number === Number(ticket));
      expect(row).toMatchObject({ subject: 'The VPN drops every hour', status: 'new', history: false });
      expect(row!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:00$/);
      ormFree(listed.stderr);
      const missing = await spawnCli([...target, 'tickets', 'show', '#99999999', '--json'], { ...baseEnv, ...env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe('error: no ticket #99999999\n');
    });
  });

  it('db init on the embedded database creates and seeds it; a second run changes nothing', async () => {
    const dataDir = join(root, 'fresh');
    const first = await spawnCli(['db', 'init', '--data-dir', dataDir, '--json'], baseEnv);
    expect(first.stderr).toBe(`database: ${dataDir} (pglite)\n`);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).migrationsApplied).toEqual(MIGRATIONS.map((m) => m.name));
    const status1 = await spawnCli(['db', 'status', '--json', '--data-dir', dataDir], baseEnv);
    const second = await spawnCli(['db', 'init', '--data-dir', dataDir, '--json'], baseEnv);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).migrationsApplied).toEqual([]);
    const status2 = await spawnCli(['db', 'status', '--json', '--check', '--data-dir', dataDir], baseEnv);
    expect(status2.code).toBe(0);
    const parsed = JSON.parse(status2.stdout);
    expect(parsed.tables).toHaveLength(15);
    expect(parsed.pending).toEqual([]);
    expect(parsed.tables).toEqual(JSON.parse(status1.stdout).tables);
    expect(parsed.tables.find((t: { table: string }) => t.table === 'departments').rows).toBeGreaterThan(0);
  });

  it('a second process on a locked data directory exits 3 with one line, and the database stays intact', async () => {
    const dataDir = join(root, 'locked');
    expect((await spawnCli(['db', 'init', '--data-dir', dataDir], baseEnv)).code).toBe(0);
    const holder = await openDatabase({ target: resolveTarget({ dataDir, env: {} }), command: 'helpdesk test-holder' });
    try {
      const blocked = await spawnCli(['db', 'status', '--data-dir', dataDir], baseEnv);
      expect(blocked.code).toBe(3);
      expect(blocked.stdout).toBe('');
      expect(blocked.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(blocked.stderr).toMatch(new RegExp(`^error: database ${dataDir} is in use by process ${process.pid} on .+ \\(helpdesk test-holder, since .+\\); wait for it to finish\\n$`));
    } finally {
      await holder.close();
    }
    const after = await spawnCli(['db', 'status', '--check', '--json', '--data-dir', dataDir], baseEnv);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).tables.find((t: { table: string }) => t.table === 'operators').rows).toBeGreaterThan(0);
  });

  it('refuses to create a database inside a non-empty directory that is not one', async () => {
    const dir = join(root, 'documents');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const result = await spawnCli(['db', 'init', '--data-dir', dir], baseEnv);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${dir} is not empty and holds no helpdesk database: choose an empty or new directory for --data-dir\n`);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('commands other than db init do not create a database', async () => {
    const dir = join(root, 'missing');
    const result = await spawnCli(['db', 'status', '--data-dir', dir], baseEnv);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`error: no helpdesk database in ${dir}: create it with \`helpdesk db init --data-dir ${dir}\`\n`);
  });

  describe('connection errors: one line, exit 3, never the password', () => {
    it('malformed URL', async () => {
      const result = await spawnCli(['db', 'status'], { ...baseEnv, DATABASE_URL: 'postgres://admin:s3cr3t-pw@:not-a-port/helpdesk' });
      expect(result.code).toBe(3);
      expect(result.stderr).toBe('error: malformed database URL postgres://admin:***@:not-a-port/helpdesk: expected postgres://user:password@host:port/database\n');
    });

    // `departments list` opens the database without the ORM (Kysely over pg): the same errors.
    it.each([[['db', 'status']], [['departments', 'list']]])('unreachable host: %j', async (command) => {
      const result = await spawnCli(['--database-url', 'postgres://admin:s3cr3t-pw@127.0.0.1:1/helpdesk', ...command]);
      expect(result.code).toBe(3);
      // A password on the command line also gets the hint (once) to keep it off the command line.
      expect(result.stderr).toBe(
        'hint: --database-url holds a password, which shells keep in their history and `ps` shows to every user: leave it out and set PGPASSWORD, or use ~/.pgpass or a service file (PGSERVICEFILE)\n' +
          'error: cannot open database postgres://admin:***@127.0.0.1:1/helpdesk: connection refused (is the server running?)\n',
      );
    });

    it.each([[['db', 'init']], [['departments', 'list']]])('wrong password: %j', async (command) => {
      const server = await startPasswordRejectingServer();
      try {
        const result = await spawnCli(command, { ...baseEnv, DATABASE_URL: `postgres://helpdesk:s3cr3t-pw@127.0.0.1:${server.port}/helpdesk` });
        expect(result.code).toBe(3);
        expect(result.stderr).toBe(`error: cannot open database postgres://helpdesk:***@127.0.0.1:${server.port}/helpdesk: authentication failed (check the user and password)\n`);
        expect(result.stdout + result.stderr).not.toContain('s3cr3t-pw');
      } finally {
        await server.close();
      }
    });
  });

  describe.runIf(serverUrl)('on the PostgreSQL server', () => {
    it('db init creates a database that does not exist yet; a second run changes nothing', async () => {
      const name = `helpdesk_fresh_${process.pid}`;
      const url = withDatabaseName(serverUrl!, name);
      const admin = new pg.Client({ connectionString: withDatabaseName(serverUrl!, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${name}" with (force)`);
        const first = await spawnCli(['db', 'init', '--json'], { ...baseEnv, DATABASE_URL: url });
        expect(first.code).toBe(0);
        expect(JSON.parse(first.stdout).backend).toBe('postgresql');
        const second = await spawnCli(['db', 'init', '--json'], { ...baseEnv, DATABASE_URL: url });
        expect(second.code).toBe(0);
        expect(JSON.parse(second.stdout).migrationsApplied).toEqual([]);
        const status = await spawnCli(['db', 'status', '--json', '--check'], { ...baseEnv, DATABASE_URL: url });
        expect(status.code).toBe(0);
        expect(JSON.parse(status.stdout).tables).toHaveLength(15);
      } finally {
        await admin.query(`drop database if exists "${name}" with (force)`);
        await admin.end();
      }
    });

    it.each([[['db', 'status']], [['tickets', 'show', '1']]])('a missing database is reported, not created, by other commands: %j', async (command) => {
      const url = withDatabaseName(serverUrl!, `helpdesk_absent_${process.pid}`);
      const result = await spawnCli(command, { ...baseEnv, DATABASE_URL: url });
      expect(result.code).toBe(3);
      expect(result.stderr).toBe(`error: cannot open database ${url}: database does not exist: create it with \`helpdesk db init\`\n`);
    });
  });
});
