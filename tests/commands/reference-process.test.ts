import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.ts';

// bin/helpdesk as its own process with stdin closed and no terminal, as a script runs it:
// a value that would be asked for on a terminal is an immediate usage error, never a wait.
const root = mkdtempSync(join(tmpdir(), 'helpdesk-reference-process-'));
const dataDir = join(root, 'data');
const env = { DATABASE_URL: undefined, HELPDESK_DATA_DIR: dataDir, NO_COLOR: '1' };

beforeAll(async () => {
  const init = await spawnCli(['db', 'init', '--no-seed'], env);
  expect(init.code).toBe(0);
  const added = await spawnCli(['departments', 'add', '--name', 'IT Support'], env);
  expect(added).toMatchObject({ code: 0, stdout: 'added department "IT Support"\n', stderr: '' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('without a terminal nothing waits for input', () => {
  const cases: [string[], string][] = [
    [['departments', 'add'], 'error: missing required option --name\n'],
    [['departments', 'show'], 'error: missing required argument NAME\n'],
    [['departments', 'remove', 'IT Support'], 'error: Remove department "IT Support": refusing without --yes when there is no terminal\n'],
    [['operators', 'add', '--name', 'A', '--email', 'a@example.kz', '--languages', 'ru', '--capacity', '2'], 'error: missing required option --department\n'],
    [['operators', 'update', '--capacity', '3'], 'error: missing required argument EMAIL\n'],
    [['categories', 'add', '--name', 'VPN'], 'error: missing required option --department\n'],
    [['responses', 'add', '--name', 'x', '--category', 'VPN', '--language', 'en'], 'error: missing required option --answer\n'],
    [['responses', 'remove'], 'error: missing required argument NAME\n'],
    [['users', 'add', '--name', 'Dana'], 'error: missing required option --email\n'],
  ];

  // stdin stays open and silent: a command that waited for an answer would never exit, and the
  // test would time out instead of passing (how long it takes is the benchmarks' business).
  it.each(cases)('helpdesk %j exits 2 without waiting for input, naming what is missing', async (args, stderr) => {
    const result = await spawnCli(args, env, null);
    expect(result).toEqual({ code: 2, stdout: '', stderr });
  });

  it('a complete command runs to the end with stdin closed', async () => {
    const result = await spawnCli(['departments', 'remove', 'IT Support', '--yes'], env);
    expect(result).toEqual({ code: 0, stdout: 'removed department "IT Support"\n', stderr: '' });
  });
});
