import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
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

/**
 * A lock file that does not parse is only taken for one being written by a live process while it
 * is this young. Ours are never seen half-written (see writeLockFile), but a helpdesk from before
 * 2026-12-02 wrote in place, and that takes microseconds, not a second.
 */
const UNPARSABLE_GRACE_MS = 1000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder> | null;
    if (!value || typeof value !== 'object' || !Number.isInteger(value.pid) || typeof value.host !== 'string') return undefined;
    return { pid: value.pid!, host: value.host, command: String(value.command ?? '?'), since: String(value.since ?? '?') };
  } catch {
    return undefined;
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return parseHolder(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

type Judgement = { state: 'free' } | { state: 'held'; holder: LockHolder } | { state: 'stale'; ino: number } | { state: 'unsure' };

/**
 * What the lock file at `path` says: held by a live process (or one on another host, which we
 * cannot check), stale (its holder is dead, or it is empty or unparsable and old enough that no
 * live process can still be writing it), or unsure (unparsable and very young).
 */
function judge(path: string, now: number): Judgement {
  let text: string;
  let ino: number;
  let mtimeMs: number;
  try {
    const stat = statSync(path);
    ino = stat.ino;
    mtimeMs = stat.mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'free' };
    throw error;
  }
  const holder = parseHolder(text);
  if (holder) {
    if (holder.host === hostname() && !isAlive(holder.pid)) return { state: 'stale', ino };
    return { state: 'held', holder };
  }
  // Empty or garbage (a crash of an old in-place writer, a disk that lost the data, `: > lock`):
  // nobody can be proven to hold it.
  return now - mtimeMs >= UNPARSABLE_GRACE_MS ? { state: 'stale', ino } : { state: 'unsure' };
}

/**
 * Writes the holder to a private temporary file, flushes it to disk, and links it to `path`:
 * link() fails when `path` exists (like O_EXCL), and `path` is never seen empty or half-written,
 * even after a crash or a power cut (the directory is flushed too).
 */
function writeLockFile(path: string, holder: LockHolder): boolean {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temporary, 'wx', 0o644);
  try {
    writeSync(fd, JSON.stringify(holder));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  syncDirectory(dirname(path));
  return true;
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some file systems cannot fsync a directory; the lock is still exclusive */
  }
}

/**
 * Removes a stale lock file without removing a fresh one that another process put there after we
 * judged it: the file is first renamed to a name of our own, and if it is not the one judged (its
 * inode differs) it is put back.
 */
function removeStale(path: string, ino: number): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else removed it first
  }
  try {
    if (statSync(aside).ino !== ino) {
      try {
        linkSync(aside, path);
      } catch {
        /* a third process has locked meanwhile; the one we moved was taken over by it */
      }
    }
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      /* gone */
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * An exclusive lock file: PGlite has no locking of its own, and two processes on one data
 * directory corrupt it. A lock left by a dead process on this host is taken over, and so is an
 * empty or unparsable one whose holder cannot be proven alive.
 */
export function acquireLock(path: string, command: string): DirectoryLock {
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 40; attempt++) {
    if (writeLockFile(path, holder)) {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        const current = readHolder(path);
        if (current?.pid === process.pid && current.host === holder.host) {
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
    const judgement = judge(path, Date.now());
    if (judgement.state === 'held') {
      const { holder: other } = judgement;
      throw new DatabaseUnavailableError(
        `database ${path.replace(/\/helpdesk\.lock$/, '')} is in use by process ${other.pid} on ${other.host} (${other.command}, since ${other.since}); wait for it to finish`,
      );
    }
    if (judgement.state === 'stale') removeStale(path, judgement.ino);
    else if (judgement.state === 'unsure') sleepSync(50);
  }
  throw new DatabaseUnavailableError(`cannot lock ${path}: the lock file is being changed by another process`);
}
