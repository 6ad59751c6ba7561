import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/context.ts';
import { openSink } from '../../src/commands/export/output.ts';

const dir = mkdtempSync(join(tmpdir(), 'helpdesk-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A file sink only needs the context for stdout, which these tests do not use.
const ctx = {} as CommandContext;

describe('export file sink', () => {
  it('puts the file in place only when the export completes', async () => {
    const out = join(dir, 'samples.csv');
    const sink = await openSink(ctx, out);
    await sink.write('a,b\n1,2\n');
    expect(existsSync(out)).toBe(false);
    await sink.close(true);
    expect(readFileSync(out, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(dir)).toEqual(['samples.csv']);
  });

  it('leaves an earlier file untouched and nothing half-written when the export fails', async () => {
    const out = join(dir, 'stats.csv');
    writeFileSync(out, 'yesterday\n');
    const sink = await openSink(ctx, out);
    await sink.write('half of to');
    await sink.close(false);
    expect(readFileSync(out, 'utf8')).toBe('yesterday\n');
    expect(readdirSync(dir).sort()).toEqual(['samples.csv', 'stats.csv']);
  });
});
