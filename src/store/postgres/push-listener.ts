// The push hub's one LISTEN connection: tells the hub when rows arrived, reconnects when the connection is lost.
import pg from 'pg';

export interface ListenerEvents {
  /** A notification on the channel, with its payload: new rows are there. */
  notified(payload: string): void;
  /** LISTEN is (again) in place: rows written while it was not may have been missed, catch up. */
  listening(): void;
  /** The connection was lost or could not be opened; `attempt` counts failures in a row. */
  lost(error: unknown, attempt: number): void;
}

/** Waits between reconnect attempts: quick at first (a restarted server is back in a second), capped. */
const RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/**
 * A dedicated client (not from the pool: a pooled connection returns to other work, and LISTEN belongs to a
 * session). Any end of it, an error, `pg_terminate_backend`, a server restart, leads to a new client and a new
 * LISTEN, then `listening()` so the hub fetches everything after the last id it delivered: nothing is lost.
 */
export class PushListener {
  private client: pg.Client | null = null;
  private closed = false;
  private failures = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly events: ListenerEvents,
  ) {}

  /** Connects and listens; rejects only if the first attempt fails (the caller decides whether to start). */
  async start(): Promise<void> {
    await this.connect(true);
  }

  /** The backend pid of the listening connection (tests terminate it), or null between connections. */
  get pid(): number | null {
    const client = this.client as (pg.Client & { processID?: number }) | null;
    return client?.processID ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry !== null) {
      clearTimeout(this.retry);
    }
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(first: boolean): Promise<void> {
    const client = new pg.Client({ ...this.config, keepAlive: true });
    let dropped = first; // until connected, a failure of the first attempt is the caller's, not a reconnect
    const drop = (error: unknown) => {
      if (dropped) {
        return;
      }
      dropped = true;
      if (this.client === client) {
        this.client = null;
      }
      client.end().catch(() => {});
      if (!this.closed) {
        this.failures += 1;
        this.events.lost(error, this.failures);
        this.schedule();
      }
    };
    client.on('error', drop);
    client.on('end', () => drop(new Error('LISTEN connection ended')));
    client.on('notification', (message) => {
      if (message.channel === this.channel) {
        this.events.notified(message.payload ?? '');
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      if (first) {
        await client.end().catch(() => {});
        throw error;
      }
      drop(error);
      return;
    }
    dropped = false;
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.failures = 0;
    this.events.listening();
  }

  private schedule(): void {
    if (this.retry !== null || this.closed) {
      return;
    }
    const wait = RETRY_MS[Math.min(this.failures - 1, RETRY_MS.length - 1)] ?? 5_000;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect(false); // a failure comes back through drop()
    }, wait);
    this.retry.unref();
  }
}
