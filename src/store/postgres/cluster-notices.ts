// Notices between the instances on one PostgreSQL database (LISTEN/NOTIFY): what one instance changed that the
// leader, which holds the calls' state, must act on. Payloads name a row (a principal, a call id), never carry it:
// the receiver reads the row from the database, so no payload nears NOTIFY's 8,000-byte limit.
import { z } from 'zod';
import pg from 'pg';

export const CLUSTER_CHANNEL = 'screenpop_cluster';

/** `agent`: signed in or changed settings; `signout`: signed out; `notes`: notes saved on a call. */
export type ClusterNotice =
  | { readonly kind: 'agent'; readonly principal: string }
  | { readonly kind: 'signout'; readonly principal: string }
  | { readonly kind: 'notes'; readonly callId: string };

const wire = z.object({
  from: z.string(),
  notice: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('agent'), principal: z.string().max(320) }),
    z.object({ kind: z.literal('signout'), principal: z.string().max(320) }),
    z.object({ kind: z.literal('notes'), callId: z.string().max(200) }),
  ]),
});

export interface ClusterNoticeBus {
  /** Tells every other instance; resolves once PostgreSQL took the notice. */
  send(notice: ClusterNotice): Promise<void>;
  /** Notices from the other instances (never our own). */
  onNotice(listener: (notice: ClusterNotice) => void): void;
  close(): Promise<void>;
}

export interface PostgresNoticeOptions {
  readonly url: string;
  /** This instance (its own notices come back to it and are skipped). */
  readonly instance: string;
  /** A payload that does not parse (another version of screenpop, or a stray NOTIFY): counted by the caller. */
  readonly rejected?: (reason: string) => void;
  /** After the listening connection dropped and came back: notices in between are lost, callers resync. */
  readonly reconnected?: () => void;
  readonly retryMs?: number;
}

export class PostgresNoticeBus implements ClusterNoticeBus {
  #client: pg.Client | null = null;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  readonly #listeners: ((notice: ClusterNotice) => void)[] = [];

  private constructor(private readonly options: PostgresNoticeOptions) {}

  static async open(options: PostgresNoticeOptions): Promise<PostgresNoticeBus> {
    const bus = new PostgresNoticeBus(options);
    await bus.#connect();
    return bus;
  }

  async send(notice: ClusterNotice): Promise<void> {
    const client = this.#client;
    if (client === null) {
      throw new Error('cluster notices: not connected to PostgreSQL');
    }
    const payload = JSON.stringify({ from: this.options.instance, notice });
    await client.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, payload]);
  }

  onNotice(listener: (notice: ClusterNotice) => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== null) {
      clearTimeout(this.#retry);
    }
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: 'screenpop-notices',
    });
    client.on('notification', (message) => this.#received(message.payload ?? ''));
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    await client.connect();
    await client.query(`LISTEN ${CLUSTER_CHANNEL}`);
    this.#client = client;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client || this.#closed) {
      return;
    }
    this.#client = null;
    void client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (this.#closed) {
        return;
      }
      this.#connect().then(
        () => this.options.reconnected?.(),
        () => this.#scheduleReconnect(),
      );
    }, this.options.retryMs ?? 1_000);
    this.#retry.unref();
  }

  #received(payload: string): void {
    let parsed;
    try {
      parsed = wire.safeParse(JSON.parse(payload));
    } catch {
      this.options.rejected?.('not JSON');
      return;
    }
    if (!parsed.success) {
      this.options.rejected?.('unexpected shape');
      return;
    }
    if (parsed.data.from === this.options.instance) {
      return;
    }
    for (const listener of this.#listeners) {
      listener(parsed.data.notice);
    }
  }
}
