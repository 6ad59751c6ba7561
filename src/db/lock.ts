import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { DatabaseUnavailableError } from '../errors.ts';

interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export interface DirectoryLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock file: PGlite has no locking of its own, and two processes on one data
 * directory corrupt it. A lock left by a dead process on this host is taken over.
 */
export function acquireLock(path: string, command: string): DirectoryLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      const stale = holder !== undefined && holder.host === hostname() && !isAlive(holder.pid);
      if (stale || holder === undefined) {
        // A dead holder, or a lock file still being written: retry after removing a stale one.
        if (stale) {
          try {
            unlinkSync(path);
          } catch {
            /* someone else removed it first */
          }
        }
        continue;
      }
      throw new DatabaseUnavailableError(
        `database ${path.replace(/\/helpdesk\.lock$/, '')} is in use by process ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since}); wait for it to finish`,
      );
    }
    const holder: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(holder));
    closeSync(fd);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.off('exit', release);
      const current = readHolder(path);
      if (current?.pid === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      }
    };
    process.on('exit', release);
    return { release };
  }
  throw new DatabaseUnavailableError(`cannot lock ${path}: the lock file is being changed by another process`);
}
