import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared material (real IT tickets, reference scripts) that CI has beside the clone and users
 * do not: `$HELPDESK_SHARED_DIR` when set (an empty value or a missing directory means "absent"),
 * else `../shared` from the project root. Tests that need it skip, saying why, when it is absent.
 */
export function sharedDir(): string | undefined {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const env = process.env.HELPDESK_SHARED_DIR;
  const dir = env !== undefined ? env : resolve(root, '..', 'shared');
  return dir !== '' && existsSync(dir) ? dir : undefined;
}

/** A file of the shared material, or undefined when it is absent. */
export function sharedFile(...parts: string[]): string | undefined {
  const dir = sharedDir();
  const path = dir === undefined ? undefined : join(dir, ...parts);
  return path !== undefined && existsSync(path) ? path : undefined;
}

/** The one-line reason a test that needs the shared material gives when it is skipped. */
export const SHARED_ABSENT = 'skipped: needs ../shared (or HELPDESK_SHARED_DIR), which is absent';
