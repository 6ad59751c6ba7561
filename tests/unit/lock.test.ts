import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/db/lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'helpdesk-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('data directory lock', () => {
  it('is exclusive while held and free after release', () => {
    const path = join(dir, 'a.lock');
    const lock = acquireLock(path, 'helpdesk one');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, command: 'helpdesk one' });
    expect(() => acquireLock(path, 'helpdesk two')).toThrow(/is in use by process \d+ .*helpdesk one/);
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path, 'helpdesk three').release();
  });

  it('takes over a lock left by a dead process on this host', () => {
    const path = join(dir, 'b.lock');
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'crashed', since: '2026-01-01T00:00:00Z' }));
    const lock = acquireLock(path, 'helpdesk after crash');
    expect(JSON.parse(readFileSync(path, 'utf8')).command).toBe('helpdesk after crash');
    lock.release();
  });

  // Issue 13, item 8: `: > DIR/helpdesk.lock` made every later command exit 3 forever.
  it.each([
    ['empty', ''],
    ['truncated JSON', '{"pid": 12'],
    ['garbage', '\u0000\u0000\u0000'],
    ['JSON without a pid', '{"host":"x"}'],
  ])('takes over an %s lock file whose holder cannot be proven alive', (_name, content) => {
    const path = join(dir, `unparsable-${_name.replace(/\W/g, '')}.lock`);
    writeFileSync(path, content);
    const old = new Date(Date.now() - 5000);
    utimesSync(path, old, old);
    const lock = acquireLock(path, 'helpdesk after truncation');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, command: 'helpdesk after truncation' });
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('waits for a young unparsable lock (an old helpdesk still writing it) before taking it over', () => {
    const path = join(dir, 'young.lock');
    writeFileSync(path, '');
    const started = Date.now();
    const lock = acquireLock(path, 'helpdesk patient');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    lock.release();
  });

  it('is written whole, through a temporary file that does not stay behind', () => {
    const sub = mkdtempSync(join(dir, 'atomic-'));
    const path = join(sub, 'helpdesk.lock');
    const lock = acquireLock(path, 'helpdesk atomic');
    expect(readdirSync(sub)).toEqual(['helpdesk.lock']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => acquireLock(path, 'helpdesk second')).toThrow(/in use by process/);
    expect(readdirSync(sub)).toEqual(['helpdesk.lock']);
    lock.release();
  });
});
