// The leader lease of one GoTo account on PostgreSQL: a row (holder, epoch, expires_at by the database clock)
// taken, renewed and released over a dedicated connection.
//
// Why a lease row and not an advisory lock: an advisory lock lives as long as the session that holds it. A leader
// frozen by the scheduler or kill -STOP keeps its TCP connection, so the lock stays held forever and nobody takes
// over; after a network cut the server only notices the dead session when its TCP keepalive gives up (minutes by
// default). A lease runs out on its own after its TTL whatever happened to the holder, and each acquisition bumps
// `epoch`, a fencing number the new leader stamps on what it publishes (card versions, see pop-service.ts).
import pg from 'pg';

/** What the lease gave: the epoch of this holder's tenure (unchanged while renewed, +1 on every new holder). */
export interface LeaseGrant {
  readonly epoch: number;
}

/** One instance's side of the lease: leadership.ts (src/app) drives it on a timer. */
export interface LeaseConnection {
  /** Renews our lease, or takes it when it is free or expired; null when another holder's lease still runs. */
  tryAcquire(): Promise<LeaseGrant | null>;
  /** Ends our lease now (epoch kept) so a follower takes over at its next poll; no-op when not ours. */
  release(): Promise<void>;
  /** The connection holding the lease broke (network, pg_terminate_backend, server restart). */
  onLost(listener: () => void): void;
  close(): Promise<void>;
}

export interface PostgresLeaseOptions {
  readonly url: string;
  /** Tests: the schema the tables live in. */
  readonly schema?: string;
  /** Lease key: the GoTo account this lease is for. */
  readonly account: string;
  /** This instance, unique per process. */
  readonly holder: string;
  readonly ttlMs: number;
  /** Default LEASE_APPLICATION_NAME; tests give each instance its own to terminate the right one. */
  readonly applicationName?: string;
}

/** application_name of the lease connection, so an operator (or a test) can find and terminate it. */
export const LEASE_APPLICATION_NAME = 'screenpop-leader';

// One statement, so two instances racing for an expired lease serialize on the row: the first one's update makes
// the row unexpired for the second, whose WHERE then fails and whose RETURNING gives nothing. The epoch goes up
// whenever the holder changes or our own lease had already run out (we stepped down meanwhile: a new tenure).
const ACQUIRE = `
  INSERT INTO leader_lease (account, holder, epoch, expires_at)
  VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond')
  ON CONFLICT (account) DO UPDATE SET
    holder = EXCLUDED.holder,
    epoch = CASE
      WHEN leader_lease.holder = EXCLUDED.holder AND leader_lease.expires_at > now() THEN leader_lease.epoch
      ELSE leader_lease.epoch + 1
    END,
    expires_at = EXCLUDED.expires_at
  WHERE leader_lease.holder = EXCLUDED.holder OR leader_lease.expires_at <= now()
  RETURNING epoch`;

const RELEASE = `UPDATE leader_lease SET expires_at = now() - interval '1 millisecond'
  WHERE account = $1 AND holder = $2`;

export class PostgresLease implements LeaseConnection {
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  readonly #lost: (() => void)[] = [];

  constructor(private readonly options: PostgresLeaseOptions) {}

  async tryAcquire(): Promise<LeaseGrant | null> {
    const { account, holder, ttlMs } = this.options;
    const result = await this.#query<{ epoch: string }>(ACQUIRE, [account, holder, ttlMs]);
    const row = result.rows[0];
    return row === undefined ? null : { epoch: Number(row.epoch) };
  }

  async release(): Promise<void> {
    await this.#query(RELEASE, [this.options.account, this.options.holder]);
  }

  onLost(listener: () => void): void {
    this.#lost.push(listener);
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const client = await this.#connect();
    try {
      return await client.query<R>(text, values);
    } catch (error) {
      // A broken or terminated connection: drop it, the next tick opens a fresh one.
      this.#drop(client);
      throw error;
    }
  }

  #connect(): Promise<pg.Client> {
    if (this.#client !== null) {
      return Promise.resolve(this.#client);
    }
    this.#connecting ??= (async () => {
      const schema = this.options.schema;
      // A query stuck on a dead network must not outlive the lease: the caller would wait past its own deadline.
      const timeout = Math.max(250, Math.floor(this.options.ttlMs / 2));
      const client = new pg.Client({
        connectionString: this.options.url,
        application_name: this.options.applicationName ?? LEASE_APPLICATION_NAME,
        connectionTimeoutMillis: timeout,
        query_timeout: timeout,
        keepAlive: true,
        ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
      });
      client.on('error', () => this.#drop(client)); // terminated by the server, or the network
      client.on('end', () => this.#drop(client));
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      this.#client = client;
      return client;
    })().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  /** Forgets a broken connection (the next call opens a fresh one) and tells the listeners, once per connection. */
  #drop(client: pg.Client): void {
    if (this.#client !== client) {
      return;
    }
    this.#client = null;
    void client.end().catch(() => undefined);
    for (const listener of this.#lost) {
      listener();
    }
  }
}
