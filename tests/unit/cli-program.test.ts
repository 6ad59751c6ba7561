import { describe, expect, it } from 'vitest';
import { buildProgram, groupNamed } from '../../src/cli/program.ts';
import type { ContextFactory } from '../../src/cli/shared.ts';

// Only the group a command line names is registered in full (src/cli/program.ts): these check
// that the group is found past the global options, and that nothing else tells the difference.
const neverRun: ContextFactory = () => {
  throw new Error('no command runs in these tests');
};

describe('the command group a command line names', () => {
  it.each([
    [['departments', 'list'], 'departments'],
    [['--data-dir', '/tmp/x', 'tickets', 'show', '1'], 'tickets'],
    [['--database-url', 'postgres://u@h/db', 'stats', 'daily'], 'stats'],
    [['--database-url=postgres://u@h/db', 'model', 'show'], 'model'],
    [['--wait-seconds', '5', 'db', 'status'], 'db'],
    [['--wait', '--no-pager', 'users', 'list'], 'users'],
    [['help', 'export'], 'export'],
    [['help'], 'help'],
    [['--help'], undefined],
    [['-V'], undefined],
    [[], undefined],
    [['nosuch', 'list'], 'nosuch'],
  ])('%j names %s', async (argv, group) => {
    const program = await buildProgram(neverRun, '0.0.0', []);
    expect(groupNamed(argv, program)).toBe(group);
  });

  it('every global option that takes a value is skipped with its value', async () => {
    const program = await buildProgram(neverRun, '0.0.0', []);
    const valued = program.options.filter((o) => o.required || o.optional).map((o) => o.long!);
    expect(valued.sort()).toEqual(['--data-dir', '--database-url', '--wait-seconds']);
    for (const flag of valued) expect(groupNamed([flag, 'tickets', 'sla', 'check'], program)).toBe('sla');
  });
});

describe('registering only the named group', () => {
  const subcommands = (program: Awaited<ReturnType<typeof buildProgram>>, name: string) => program.commands.find((c) => c.name() === name)!.commands.map((c) => c.name());

  it('registers the named group in full and the others as a name and description', async () => {
    const program = await buildProgram(neverRun, '0.0.0', ['departments', 'list']);
    expect(subcommands(program, 'departments')).toEqual(['list', 'show', 'add', 'update', 'remove', 'import']);
    expect(subcommands(program, 'tickets')).toEqual([]);
  });

  it('the top-level help is the same whichever group is named, and the same as with every group registered', async () => {
    const all = await buildProgram(neverRun, '0.0.0');
    const help = all.helpInformation();
    expect(help).toContain('  tickets               list, show, create and update tickets\n');
    for (const argv of [[], ['tickets', 'show', '1'], ['model', 'train'], ['nosuch']]) {
      expect((await buildProgram(neverRun, '0.0.0', argv)).helpInformation()).toBe(help);
    }
  });

  it('completion registers every group: its script has every command', async () => {
    const program = await buildProgram(neverRun, '0.0.0', ['completion', 'bash']);
    for (const group of ['db', 'departments', 'tickets', 'model', 'export']) expect(subcommands(program, group).length).toBeGreaterThan(0);
  });
});
