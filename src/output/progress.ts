import type { OutputStream } from './io.ts';

export interface Progress {
  /** Redraws the line (at most every `intervalMs`, unless `force`): a bar when there is a total, then the text. */
  update(done: number, text: string, force?: boolean): void;
  /** Erases the line, e.g. before a warning is written; the next update draws it again. */
  clear(): void;
}

const NONE: Progress = { update: () => undefined, clear: () => undefined };

/**
 * A one-line progress bar on stderr, only when stderr is a terminal: piped or in CI nothing is
 * drawn, so logs stay clean.
 */
export function progressBar(stream: OutputStream, options: { total?: number | undefined; intervalMs?: number } = {}): Progress {
  if (stream.isTTY !== true) return NONE;
  const interval = options.intervalMs ?? 200;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done, text, force = false) {
      const now = performance.now();
      if (!force && now - last < interval) return;
      last = now;
      let bar = '';
      if (options.total) {
        const share = Math.min(1, done / options.total);
        const width = 30;
        const filled = Math.round(share * width);
        bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% `;
      }
      stream.write(`\r${bar}${text}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** Per second, for progress texts. */
export function ratePerSecond(count: number, startedAt: number): number {
  return Math.round(count / Math.max((performance.now() - startedAt) / 1000, 0.001));
}
