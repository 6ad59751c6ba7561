/** Where a command's output goes. Injected so tests can run the CLI in-process in either mode. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
  readonly rows?: number | undefined;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined };
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * The reader of our output went away (`helpdesk export tickets | head -1`): not an error, the
 * command stops quietly with exit 0, as `cat` or `grep` would. src/main.ts maps it.
 */
export class OutputClosedError extends Error {
  constructor() {
    super('output closed by its reader (EPIPE)');
    this.name = 'OutputClosedError';
  }
}

/**
 * A process stream whose EPIPE is swallowed once and remembered: without a listener Node throws
 * the 'error' event as an uncaught exception (a stack trace and exit 1). After it, writes throw
 * OutputClosedError so that a long export stops instead of producing rows nobody reads, and
 * `once('drain')` also fires on close so that nothing waits forever for a dead pipe. On stderr
 * (`2>&1 | head`) later writes are dropped instead.
 */
export function guardedStream(stream: NodeJS.WriteStream, throwWhenClosed: boolean): OutputStream & { once(event: string, listener: () => void): unknown } {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      closed = true;
      return;
    }
    throw error;
  });
  return {
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    write(text: string) {
      if (closed || stream.destroyed) {
        // stderr: a diagnostic nobody can read is dropped; stdout: the command stops.
        if (throwWhenClosed) throw new OutputClosedError();
        return true;
      }
      return stream.write(text);
    },
    once(event: string, listener: () => void) {
      if (event !== 'drain') return stream.once(event, listener);
      let done = false;
      const fire = (): void => {
        if (done) return;
        done = true;
        stream.off('drain', fire);
        stream.off('close', fire);
        stream.off('error', fire);
        listener();
      };
      stream.once('drain', fire);
      stream.once('close', fire);
      stream.once('error', fire);
      return stream;
    },
  };
}

let processStreams: { stdout: OutputStream; stderr: OutputStream } | undefined;

export function processIo(): Io {
  // Guarded once per process: run() is called once by bin/helpdesk, many times by tests.
  processStreams ??= { stdout: guardedStream(process.stdout, true), stderr: guardedStream(process.stderr, false) };
  return { stdout: processStreams.stdout, stderr: processStreams.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org), forced with FORCE_COLOR. */
export function colorEnabled(stream: OutputStream, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
