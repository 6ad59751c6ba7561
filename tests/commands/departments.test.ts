import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli, type RunOptions } from '../support/cli.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

const cli = (args: string[], options: Omit<RunOptions, 'database'> = {}) => runCli(args, { database, ...options });
const terminal = (args: string[], answers: unknown[]) => cli(args, { tty: true, answers, env: { NO_COLOR: '1' } });
const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => database.db.orm.em.fork().execute<T[]>(query, params);

async function ticket(subject: string, department: string | null, status: string, extra: { operator?: string; category?: string } = {}): Promise<void> {
  await sql(
    `insert into tickets (source, subject, body, status, content_hash, department_id, operator_id, category_id)
     values ('email', ?, 'body', ?, md5(?), (select id from departments where name = ?), (select id from operators where email = ?), (select id from categories where name = ?))`,
    [subject, status, subject, department, extra.operator ?? null, extra.category ?? null],
  );
}

/** Everything the department commands could touch, for "nothing else changes". */
async function snapshot() {
  return {
    departments: await sql(`select name, description, active, updated_at from departments order by name`),
    operators: await sql(`select o.email, o.name, d.name as department, o.languages::text, o.capacity, o.active, o.updated_at from operators o join departments d on d.id = o.department_id order by o.email`),
    categories: await sql(`select c.name, d.name as department, c.default_priority, c.active, c.updated_at from categories c join departments d on d.id = c.default_department_id order by c.name`),
    tickets: await sql(`select t.subject, t.status, d.name as department, o.email as operator, c.name as category, t.updated_at from tickets t left join departments d on d.id = t.department_id left join operators o on o.id = t.operator_id left join categories c on c.id = t.category_id order by t.subject`),
  };
}

describe('departments add, list, show, update', () => {
  it('adds a department from flags without a terminal', async () => {
    const result = await cli(['departments', 'add', '--name', 'IT Support', '--description', 'Hardware, accounts; "everything else"']);
    expect(result).toMatchObject({ code: 0, stdout: 'added department "IT Support"\n', stderr: '' });
  });

  it('refuses a duplicate name regardless of case with a clear error', async () => {
    const result = await cli(['departments', 'add', '--name', '  it SUPPORT ']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'error: a department named "IT Support" already exists (names are unique regardless of case)\n' });
    const same = await cli(['departments', 'add', '--name', 'IT Support']);
    expect(same).toMatchObject({ code: 2, stdout: '', stderr: 'error: a department named "IT Support" already exists\n' });
  });

  it('without a terminal a missing or empty name fails at once naming the flag', async () => {
    expect(await cli(['departments', 'add'])).toMatchObject({ code: 2, stdout: '', stderr: 'error: missing required option --name\n' });
    expect(await cli(['departments', 'add', '--name', '   '])).toMatchObject({ code: 2, stdout: '', stderr: 'error: --name must not be empty\n' });
  });

  it('on a terminal asks for the name, then confirms; "no" writes nothing', async () => {
    const declined = await terminal(['departments', 'add'], ['Field Service', false]);
    expect(declined).toMatchObject({ code: 0, stdout: '', stderr: 'nothing changed\n' });
    expect(declined.prompter?.asked).toEqual(['Name of the new department', 'Add department "Field Service"?']);
    expect(await sql(`select name from departments where name = 'Field Service'`)).toEqual([]);

    const added = await terminal(['departments', 'add', '--description', 'On-site repairs'], ['Field Service', true]);
    expect(added).toMatchObject({ code: 0, stdout: 'added department "Field Service"\n', stderr: '' });
    expect(added.prompter?.asked).toEqual(['Name of the new department', 'Add department "Field Service"?']);
  });

  it('asks nothing on a terminal when every value is given', async () => {
    const result = await terminal(['departments', 'add', '--name', 'Network', '--no-active'], []);
    expect(result).toMatchObject({ code: 0, stdout: 'added department "Network"\n', stderr: '' });
    expect(result.prompter?.asked).toEqual([]);
  });

  it('lists with operator count and open tickets: piped, JSON, CSV and on a terminal', async () => {
    const piped = await cli(['departments', 'list']);
    expect(piped).toMatchObject({
      code: 0,
      stderr: '',
      stdout:
        'name\toperators\topen tickets\tqueued\tat capacity\tactive\tdescription\n' +
        'Field Service\t0\t0\t0\t0\tyes\tOn-site repairs\n' +
        'IT Support\t0\t0\t0\t0\tyes\tHardware, accounts; "everything else"\n' +
        'Network\t0\t0\t0\t0\tno\t\n',
    });
    const json = await cli(['departments', 'list', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'Field Service', description: 'On-site repairs', active: true, operators: 0, openTickets: 0, queued: 0, atCapacity: 0 },
      { name: 'IT Support', description: 'Hardware, accounts; "everything else"', active: true, operators: 0, openTickets: 0, queued: 0, atCapacity: 0 },
      { name: 'Network', description: null, active: false, operators: 0, openTickets: 0, queued: 0, atCapacity: 0 },
    ]);
    const csv = await cli(['departments', 'list', '--format', 'csv']);
    expect(csv.stdout).toBe(
      'name,description,active,operators,openTickets,queued,atCapacity\n' +
        'Field Service,On-site repairs,true,0,0,0,0\n' +
        'IT Support,"Hardware, accounts; ""everything else""",true,0,0,0,0\n' +
        'Network,,false,0,0,0,0\n',
    );
    const table = await cli(['departments', 'list'], { tty: true, env: { NO_COLOR: '1' } });
    expect(table.stdout).toContain('│ IT Support    │         0 │            0 │      0 │           0 │ yes    │ Hardware, accounts; "everything else" │');
    expect(await cli(['departments', 'list', '--format', 'xml'])).toMatchObject({ code: 2, stdout: '' });
  });

  it('shows one department; a missing one is exit 2', async () => {
    const result = await cli(['departments', 'show', 'field service']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^name\tField Service\ndescription\tOn-site repairs\nactive\tyes\noperators\t0: none\ncategories\tnone\nopen tickets\t0\ntickets\t0\ncreated\t\S+\nupdated\t\S+\n$/,
    );
    expect(await cli(['departments', 'show', 'Nowhere'])).toMatchObject({ code: 2, stdout: '', stderr: 'error: no department "Nowhere"\n' });
    expect(await cli(['departments', 'show'])).toMatchObject({ code: 2, stdout: '', stderr: 'error: missing required argument NAME\n' });
    const picked = await terminal(['departments', 'show', '--json'], ['Network']);
    expect(picked.prompter?.asked).toEqual(['Which department?']);
    expect(JSON.parse(picked.stdout)).toMatchObject({ name: 'Network', active: false });
  });

  it('updates: rename, reactivate, no change, and a rename onto another name regardless of case', async () => {
    expect(await cli(['departments', 'update', 'network', '--name', 'Networks', '--active'])).toMatchObject({ code: 0, stdout: 'updated department "Networks"\n', stderr: '' });
    expect(await cli(['departments', 'update', 'Networks', '--active'])).toMatchObject({ code: 0, stdout: 'no changes to department "Networks"\n', stderr: '' });
    expect(await cli(['departments', 'update', 'Networks', '--name', 'FIELD service'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: a department named "Field Service" already exists (names are unique regardless of case)\n',
    });
    expect(await cli(['departments', 'update', 'Networks'])).toMatchObject({
      code: 2,
      stderr: 'error: nothing to update: give at least one of --name, --description, --active, --no-active\n',
    });
  });
});

describe('departments remove', () => {
  beforeAll(async () => {
    // IT Support: two operators, a category, two open tickets and a closed one.
    // Field Service: one operator, one category, one open ticket, no history.
    for (const args of [
      ['operators', 'add', '--name', 'Aigerim', '--email', 'aigerim@example.kz', '--department', 'IT Support', '--languages', 'ru,kk', '--capacity', '5'],
      ['operators', 'add', '--name', 'Boris', '--email', 'boris@example.kz', '--department', 'IT Support', '--languages', 'ru', '--capacity', '3'],
      ['operators', 'add', '--name', 'Chen', '--email', 'chen@example.kz', '--department', 'Field Service', '--languages', 'en', '--capacity', '2'],
      ['operators', 'add', '--name', 'Dana', '--email', 'dana@example.kz', '--department', 'Networks', '--languages', 'kk', '--capacity', '4'],
      ['categories', 'add', '--name', 'Password reset', '--department', 'IT Support', '--priority', 'low'],
      ['categories', 'add', '--name', 'Printer repair', '--department', 'Field Service'],
      ['categories', 'add', '--name', 'VPN', '--department', 'Networks'],
    ]) {
      expect(await cli(args)).toMatchObject({ code: 0, stderr: '' });
    }
    await ticket('t1 open', 'IT Support', 'new', { operator: 'aigerim@example.kz', category: 'Password reset' });
    await ticket('t2 open', 'IT Support', 'in_work', { operator: 'boris@example.kz' });
    await ticket('t3 closed', 'IT Support', 'closed', { operator: 'aigerim@example.kz', category: 'Password reset' });
    await ticket('t4 open', 'Field Service', 'waiting', { category: 'Printer repair' });
    await ticket('t5 open elsewhere', 'Networks', 'new', { operator: 'dana@example.kz', category: 'VPN' });
  });

  it('the list shows operator counts and open tickets', async () => {
    const result = await cli(['departments', 'list']);
    expect(result.stdout).toBe(
      'name\toperators\topen tickets\tqueued\tat capacity\tactive\tdescription\n' +
        'Field Service\t1\t1\t1\t0\tyes\tOn-site repairs\n' +
        'IT Support\t2\t2\t0\t0\tyes\tHardware, accounts; "everything else"\n' +
        'Networks\t1\t1\t0\t0\tyes\t\n',
    );
  });

  it('fails with exit 2 naming every dependent, and changes nothing', async () => {
    const before = await snapshot();
    const result = await cli(['departments', 'remove', 'IT Support', '--yes']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'error: department "IT Support" still has dependents: move or remove them first, or use --reassign-to OTHER\n' +
        '  operators (2): Aigerim <aigerim@example.kz>, Boris <boris@example.kz>\n' +
        '  categories (1): Password reset\n' +
        '  open tickets: 2\n',
    });
    // On a terminal it fails the same way before asking anything.
    const asked = await terminal(['departments', 'remove', 'IT Support'], []);
    expect(asked.code).toBe(2);
    expect(asked.prompter?.asked).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('without a terminal needs --yes; on a terminal "no" keeps everything', async () => {
    const before = await snapshot();
    expect(await cli(['departments', 'remove', 'Field Service', '--reassign-to', 'Networks'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: Move everything in department "Field Service" to "Networks" and remove it: refusing without --yes when there is no terminal\n',
    });
    const declined = await terminal(['departments', 'remove', 'Field Service', '--reassign-to', 'Networks'], [false]);
    expect(declined).toMatchObject({ code: 0, stdout: '', stderr: 'nothing changed\n' });
    expect(declined.prompter?.asked).toEqual(['Move everything in department "Field Service" to "Networks" and remove it?']);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to reassign to an unknown department or to itself, changing nothing', async () => {
    const before = await snapshot();
    expect(await cli(['departments', 'remove', 'Field Service', '--reassign-to', 'Nowhere', '--yes'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: --reassign-to: unknown department "Nowhere" (known: Field Service, IT Support, Networks)\n',
    });
    expect(await cli(['departments', 'remove', 'Field Service', '--reassign-to', 'field service', '--yes'])).toMatchObject({
      code: 2,
      stderr: 'error: --reassign-to must name another department (got "field service")\n',
    });
    expect(await snapshot()).toEqual(before);
  });

  it('--reassign-to moves every dependent, then removes it; nothing else changes', async () => {
    const before = await snapshot();
    const result = await terminal(['departments', 'remove', 'Field Service', '--reassign-to', 'Networks'], [true]);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'moved to "Networks": 1 operator, 1 category, 1 open ticket\nremoved department "Field Service"\n',
    });
    const after = await snapshot();
    const moved = <T extends { department?: unknown }>(row: T): T => (row.department === 'Field Service' ? { ...row, department: 'Networks' } : row);
    expect(after).toEqual({
      departments: before.departments.filter((d) => d.name !== 'Field Service'),
      operators: before.operators.map(moved),
      categories: before.categories.map(moved),
      tickets: before.tickets.map(moved),
    });
  });

  it('with closed tickets in its history the department is deactivated after the move, and says so', async () => {
    const before = await snapshot();
    const result = await cli(['departments', 'remove', 'IT Support', '--reassign-to', 'Networks', '--yes']);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'moved to "Networks": 2 operators, 1 category, 2 open tickets\ndeactivated department "IT Support" instead of removing it: 1 closed ticket refers to it\n',
    });
    const after = await snapshot();
    const moved = <T extends { department?: unknown; status?: unknown }>(row: T): T =>
      row.department === 'IT Support' && row.status !== 'closed' ? { ...row, department: 'Networks' } : row;
    expect(after.operators).toEqual(before.operators.map(moved));
    expect(after.categories).toEqual(before.categories.map(moved));
    expect(after.tickets).toEqual(before.tickets.map(moved));
    expect(after.departments.map((d) => [d.name, d.active])).toEqual([
      ['IT Support', false],
      ['Networks', true],
    ]);
    expect((await cli(['departments', 'list', '--json'])).stdout).toBe(
      JSON.stringify(
        [
          { name: 'IT Support', description: 'Hardware, accounts; "everything else"', active: false, operators: 0, openTickets: 0, queued: 0, atCapacity: 0 },
          { name: 'Networks', description: null, active: true, operators: 4, openTickets: 4, queued: 1, atCapacity: 0 },
        ],
        null,
        2,
      ) + '\n',
    );
  });

  it('a department without dependents is removed', async () => {
    expect(await cli(['departments', 'add', '--name', 'Temporary'])).toMatchObject({ code: 0 });
    const result = await cli(['departments', 'remove', 'temporary', '--yes', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ removed: 'Temporary', outcome: 'removed' });
    expect(await sql(`select name from departments where name = 'Temporary'`)).toEqual([]);
  });
});
