import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_KEY } from '../../src/output/render.ts';
import { runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// One vocabulary for scripts: every key of every command's JSON and every CSV column is
// camelCase, and ratios are numbers. Keys that are values (enum values, languages, table names)
// keep the value's spelling; they are listed here so that nothing else slips through.
const VALUE_KEYED = new Set(['decisions', 'byLanguage', 'labels', 'derived']);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  expect((await runCli(['db', 'seed'], { database })).code).toBe(0);
  const history = new URL('../../fixtures/tickets/history.jsonl', import.meta.url).pathname;
  expect((await runCli(['import', 'tickets', history], { database })).code).toBe(0);
  expect((await runCli(['tickets', 'create', '--body', 'Printer on floor 3 is jammed'], { database })).code).toBe(0);
});
afterAll(async () => {
  await database?.dispose();
});

/** Keys that break the convention, with their path. */
function offending(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => offending(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!MACHINE_KEY.test(key)) out.push(`${path}.${key}`);
    if (!VALUE_KEYED.has(key)) out.push(...offending(v, `${path}.${key}`));
  }
  return out;
}

describe('machine-readable output', () => {
  it('JSON keys are camelCase in every command', async () => {
    const commands = [
      ['db', 'status', '--json'],
      ['departments', 'list', '--json'],
      ['operators', 'list', '--json'],
      ['categories', 'list', '--json'],
      ['responses', 'list', '--json'],
      ['users', 'list', '--json'],
      ['departments', 'show', 'Service Desk', '--json'],
      ['tickets', 'list', '--history', 'include', '--json'],
      ['tickets', 'show', '1', '--json'],
      ['tickets', 'update', '1', '--priority', 'high', '--json'],
      ['tickets', 'create', '--body', 'VPN does not connect', '--json'],
      ['stats', 'daily', '--from', '2026-10-01', '--to', '2026-10-10', '--history', 'include', '--json'],
      ['stats', 'daily', '--from', '2026-10-01', '--to', '2026-10-03', '--by', 'language', '--json'],
      ['stats', 'models', '--json'],
      ['stats', 'rebuild', '--json'],
      ['model', 'list', '--json'],
      ['export', 'stats', '--from', '2026-10-01', '--to', '2026-10-03', '--format', 'json', '--totals'],
    ];
    for (const args of commands) {
      const result = await runCli(args, { database });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(offending(JSON.parse(result.stdout)), args.join(' ')).toEqual([]);
    }
  });

  it('CSV columns are camelCase and ratios are plain numbers', async () => {
    const commands = [
      ['departments', 'list', '--format', 'csv'],
      ['operators', 'list', '--format', 'csv'],
      ['categories', 'list', '--format', 'csv'],
      ['responses', 'list', '--format', 'csv'],
      ['users', 'list', '--format', 'csv'],
      ['tickets', 'list', '--history', 'include', '--format', 'csv'],
      ['stats', 'daily', '--from', '2026-10-01', '--to', '2026-10-10', '--history', 'include', '--format', 'csv'],
      ['stats', 'daily', '--from', '2026-10-01', '--to', '2026-10-10', '--by', 'department', '--history', 'include', '--format', 'csv'],
      ['stats', 'models', '--format', 'csv'],
      ['model', 'list', '--format', 'csv'],
      ['export', 'stats', '--from', '2026-10-01', '--to', '2026-10-10', '--history', 'include'],
      ['export', 'tickets'],
      ['export', 'training-samples'],
    ];
    for (const args of commands) {
      const result = await runCli(args, { database });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      const header = result.stdout.split('\n')[0]!.split(',');
      expect(header.filter((h) => !MACHINE_KEY.test(h)), args.join(' ')).toEqual([]);
      const rows = parse(result.stdout, { columns: true }) as Record<string, string>[];
      for (const row of rows) for (const [key, cell] of Object.entries(row)) expect(cell, `${args.join(' ')} ${key}`).not.toMatch(/^-?\d+(\.\d+)?%$/);
    }
    const daily = parse((await runCli(['stats', 'daily', '--from', '2026-10-01', '--to', '2026-10-10', '--history', 'include', '--format', 'csv'], { database })).stdout, { columns: true }) as Record<string, string>[];
    const withTickets = daily.filter((r) => Number(r.newTickets) > 0);
    expect(withTickets.length).toBeGreaterThan(0);
    for (const r of withTickets) expect(Number(r.autoResolvedShare)).toBeCloseTo(Number(r.autoResolved) / Number(r.newTickets), 10);
  });
});
