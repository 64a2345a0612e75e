// Runs outbox delivery loops: one per key (a webhook endpoint, a CRM writer), each draining due rows and idling
// until woken or polled, plus a prune timer. The webhook and CRM deliverers share it; only their drain differs.

export interface OutboxLoopsOptions<K> {
  /** One loop per key, drained in this order by drainAll(). */
  readonly keys: readonly K[];
  /** Claims and attempts due rows for one key until none is left or the signal aborts; returns the attempts made. */
  readonly drain: (key: K, signal: AbortSignal) => Promise<number>;
  /** Log fields naming a key when its loop fails (e.g. `{ endpoint: name }`). */
  readonly describe: (key: K) => object;
  /** Log message when a loop's drain throws. */
  readonly failedMessage: string;
  readonly log: { warn(fields: object, message: string): void };
  /** How often an idle loop looks for due rows (retries, other instances' rows), ms. */
  readonly pollMs?: number;
  /** Drops settled rows; run every pruneEveryMs while started. */
  readonly prune: () => Promise<unknown>;
  readonly pruneEveryMs: number;
  /** Log message when a prune throws. */
  readonly pruneFailedMessage: string;
}

export class OutboxLoops<K> {
  private readonly wakers = new Set<() => void>();
  private readonly loops: Promise<void>[] = [];
  private readonly stopping = new AbortController();
  private pruner: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: OutboxLoopsOptions<K>) {}

  /** Aborted by stop(): attempts in flight are cut short with it. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** One loop per key, until stop(). */
  start(): void {
    for (const key of this.options.keys) {
      this.loops.push(this.loop(key));
    }
    this.pruner = setInterval(() => void this.prune(), this.options.pruneEveryMs);
    this.pruner.unref();
  }

  /** New rows were queued: idle loops look now instead of at their next poll. */
  wake(): void {
    for (const wake of [...this.wakers]) {
      wake();
    }
  }

  /** Drains every key once, in order; returns how many attempts were made. */
  async drainAll(): Promise<number> {
    let attempts = 0;
    for (const key of this.options.keys) {
      attempts += await this.options.drain(key, this.stopping.signal);
    }
    return attempts;
  }

  /** Stops the loops and the prune timer; resolves when every loop has returned. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.pruner !== null) {
      clearInterval(this.pruner);
    }
    this.wake();
    await Promise.all(this.loops);
  }

  private async loop(key: K): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        if ((await this.options.drain(key, this.stopping.signal)) > 0) {
          continue;
        }
      } catch (error) {
        this.options.log.warn({ err: error, ...this.options.describe(key) }, this.options.failedMessage);
      }
      await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs ?? 1000);
      this.wakers.add(done);
      if (this.stopping.signal.aborted) {
        done();
      }
    });
  }

  private async prune(): Promise<void> {
    try {
      await this.options.prune();
    } catch (error) {
      this.options.log.warn({ err: error }, this.options.pruneFailedMessage);
    }
  }
}
