// PushHub on PostgreSQL for several instances: cards written to push_cards, LISTEN/NOTIFY tells every instance.
import pg from 'pg';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { PushEntry, PushHub, PushListener, PushSubscription } from '../../pops/ports.ts';
import { cardSchema, parseJson } from '../../shared/messages.ts';
import type { Card } from '../../shared/messages.ts';
import { PushListener as ListenConnection } from './push-listener.ts';
import * as q from './push-sql.ts';
import { CardWriter, epochMs } from './push-writer.ts';
import type { PushHubCounters } from './push-writer.ts';

export type { PushHubCounters } from './push-writer.ts';

export interface PostgresPushHubOptions {
  readonly url: string;
  /** Schema holding push_cards (tests run one per file); the notification channel is named after it. */
  readonly schema?: string;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Where the hub's counters go (/metrics); none in tests that read `counters` directly. */
  readonly registry?: Registry;
  /** Calls kept per agent for replay and GET /api/cards, as the memory hub (100). */
  readonly capacity?: number;
  /** Rows older than this are pruned (default 7 days): the table stays bounded when agents leave. */
  readonly retentionMs?: number;
  /** How often to prune, and how often to look for rows without a notification (a silent connection). */
  readonly pruneEveryMs?: number;
  readonly pollEveryMs?: number;
  readonly now?: () => number;
}

const FETCH_LIMIT = 1_000;

/**
 * publish() queues; one INSERT per tick writes everything queued (the latest version of each agent's call) and
 * notifies in the same statement. Every instance, this one included, delivers the rows the notification carries
 * when it has seen everything before them, and otherwise fetches rows after the last id it delivered, so a card
 * reaches an agent's sockets on whichever instance they are open, in id order, once. A failed write is
 * retried with what was queued meanwhile (the order per call holds: only the newest version of a call is kept);
 * reads wait for this instance's queued writes, so a reader sees what was published before it asked.
 */
export class PostgresPushHub implements PushHub {
  readonly counters: PushHubCounters = {
    batches: 0,
    writeFailures: 0,
    fetches: 0,
    fetchFailures: 0,
    listenLost: 0,
    badRows: 0,
    dropped: 0,
  };
  private readonly pool: pg.Pool;
  private readonly listener: ListenConnection;
  private readonly channel: string;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly listeners = new Map<string, Set<PushListener>>();
  private readonly writer: CardWriter;
  /** Fetches and subscriptions run one after another, so a new subscriber sits exactly at `lastSeen`. */
  private deliveries: Promise<unknown> = Promise.resolve();
  private fetchQueued = false;
  /** Notifications not yet handled, in commit order. */
  private inbox: string[] = [];
  private lastSeen = 0;
  /** The two legs of the hop, on /metrics: this instance's writes, and notifications handled here. */
  private writeSeconds: Histogram | null = null;
  private deliverySeconds: Histogram | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  private constructor(private readonly options: PostgresPushHubOptions) {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new Error(`invalid schema name ${schema}`);
    }
    const config: pg.ClientConfig = {
      connectionString: options.url,
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    };
    this.pool = new pg.Pool({ ...config, max: 4 });
    // An idle pooled client that loses its server emits here; the next query gets a fresh one.
    this.pool.on('error', (error) => options.log.warn({ err: error }, 'push hub: pooled connection lost'));
    this.channel = q.channelName(schema);
    this.capacity = options.capacity ?? 100;
    this.now = options.now ?? Date.now;
    this.writer = new CardWriter(this.pool, this.channel, this.counters, options.log, this.now, (seconds) =>
      this.writeSeconds?.observe(seconds),
    );
    this.listener = new ListenConnection(config, this.channel, {
      notified: (payload) => this.received(payload),
      listening: () => this.fetchSoon(),
      lost: (error, attempt) => {
        this.counters.listenLost += attempt === 1 ? 1 : 0;
        const log = attempt === 1 ? options.log.warn : options.log.error;
        log.call(options.log, { err: error, attempt }, 'push hub: LISTEN connection lost, reconnecting');
      },
    });
  }

  /** Listens, then starts after the newest committed row (migration 0011 must have run). */
  static async open(options: PostgresPushHubOptions): Promise<PostgresPushHub> {
    const hub = new PostgresPushHub(options);
    try {
      await hub.start();
    } catch (error) {
      await hub.close();
      throw error;
    }
    return hub;
  }

  /** The LISTEN connection's backend pid (tests terminate it). */
  get listenerPid(): number | null {
    return this.listener.pid;
  }

  publish(principals: readonly string[], card: Card): void {
    if (this.closed) {
      return;
    }
    this.writer.publish(principals, card);
  }

  async subscribe(principal: string, listener: PushListener): Promise<PushSubscription> {
    await this.writer.flushed();
    return this.inOrder(async () => {
      await this.fetchNew(); // a fresh cursor: a browser coming from another instance is rarely ahead of it
      const set = this.listeners.get(principal) ?? new Set<PushListener>();
      set.add(listener);
      this.listeners.set(principal, set);
      const close = () => {
        set.delete(listener);
        if (set.size === 0 && this.listeners.get(principal) === set) {
          this.listeners.delete(principal);
        }
      };
      return { cursor: this.lastSeen, close };
    });
  }

  async since(principal: string, cursor: number): Promise<readonly PushEntry[]> {
    await this.writer.flushed();
    const { rows } = await this.pool.query<{ id: string; card: string }>(q.SINCE, [
      principal,
      Math.max(0, Math.floor(cursor)),
      this.capacity,
    ]);
    return rows.flatMap((row) => {
      const card = this.parse(row.card);
      return card === null ? [] : [{ cursor: Number(row.id), card }];
    });
  }

  async recentCards(principal: string): Promise<readonly Card[]> {
    await this.writer.flushed();
    const { rows } = await this.pool.query<{ card: string }>(q.RECENT, [principal, this.capacity]);
    return rows.flatMap((row) => this.parse(row.card) ?? []);
  }

  async wasSent(principal: string, callId: string): Promise<boolean> {
    await this.writer.flushed();
    const { rows } = await this.pool.query<{ sent: boolean }>(q.WAS_SENT, [principal, callId, this.capacity]);
    return rows[0]?.sent === true;
  }

  /** Writes what is queued (one attempt), stops listening and closes the connections. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    await this.writer.close();
    this.closed = true;
    for (const timer of this.timers) {
      clearInterval(timer);
    }
    await this.listener.close();
    await this.deliveries.catch(() => {});
    await this.pool.end();
  }

  /** Removes rows past each agent's capacity or the retention; returns how many. */
  async prune(): Promise<number> {
    const oldest = this.now() - (this.options.retentionMs ?? 7 * 24 * 3_600_000);
    const result = await this.pool.query(q.PRUNE, [this.capacity, oldest]);
    return result.rowCount ?? 0;
  }

  private async start(): Promise<void> {
    await this.listener.start(); // before reading the newest id: anything committed later notifies
    const { rows } = await this.pool.query<{ id: string }>(q.NEWEST_ID);
    this.lastSeen = Math.max(this.lastSeen, Number(rows[0]?.id ?? 0));
    this.registerMetrics();
    const every = (ms: number, work: () => void) => {
      const timer = setInterval(work, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.pruneEveryMs ?? 60_000, () => {
      this.prune().catch((error: unknown) => this.options.log.warn({ err: error }, 'push hub: prune failed'));
    });
    every(this.options.pollEveryMs ?? 5_000, () => this.fetchSoon());
  }

  // ---- delivering ----

  private inOrder<T>(work: () => Promise<T>): Promise<T> {
    const run = this.deliveries.then(work, work);
    this.deliveries = run.catch(() => {});
    return run;
  }

  /** One fetch after every burst of notifications (a fetch already waiting covers them all). */
  private fetchSoon(): void {
    if (this.fetchQueued || this.closed) {
      return;
    }
    this.fetchQueued = true;
    void this.inOrder(async () => {
      this.fetchQueued = false;
      await this.fetchNew();
    }).catch((error: unknown) => {
      this.counters.fetchFailures += 1;
      this.options.log.warn({ err: error }, 'push hub: fetching new cards failed; the next notice retries');
    });
  }

  /** Notifications are handled in order, after any fetch or subscription already queued. */
  private received(payload: string): void {
    this.inbox.push(payload);
    if (this.inbox.length > 1 || this.closed) {
      return; // a drain is already queued: it takes this one too
    }
    void this.inOrder(async () => {
      const payloads = this.inbox;
      this.inbox = [];
      for (const payload of payloads) {
        const notice = parseNotice(payload);
        if (notice !== null && notice.max <= this.lastSeen) {
          continue; // a fetch already brought these rows
        }
        if (notice?.rows !== undefined && notice.prev === this.lastSeen) {
          this.dispatch(notice.rows);
        } else {
          await this.fetchNew();
        }
        if (notice?.sent !== undefined) {
          this.deliverySeconds?.observe(Math.max(0, epochMs() - notice.sent) / 1000);
        }
      }
    }).catch((error: unknown) => {
      this.counters.fetchFailures += 1;
      this.options.log.warn({ err: error }, 'push hub: fetching new cards failed; the next notice retries');
    });
  }

  /** Delivers every row after `lastSeen` to this instance's subscribers; run only through inOrder(). */
  private async fetchNew(): Promise<void> {
    for (;;) {
      const { rows } = await this.pool.query<{ id: string; principal: string; card: string }>(q.FETCH_AFTER, [
        this.lastSeen,
        FETCH_LIMIT,
      ]);
      this.counters.fetches += 1;
      this.dispatch(rows.map((row) => [Number(row.id), row.principal, row.card] as const));
      if (rows.length < FETCH_LIMIT) {
        return;
      }
    }
  }

  /** Hands rows (in id order, all after `lastSeen`) to the local subscribers of their agents. */
  private dispatch(rows: readonly (readonly [number, string, string])[]): void {
    // One object per distinct card text: the sockets' encoder caches by object, so a card sent to several
    // agents is encoded once here too.
    const parsed = new Map<string, Card | null>();
    for (const [id, principal, text] of rows) {
      this.lastSeen = id;
      const set = this.listeners.get(principal);
      if (set === undefined) {
        continue;
      }
      let card = parsed.get(text);
      if (card === undefined) {
        card = this.parse(text);
        parsed.set(text, card);
      }
      if (card !== null) {
        const entry = { cursor: id, card };
        for (const listener of set) {
          listener(entry);
        }
      }
    }
  }

  /** Rows are our own writes, but they come from outside the process: a bad one is skipped and counted. */
  private parse(text: string): Card | null {
    const result = cardSchema.safeParse(parseJson(text));
    if (result.success) {
      return result.data;
    }
    this.counters.badRows += 1;
    return null;
  }

  private registerMetrics(): void {
    const registry = this.options.registry;
    if (registry === undefined) {
      return;
    }
    const counters = this.counters;
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    counter(
      'screenpop_push_hub_write_failures_total',
      'Card batches the push hub failed to write (retried)',
      () => counters.writeFailures,
    );
    counter(
      'screenpop_push_hub_fetch_failures_total',
      'Push hub fetches of new cards that failed',
      () => counters.fetchFailures,
    );
    counter(
      'screenpop_push_hub_listen_lost_total',
      'Times the push hub lost its LISTEN connection',
      () => counters.listenLost,
    );
    counter('screenpop_push_hub_dropped_total', 'Card updates the push hub dropped', () => counters.dropped);
    counter(
      'screenpop_push_hub_bad_rows_total',
      'Stored cards that did not parse (skipped)',
      () => counters.badRows,
    );
    // From 1 ms: the goal of several instances is a 10-ms hop; the top buckets show a database that stalls.
    const buckets = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
    this.writeSeconds = new Histogram({
      name: 'screenpop_push_hub_write_seconds',
      help: "From a batch's oldest card published on this instance to its write's commit (one INSERT + NOTIFY)",
      buckets,
      registers: [registry],
    });
    this.deliverySeconds = new Histogram({
      name: 'screenpop_push_hub_delivery_seconds',
      help: "From the writer sending a batch to this instance handing its rows to the local sockets (writer's clock)",
      buckets,
      registers: [registry],
    });
    const pending = () => this.writer.size;
    new Gauge({
      name: 'screenpop_push_hub_pending_cards',
      help: 'Card updates waiting to be written to PostgreSQL',
      registers: [registry],
      collect() {
        this.set(pending());
      },
    });
  }
}

interface Notice {
  /** The writer's wall clock when it sent the batch (epoch ms); absent from an older version's notice. */
  readonly sent?: number;
  readonly prev: number;
  readonly max: number;
  readonly rows?: readonly (readonly [number, string, string])[];
}

/** The payload push-sql.ts writes; anything else (an older version's bare id) is null and leads to a fetch. */
function parseNotice(payload: string): Notice | null {
  const value = parseJson(payload) as {
    sent?: unknown;
    prev?: unknown;
    max?: unknown;
    rows?: unknown;
  } | null;
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const { sent, prev, max, rows } = value;
  if (typeof prev !== 'number' || typeof max !== 'number') {
    return null;
  }
  const isRow = (row: unknown): row is [number, string, string] =>
    Array.isArray(row) &&
    typeof row[0] === 'number' &&
    typeof row[1] === 'string' &&
    typeof row[2] === 'string';
  const at = typeof sent === 'number' ? { sent } : {};
  return Array.isArray(rows) && rows.every(isRow) ? { ...at, prev, max, rows } : { ...at, prev, max };
}
