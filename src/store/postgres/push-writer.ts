// The push hub's writer: publish() queues, one query per tick writes the queue and notifies (push-sql.ts).
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Card } from '../../shared/messages.ts';
import * as q from './push-sql.ts';

export interface PushHubCounters {
  /** Batches written (one INSERT each) and batches that failed (retried). */
  batches: number;
  writeFailures: number;
  /** Fetches after a notification, and those that failed (the next notification or poll catches up). */
  fetches: number;
  fetchFailures: number;
  /** Times the LISTEN connection was lost. */
  listenLost: number;
  /** Rows whose card did not parse (skipped). */
  badRows: number;
  /** Card updates dropped: refused by the database for their content, or queued too long while it was away. */
  dropped: number;
}

interface Pending {
  readonly principal: string;
  readonly card: Card;
}

const RETRY_MS = [50, 200, 1_000, 5_000];
/** Past this many waiting (agent, call) pairs while the database is away, the oldest are dropped and counted. */
const MAX_PENDING = 100_000;

/**
 * Keeps the latest version of each queued (agent, call) in update order, so a batch holds each once; a failed
 * write is retried with what was queued meanwhile (newer versions still win, the order per call holds).
 */
export class CardWriter {
  private pending = new Map<string, Pending>();
  /** performance.now() when the oldest card of `pending` was queued (null: nothing queued). */
  private queuedAt: number | null = null;
  /** Writes run one after another; flushed() waits on the tail. */
  private writes: Promise<void> = Promise.resolve();
  private writeScheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retries = 0;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly counters: PushHubCounters,
    private readonly log: Pick<Logger, 'info' | 'warn' | 'error'>,
    private readonly now: () => number,
    /** Each written batch: seconds from its oldest card's publish() to the database's answer (/metrics). */
    private readonly written: (seconds: number) => void = () => {},
  ) {}

  /** Card updates waiting to be written. */
  get size(): number {
    return this.pending.size;
  }

  publish(principals: readonly string[], card: Card): void {
    if (this.closed) {
      return;
    }
    for (const principal of principals) {
      // The batch goes as one query string, which ends at a NUL byte (PostgreSQL text cannot hold one anyway);
      // the card's JSON escapes its own, these two go in raw.
      // A version goes in as digits: anything but a safe integer would break the query, not just this row.
      if (
        principal.includes('\u0000') ||
        card.callId.includes('\u0000') ||
        !Number.isSafeInteger(card.version)
      ) {
        this.dropBad(
          [{ principal, card }],
          new Error('NUL byte in principal or call id, or a version not an integer'),
        );
        continue;
      }
      const key = `${principal}\n${card.callId}`;
      const queued = this.pending.get(key);
      if (queued !== undefined && queued.card.version >= card.version) {
        continue;
      }
      this.pending.delete(key); // re-added at the end: the batch keeps update order
      this.pending.set(key, { principal, card });
      this.queuedAt ??= performance.now();
    }
    this.trimPending();
    this.scheduleWrite();
  }

  /** Resolves once everything queued before the call has had a write attempt (not necessarily a success). */
  flushed(): Promise<void> {
    return this.pending.size > 0 && this.retryTimer === null ? this.queueWrite() : this.writes;
  }

  /** One last attempt at what is queued; later publishes are ignored. */
  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
    }
    if (this.pending.size > 0) {
      this.log.warn({ cards: this.pending.size }, 'push hub: closing with unwritten cards');
    }
  }

  private scheduleWrite(): void {
    if (this.writeScheduled || this.retryTimer !== null) {
      return;
    }
    this.writeScheduled = true;
    setImmediate(() => {
      this.writeScheduled = false;
      void this.queueWrite();
    });
  }

  private queueWrite(): Promise<void> {
    this.writes = this.writes.then(() => this.writeBatch());
    return this.writes;
  }

  private async writeBatch(): Promise<void> {
    if (this.pending.size === 0) {
      return;
    }
    const batch = this.pending;
    const queuedAt = this.queuedAt ?? performance.now();
    this.pending = new Map();
    this.queuedAt = null;
    const items = [...batch.values()];
    try {
      await this.insert(items);
      this.counters.batches += 1;
      this.retries = 0;
      this.written((performance.now() - queuedAt) / 1000);
    } catch (error) {
      this.counters.writeFailures += 1;
      if (isBadData(error) && items.length > 1) {
        await this.writeEachAlone(batch);
        return;
      }
      if (isBadData(error)) {
        this.dropBad(items, error);
        return;
      }
      this.log.error({ err: error, cards: items.length }, 'push hub: writing cards failed, retrying');
      this.requeue(batch);
    }
  }

  /**
   * A batch the database refuses for its content (e.g. a NUL byte in a principal) would fail on every retry and
   * hold up every card behind it: the rows go one by one, the refused ones are dropped and counted.
   */
  private async writeEachAlone(batch: Map<string, Pending>): Promise<void> {
    for (const [key, item] of batch) {
      try {
        await this.insert([item]);
        batch.delete(key);
      } catch (error) {
        if (!isBadData(error)) {
          this.requeue(batch); // the database went away meanwhile: retry the rest later
          return;
        }
        batch.delete(key);
        this.dropBad([item], error);
      }
    }
    this.counters.batches += 1;
  }

  private dropBad(items: readonly Pending[], error: unknown): void {
    this.counters.dropped += items.length;
    for (const item of items) {
      this.log.error(
        { err: error, callId: item.card.callId },
        'push hub: the database refused a card; dropped',
      );
    }
  }

  private async insert(items: readonly Pending[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      const rows = items.map(({ principal, card }) => ({
        principal,
        callId: card.callId,
        version: card.version,
        json: JSON.stringify(card),
      }));
      const sql = q.writeBatch(rows, this.now(), epochMs(), this.channel, q.quoteLiteral);
      await client.query(sql);
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      client.release(error instanceof Error ? error : true); // the connection may be broken: do not reuse
      throw error;
    }
  }

  /** Puts a failed batch back before what was published meanwhile (newer versions still win). */
  private requeue(batch: Map<string, Pending>): void {
    for (const [key, item] of this.pending) {
      const old = batch.get(key);
      if (old === undefined || old.card.version < item.card.version) {
        batch.delete(key);
        batch.set(key, item);
      }
    }
    this.pending = batch;
    this.queuedAt ??= performance.now(); // the batch's wait counts from here on: its failure is counted apart
    this.trimPending();
    if (this.closed || this.retryTimer !== null) {
      return;
    }
    const wait = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)] ?? 5_000;
    this.retries += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.queueWrite();
    }, wait);
    this.retryTimer.unref();
  }

  private trimPending(): void {
    let dropped = 0;
    for (const key of this.pending.keys()) {
      if (this.pending.size <= MAX_PENDING) {
        break;
      }
      this.pending.delete(key);
      dropped += 1;
    }
    if (dropped > 0) {
      this.counters.dropped += dropped;
      this.log.error({ dropped }, 'push hub: database unreachable too long, oldest cards dropped');
    }
  }
}

/** Wall-clock ms with a fraction, for the notifications' `sent` (another process on the host compares it). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** SQLSTATE class 22 (data exception) or 23 (constraint): the rows, not the database, are at fault. */
function isBadData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
