import type { OutputStream } from './io.ts';

export interface Progress {
  update(done: number): void;
  done(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, done: () => undefined };

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second, only when stderr is a
 * terminal: piped or in CI nothing is drawn, so logs stay clean.
 */
export function progressBar(stream: OutputStream, label: string, total: number | null, unit = 'rows'): Progress {
  if (stream.isTTY !== true) return NO_PROGRESS;
  const started = performance.now();
  let last = 0;
  let shown = false;
  const draw = (done: number): void => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const width = 24;
    const bar = total ? '█'.repeat(Math.min(width, Math.round((done / total) * width))).padEnd(width, '░') + ' ' : '';
    const count = total ? `${done}/${total}` : `${done}`;
    stream.write(`\r${label} ${bar}${count} ${unit} (${rate}/s)\u001b[K`);
    shown = true;
  };
  return {
    update(done) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      draw(done);
    },
    done() {
      if (shown) stream.write('\r\u001b[K');
    },
  };
}
