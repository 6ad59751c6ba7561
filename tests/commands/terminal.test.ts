import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { resolveTarget } from '../../src/db/target.ts';
import { fitWidths, renderTable, truncate } from '../../src/output/render.ts';
import { runCli, spawnCli, startCli, type RunOptions } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// Output that fits the terminal: width cutting, --columns, an explicit --format table when
// piped, the pager switch, completion scripts, and waiting for the embedded database's lock.

let database: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'helpdesk-terminal-'));

const LONG = 'Handles every request about the corporate VPN, Wi-Fi in the meeting rooms, network printers and the firewall rules of the branch offices';

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [name, description] of [
    ['Network Operations', LONG],
    ['Desk', 'Short one'],
  ]) {
    const added = await runCli(['departments', 'add', '--name', name!, '--description', description!], { database });
    expect(added.code).toBe(0);
  }
  const body = 'После обновления не открывается почтовый клиент Outlook на ноутбуке, пишет что профиль повреждён и просит пароль снова и снова';
  expect((await runCli(['tickets', 'create', '--body', body, '--email', 'aigerim@example.kz', '--name', 'Aigerim'], { database })).code).toBe(0);
});
afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], options: Omit<RunOptions, 'database'> = {}) => runCli(args, { database, ...options, env: { NO_COLOR: '1', ...options.env } });
/** A fake terminal of 80 columns and 24 rows; the pager is off unless a test sets one. */
const terminal = (args: string[], options: Omit<RunOptions, 'database' | 'tty'> = {}) => cli(args, { tty: true, columns: 80, rows: 24, ...options, env: { PAGER: 'cat', ...options.env } });
const width = (line: string): number => [...line].length;

describe('tables cut to the terminal width', () => {
  it('truncate and fitWidths: the widest text column gives way, numbers keep their width', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('ab  cdef', 4)).toBe('ab…');
    // name 20, count 5 (a number), description 100 in 60 columns (frame: 3 per column + 1 = 10).
    expect(fitWidths([20, 5, 100], ['name', 'count', 'description'], [true, false, true], 60)).toEqual([20, 5, 25]);
    // Too narrow for everything: text columns stop at their header (at least 6), numbers stay whole.
    expect(fitWidths([20, 5, 100], ['name', 'count', 'description'], [true, false, true], 20)).toEqual([6, 5, 11]);
  });

  it('a rule under the header and none between rows; rows of several lines keep their rules', async () => {
    const result = await terminal(['departments', 'list', '--columns', 'name,operators']);
    expect(result.stdout.split('\n').filter((l) => l.includes('Desk') || l.includes('Network Operations') || l.startsWith('├'))).toEqual([
      '├────────────────────┼───────────┤',
      '│ Desk               │         0 │',
      '│ Network Operations │         0 │',
    ]);
    const style = { bold: (s: string) => s } as Parameters<typeof renderTable>[2]['style'];
    const columns = [{ header: 'n', value: (r: { n: number; t: string }) => r.n, align: 'right' as const }, { header: 'text', value: (r: { n: number; t: string }) => r.t }];
    expect(renderTable(columns, [{ n: 1, t: 'one\ntwo' }, { n: 2, t: 'three' }], { tty: true, style })).toBe(
      ['┌───┬───────┐', '│ n │ text  │', '├───┼───────┤', '│ 1 │ one   │', '│   │ two   │', '├───┼───────┤', '│ 2 │ three │', '└───┴───────┘', ''].join('\n'),
    );
  });

  it('departments list on an 80-column terminal: every line fits, long descriptions end with …, names stay whole', async () => {
    const result = await terminal(['departments', 'list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.every((line) => width(line) <= 80)).toBe(true);
    expect(Math.max(...lines.map(width))).toBe(80);
    const row = lines.find((l) => l.includes('Network Operations'))!;
    expect(row).toMatch(/│ Network Operations │ +0 │ +0 │ yes +│ Handles every .*… │$/);
    expect(lines.find((l) => /│ Desk +│/.test(l))).toContain('Short one');
  });

  it('tickets list on an 80-column terminal keeps number, status and language whole and cuts the subject', async () => {
    const result = await terminal(['tickets', 'list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.every((line) => width(line) <= 80)).toBe(true);
    // The source, operator, priority and category went; the subject is cut.
    expect(lines[1]).toMatch(/^│ number │ status │ language │ department +│ created +│ subject +│$/);
    const row = lines.find((l) => /│ +1 │/.test(l))!;
    // The creation time is in the statistics time zone with its offset, and kept whole.
    expect(row).toMatch(/^│ +1 │ new +│ ru +│ +│ \d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d │ После.*… │$/);
  });

  it('tickets show on an 80-column terminal: the predictions and changes tables fit, the least needed columns go first, times stay whole', async () => {
    await database.db.em.getConnection().execute(
      `insert into ai_predictions (ticket_id, category_id, department_id, priority, confidence, scores, thresholds, decision, reason)
       select t.id, (select id from categories order by name limit 1), (select id from departments where name = 'Network Operations'), 'critical', 0.27, '{}', '{}', 'escalated', 'low confidence'
       from tickets t where t.number = 1`,
    );
    expect((await cli(['tickets', 'update', '1', '--priority', 'high'])).code).toBe(0);
    const result = await terminal(['tickets', 'show', '1']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('│') || line.startsWith('┌')).every((line) => width(line) <= 80)).toBe(true);
    // The corrected category and department, then the priority and the review went; the rest is whole.
    const header = lines.find((l) => l.startsWith('│ created '))!;
    expect(header.split('│').map((h) => h.trim()).filter(Boolean)).toEqual(['created', 'category', 'department', 'confidence', 'decision']);
    expect(lines.find((l) => l.includes('│ escalated'))).toMatch(/^│ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00 │ .* │ Network Op.*│ +0\.27 │ escalated │$/);
    const change = lines.find((l) => l.includes('priority: '))!;
    // Changes are in the same time zone as the ticket's own times.
    expect(change).toMatch(/^│ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00 │ .+ │ update │ priority: none → high, .*… │$/);
    expect(width(change)).toBeLessThanOrEqual(80);
  });

  it('a wide terminal shows everything; piped output is never cut', async () => {
    const wide = await terminal(['departments', 'list'], { columns: 250 });
    expect(wide.stdout).toContain(LONG);
    const piped = await cli(['departments', 'list'], { columns: 80 });
    expect(piped.stdout).toContain(`Network Operations\t0\t0\t0\t0\tyes\t${LONG}\n`);
  });
});

describe('--columns and --format table', () => {
  it('picks and orders columns in the table, tab-separated, CSV and JSON forms', async () => {
    const tsv = await cli(['departments', 'list', '--columns', 'open_tickets,name']);
    expect(tsv.code).toBe(0);
    expect(tsv.stdout.split('\n')[0]).toBe('open tickets\tname');
    expect(tsv.stdout).toContain('0\tNetwork Operations\n');
    const table = await terminal(['departments', 'list', '--columns', 'Name,active']);
    expect(table.stdout.split('\n')[1]).toMatch(/^│ name +│ active │$/);
    const csv = await cli(['departments', 'list', '--format', 'csv', '--columns', 'name,openTickets']);
    expect(csv.stdout.split('\n')[0]).toBe('name,openTickets');
    const json = await cli(['departments', 'list', '--json', '--columns', 'name,open-tickets']);
    expect(JSON.parse(json.stdout)).toContainEqual({ name: 'Desk', openTickets: 0 });
    const tickets = await cli(['tickets', 'list', '--columns', 'number,language']);
    expect(tickets.stdout).toBe('number\tlanguage\n1\tru\n');
  });

  it('an unknown column is a usage error naming the known ones', async () => {
    const result = await cli(['departments', 'list', '--columns', 'name,colour']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: --columns: unknown column "colour" (known: name, operators, open_tickets, queued, at_capacity, active, description)\n');
  });

  it('an explicit --format table draws the table when piped (cut to $COLUMNS when set); without it, piped output is tab-separated', async () => {
    const drawn = await cli(['tickets', 'list', '--format', 'table', '--columns', 'number,status']);
    expect(drawn.stdout).toBe(['┌────────┬────────┐', '│ number │ status │', '├────────┼────────┤', '│      1 │ new    │', '└────────┴────────┘', ''].join('\n'));
    const cut = await cli(['departments', 'list', '--format', 'table'], { env: { COLUMNS: '60' } });
    expect(cut.stdout.trimEnd().split('\n').every((l) => width(l) <= 60)).toBe(true);
    expect((await cli(['tickets', 'list', '--columns', 'number,status'])).stdout).toBe('number\tstatus\n1\tnew\n');
  });
});

describe('pager', () => {
  const pagerFile = join(dir, 'paged.txt');
  const pager = `cat > '${pagerFile}'`;

  it('long output on a terminal goes through $PAGER; --no-pager prints it; short output and pipes never page', async () => {
    rmSync(pagerFile, { force: true });
    const paged = await terminal(['departments', 'list'], { rows: 5, env: { PAGER: pager } });
    expect(paged.code).toBe(0);
    expect(paged.stdout).toBe('');
    const text = readFileSync(pagerFile, 'utf8');
    expect(text).toContain('Network Operations');

    rmSync(pagerFile);
    const plain = await terminal(['--no-pager', 'departments', 'list'], { rows: 5, env: { PAGER: pager } });
    expect(plain.stdout).toBe(text);
    expect(existsSync(pagerFile)).toBe(false);

    const fits = await terminal(['departments', 'list'], { rows: 100, env: { PAGER: pager } });
    expect(fits.stdout).toBe(text);
    const piped = await cli(['departments', 'list'], { rows: 5, env: { PAGER: pager } });
    expect(piped.stdout.startsWith('name\t')).toBe(true);
    expect(existsSync(pagerFile)).toBe(false);
  });

  it('HELPDESK_PAGER wins over PAGER; a pager that does not exist falls back to plain output', async () => {
    const helpdeskPager = await terminal(['departments', 'list'], { rows: 5, env: { PAGER: 'false', HELPDESK_PAGER: pager } });
    expect(helpdeskPager.stdout).toBe('');
    expect(readFileSync(pagerFile, 'utf8')).toContain('Network Operations');
    const missing = await terminal(['departments', 'list'], { rows: 5, env: { PAGER: 'no-such-pager-here' } });
    expect(missing.stdout).toContain('Network Operations');
  });
});

describe('completion scripts', () => {
  const script = async (shell: string): Promise<string> => {
    const result = await cli(['completion', shell]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return result.stdout;
  };

  it('bash: valid syntax; completes commands, sub-commands, flags and enum values', async () => {
    const file = join(dir, 'helpdesk.bash');
    writeFileSync(file, await script('bash'));
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    const complete = (...words: string[]): string =>
      spawnSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _helpdesk_completion; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).stdout.trim();
    expect(complete('helpdesk', 'ti')).toBe('tickets');
    expect(complete('helpdesk', 'tickets', '')).toBe('list show create watch update confirm review --help');
    expect(complete('helpdesk', '--data-dir', '/tmp', 'tickets', 'list', '--st')).toBe('--status');
    expect(complete('helpdesk', 'tickets', 'list', '--status', '')).toBe('new auto_resolved in_work waiting closed');
    expect(complete('helpdesk', 'departments', 'list', '--format', '')).toBe('table json csv');
    expect(complete('helpdesk', 'stats', 'daily', '--by', 'l')).toBe('language');
    expect(complete('helpdesk', 'completion', '')).toBe('bash zsh fish --help');
    expect(complete('helpdesk', 'departments', 'add', '--name', '')).toBe('');
  });

  it('zsh: the bash completion through bashcompinit', async () => {
    const text = await script('zsh');
    expect(text.startsWith('#compdef helpdesk\n')).toBe(true);
    expect(text).toContain('autoload -U +X bashcompinit && bashcompinit\n');
    expect(text).toContain('complete -F _helpdesk_completion helpdesk\n');
    expect(text).toContain(`' tickets list|--status') COMPREPLY=($(compgen -W 'new auto_resolved in_work waiting closed' -- "$cur")); return ;;`);
    const zsh = spawnSync('zsh', ['-n'], { input: text });
    if (!zsh.error) expect(zsh.status).toBe(0);
  });

  it('fish: one complete line per command, flag and enum value', async () => {
    const lines = (await script('fish')).split('\n');
    expect(lines).toContain(`complete -c helpdesk -n '__fish_use_subcommand' -a tickets -d 'list, show, create and update tickets'`);
    expect(lines).toContain(`complete -c helpdesk -n '__fish_seen_subcommand_from tickets; and __fish_seen_subcommand_from list' -l status -x -a 'new auto_resolved in_work waiting closed' -d 'new, auto_resolved, in_work, waiting or closed'`);
    expect(lines).toContain(`complete -c helpdesk -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'`);
    expect(lines.some((l) => l.startsWith(`complete -c helpdesk -l data-dir -r -F`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`complete -c helpdesk -l no-pager -d`))).toBe(true);
  });

  it('an unknown shell is a usage error', async () => {
    const result = await cli(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.\n`);
  });
});

describe('--wait on the embedded database lock (two processes)', () => {
  const dataDir = join(dir, 'locked');
  const baseEnv = { DATABASE_URL: undefined, HELPDESK_DATA_DIR: undefined, NO_COLOR: '1' };

  it('waits for the holder to finish, says so once, then runs; without --wait or past the limit it exits 3', async () => {
    expect((await spawnCli(['db', 'init', '--data-dir', dataDir], baseEnv)).code).toBe(0);
    const holder = await openDatabase({ target: resolveTarget({ dataDir, env: {} }), command: 'helpdesk import tickets big.csv' });
    let released = false;
    try {
      const refused = await spawnCli(['--data-dir', dataDir, 'departments', 'list'], baseEnv);
      expect(refused.code).toBe(3);
      const timedOut = await spawnCli(['--data-dir', dataDir, '--wait=1', 'departments', 'list'], baseEnv);
      expect(timedOut.code).toBe(3);
      expect(timedOut.stderr).toMatch(/^waiting for the lock \(up to 1 s\): database .+ is in use by process \d+ on .+ \(helpdesk import tickets big\.csv, since .+\)\nerror: database .+ is in use by process/);

      // HELPDESK_LOCK_WAIT queues a script behind the holder.
      const queued = startCli(['--data-dir', dataDir, 'departments', 'list', '--format', 'csv'], { ...baseEnv, HELPDESK_LOCK_WAIT: '600' });
      // It says that it waits (and keeps waiting) before the holder lets go.
      await new Promise<void>((resolve) => {
        let seen = '';
        queued.child.stderr!.on('data', (d: Buffer | string) => {
          seen += String(d);
          if (seen.includes('waiting for the lock')) resolve();
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(queued.child.exitCode).toBeNull();
      await holder.close();
      released = true;
      const list = await queued.exited;
      expect(list.code).toBe(0);
      expect(list.stderr).toMatch(/^waiting for the lock \(up to 600 s\): database .+ \(helpdesk import tickets big\.csv, since .+\)\n$/);
      expect(list.stdout.split('\n')[0]).toBe('name,description,active,operators,openTickets,queued,atCapacity');
    } finally {
      if (!released) await holder.close();
    }
    // Three processes open PGlite in turn: slow on a busy 2-core machine.
  }, 600_000);

  it('a bare --wait does not take the command after it as its value', async () => {
    const result = await cli(['--wait', 'departments', 'list', '--columns', 'name']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('name');
  });

  it('a bad --wait or HELPDESK_LOCK_WAIT is a usage error', async () => {
    const flag = await cli(['--wait=soon', 'departments', 'list']);
    expect(flag).toMatchObject({ code: 2, stderr: 'error: --wait must be a number of seconds (got "soon")\n' });
    const env = await cli(['departments', 'list'], { env: { HELPDESK_LOCK_WAIT: '-1' } });
    expect(env).toMatchObject({ code: 2, stderr: 'error: HELPDESK_LOCK_WAIT must be a number of seconds (got "-1")\n' });
  });
});
