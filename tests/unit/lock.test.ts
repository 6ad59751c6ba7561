import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
});
