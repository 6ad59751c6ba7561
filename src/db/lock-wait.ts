import { DatabaseUnavailableError } from '../errors.ts';
import { acquireLock, type DirectoryLock } from './lock.ts';

/** How often a waiting process looks at the lock again. */
const POLL_MS = 200;

/**
 * `acquireLock`, retried while another live process holds the lock, for up to `waitMs` (Infinity:
 * no limit), so that scripts queue behind a long import (`--wait`, HELPDESK_LOCK_WAIT). Says once
 * that it waits, naming the holder; when the time is up it fails as `acquireLock` does (exit 3).
 */
export async function waitForLock(path: string, command: string, waitMs: number, onWait?: (message: string) => void): Promise<DirectoryLock> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      return acquireLock(path, command);
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || Date.now() + POLL_MS > deadline) throw error;
      if (!told) {
        told = true;
        const limit = Number.isFinite(waitMs) ? ` (up to ${Math.round(waitMs / 1000)} s)` : '';
        onWait?.(`waiting for the lock${limit}: ${error.message.replace(/; wait for it to finish$/, '')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
