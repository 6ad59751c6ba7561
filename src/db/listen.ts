/**
 * LISTEN on a PostgreSQL server with a connection of its own (not one of the pool's: a pooled
 * connection would be handed to other queries). Notifications are delivered when the notifying
 * transaction commits, and only to sessions listening at that moment; so after a (re)connect the
 * owner is woken once, to catch up on whatever committed while nobody listened. A lost connection
 * is reported once through `onLost` and re-established with back-off (0.5 s doubling to 10 s).
 */
export interface Listener {
  close(): Promise<void>;
}

export interface ListenOptions {
  url: string;
  channels: readonly string[];
  onNotify: () => void;
  onLost: (message: string) => void;
  onRestored: () => void;
}

export async function listen(options: ListenOptions): Promise<Listener> {
  const { default: pg } = await import('pg');
  let closed = false;
  let client: InstanceType<typeof pg.Client> | null = null;
  let delay = 500;
  let lost = false;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 5000, application_name: 'helpdesk listener' });
    c.on('error', () => undefined);
    c.on('notification', () => options.onNotify());
    c.on('end', () => {
      if (closed || client !== c) return;
      client = null;
      if (!lost) {
        lost = true;
        options.onLost('lost the notification connection');
      }
      schedule();
    });
    try {
      await c.connect();
      for (const channel of options.channels) await c.query(`listen "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
      if (!lost) {
        lost = true;
        options.onLost(String((error as Error).message ?? error).split('\n')[0] ?? 'connection failed');
      }
      schedule();
      return;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    delay = 500;
    if (lost) {
      lost = false;
      options.onRestored();
    }
    // Whatever committed while nobody listened: look once.
    options.onNotify();
  };
  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => void connect(), delay);
    delay = Math.min(delay * 2, 10_000);
  };

  await connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}

/** Errors that mean "the server or the connection went away": retry, don't fail. */
export function isConnectionLoss(error: unknown): boolean {
  const e = error as { code?: string; message?: string; name?: string; cause?: unknown } | undefined;
  if (!e) return false;
  if (e.name === 'DatabaseUnavailableError') return true;
  const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
  if (code && /^(08|57P0[1-3])/.test(code)) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  const message = String(e.message ?? '');
  return /Connection terminated|connection (?:is )?(?:closed|ended|lost|refused)|terminating connection|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
}

/**
 * The wait between reconnection attempts of a long-running reader (`pipeline run --follow`,
 * `tickets watch`): 0.5 s, doubling to at most 10 s, back to 0.5 s once a read succeeds.
 */
export class ReconnectBackoff {
  private ms = 500;

  reset(): void {
    this.ms = 500;
  }

  /**
   * After a failed attempt: rethrows anything but a lost connection; otherwise tells `onLost`
   * why in one line (the driver's first line, without "cannot open database URL: ") and waits.
   */
  async after(error: unknown, onLost: (reason: string) => void, wait: (ms: number) => Promise<unknown>): Promise<void> {
    if (!isConnectionLoss(error)) throw error;
    onLost(String((error as Error).message ?? error).split('\n')[0]!.replace(/^cannot open database [^:]+: /, ''));
    await wait(this.ms);
    this.ms = Math.min(this.ms * 2, 10_000);
  }
}

/**
 * Closes a database whose connection was lost without waiting for ever: the pool waits for a
 * client that a failed query never gave back. Past `ms` the old pool is left behind (its sockets
 * are dead) and the caller opens a new one.
 */
export async function closeWithin(db: { close(): Promise<void> }, ms = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([db.close().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
