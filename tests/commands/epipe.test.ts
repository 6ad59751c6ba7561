import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, spawnCli } from '../support/cli.ts';
import { createProcessDatabase } from '../support/process-database.ts';

// Issue 13, item 7: a reader that goes away (`| head -c 1`) is not an error. Every command
// stops quietly with exit 0, without a Node stack trace (before: "Error: write EPIPE", exit 1).

let target: Awaited<ReturnType<typeof createProcessDatabase>>;
const baseEnv = () => ({ DATABASE_URL: undefined, HELPDESK_DATA_DIR: undefined, NO_COLOR: '1', ...target.env });

/** Runs the CLI with stdout read up to `bytes` bytes, then closed, like `| head -c N`. */
function spawnHead(args: string[], bytes: number): Promise<{ code: number | null; signal: string | null; stderr: string; got: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...baseEnv() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let got = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= bytes) child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, got }));
  });
}

beforeAll(async () => {
  target = await createProcessDatabase();
  // 300 tickets of about 1 KB each: an export far larger than a pipe's 64 KB buffer.
  const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ external_id: `EP-${i}`, body: `Printer on floor ${i} does not print. `.repeat(30), status: 'closed', closed_at: '2026-11-20T10:00:00Z', created_at: '2026-11-19T10:00:00Z' }));
  const imported = await spawnCli(['import', 'tickets', '-', '--input-format', 'jsonl'], baseEnv(), lines.join('\n') + '\n');
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
}, 120_000);
afterAll(async () => target?.dispose());

describe('a closed stdout (EPIPE)', () => {
  it.each([
    ['stats daily --json', ['stats', 'daily', '--from', '2019-01-01', '--to', '2026-11-30', '--json']],
    ['stats daily (tab-separated)', ['stats', 'daily', '--from', '2019-01-01', '--to', '2026-11-30']],
    ['export tickets', ['export', 'tickets']],
    ['export stats --format json', ['export', 'stats', '--from', '2019-01-01', '--to', '2026-11-30', '--format', 'json']],
    ['export training-samples', ['export', 'training-samples', '--format', 'jsonl']],
  ])('%s | head -c 1: quiet, exit 0', async (_name, args) => {
    const result = await spawnHead(args, 1);
    expect(result.stderr).not.toMatch(/EPIPE|node:events|Error:|unexpected failure|\n\s+at /);
    expect(result.code).toBe(0);
  }, 60_000);
});
