// Settled ended calls on their way to the store: one writer, retried until the store takes them, bounded in memory.
import type { CallMetrics } from './call-metrics.ts';
import type { CallLogWriter } from './ports.ts';
import type { Call } from './types.ts';

/** pino-compatible; the tracker logs only what needs a person (writes failing, a call that could not be logged). */
export interface TrackerLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface BacklogOptions {
  /** First retry delay after a failed write, doubled per failure in a row. */
  readonly retryBaseMs: number;
  /** The retry delay never grows past this: the log catches up within this long of the store answering. */
  readonly retryMaxMs: number;
  /**
   * Rows held while the store refuses them. Past it the oldest row is dropped, counted and logged. An ended call
   * waiting costs ~2.7 KB of heap (measured with its tracker bookkeeping): the default 50,000 is ~135 MB, and
   * 2.8 hours of a database down at 5 calls/s.
   */
  readonly limit: number;
}

export interface BacklogDeps {
  readonly log: CallLogWriter;
  readonly metrics: CallMetrics;
  readonly logger: TrackerLogger;
  readonly trace: (callId: string, message: string) => void;
}

/** Told once per row: written (true) or dropped (false). */
export type RowDone = (written: boolean) => void;

interface Row {
  /** Replaced by a newer version of the call while the row waits. */
  call: Call;
  readonly done: RowDone[];
  failures: number;
}

/**
 * Writes one row at a time, in order. A failed row goes to the back, so one row the store refuses does not hold
 * up the others; the writer then waits (capped back-off) before the next attempt, since a failing store
 * usually fails every row.
 */
export class CallLogBacklog {
  #rows: Row[] = [];
  #head = 0;
  #draining = false;
  /** The row being written: taken off the queue, not yet done. */
  #writing: Row | null = null;
  /** The newest row of each call: a newer version replaces a waiting row, so an older one never lands last. */
  readonly #latest = new Map<string, Row>();
  #stopped = false;
  #failing = false;
  #retryMs: number;
  /** Cuts the back-off wait short (stop). */
  #wake: (() => void) | null = null;
  readonly #idle = new Set<() => void>();

  constructor(
    private readonly options: BacklogOptions,
    private readonly deps: BacklogDeps,
  ) {
    this.#retryMs = options.retryBaseMs;
  }

  /** Rows not yet written, the one being written included. */
  get size(): number {
    return this.#waiting() + (this.#writing === null ? 0 : 1);
  }

  /** True from a failed write until the next one that succeeds. */
  get failing(): boolean {
    return this.#failing;
  }

  push(call: Call, done: RowDone): void {
    const waiting = this.#latest.get(call.id);
    if (waiting !== undefined && waiting !== this.#writing) {
      waiting.call = call;
      waiting.done.push(done);
      return;
    }
    const row: Row = { call, done: [done], failures: 0 };
    if (this.#stopped) {
      this.#drop(row, 'the tracker is closed');
      return;
    }
    this.#latest.set(call.id, row);
    this.#enqueue(row);
    if (!this.#draining) {
      void this.#drain();
    }
  }

  /** Resolves once no row is waiting (now, or when the writer next runs dry). */
  idle(): Promise<void> {
    if (this.size === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  /** Shutdown: drops every row still waiting (each logged) and stops retrying. */
  stop(): void {
    this.#stopped = true;
    while (this.#waiting() > 0) {
      this.#drop(this.#take(), 'shutdown while the store refused writes');
    }
    this.#wake?.();
    this.#settleIdle();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#waiting() > 0 && !this.#stopped) {
      const row = this.#take();
      this.#writing = row;
      const written = await this.#write(row);
      this.#writing = null;
      if (written) {
        this.#retryMs = this.options.retryBaseMs;
        continue;
      }
      const newer = this.#latest.get(row.call.id);
      if (newer !== row && newer !== undefined) {
        newer.done.unshift(...row.done); // a newer version waits: it is this call's row now
      } else if (this.#stopped) {
        this.#drop(row, 'shutdown while the store refused writes');
        break;
      } else {
        this.#enqueue(row);
      }
      await this.#pause(this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, this.options.retryMaxMs);
    }
    this.#draining = false;
    this.#settleIdle();
  }

  async #write(row: Row): Promise<boolean> {
    const { call } = row;
    try {
      await this.deps.log.writeEndedCall(call);
    } catch (error) {
      row.failures++;
      this.deps.metrics.logWriteFailures.inc();
      const message = error instanceof Error ? error.message : String(error);
      this.deps.trace(call.id, `call log write ${row.failures} failed: ${message}`);
      if (!this.#failing) {
        this.deps.logger.warn({ err: error, callId: call.id }, 'call log writes failing, retrying');
      }
      this.#setFailing(true);
      return false;
    }
    this.deps.trace(call.id, 'written to the call log');
    if (this.#failing) {
      this.deps.logger.warn({ callId: call.id, backlog: this.size }, 'call log writes succeed again');
    }
    this.#setFailing(false);
    this.#settle(row, true);
    return true;
  }

  /** Appends the row; past the limit the oldest waiting row is dropped. */
  #enqueue(row: Row): void {
    this.#rows.push(row);
    if (this.#waiting() > this.options.limit) {
      this.#drop(this.#take(), `more than ${this.options.limit} rows waiting for the store`);
    }
  }

  #waiting(): number {
    return this.#rows.length - this.#head;
  }

  #take(): Row {
    const row = this.#rows[this.#head]!;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#rows.length) {
      this.#rows = this.#rows.slice(this.#head);
      this.#head = 0;
    }
    return row;
  }

  #drop(row: Row, why: string): void {
    const callId = row.call.id;
    this.deps.metrics.logWritesAbandoned.inc();
    this.deps.logger.error({ callId, why }, 'ended call not written to the call log');
    this.deps.trace(callId, `not written to the call log: ${why}`);
    this.#settle(row, false);
  }

  #settle(row: Row, written: boolean): void {
    if (this.#latest.get(row.call.id) === row) {
      this.#latest.delete(row.call.id);
    }
    for (const done of row.done) {
      done(written);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#wake?.(), ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }

  #setFailing(failing: boolean): void {
    this.#failing = failing;
    this.deps.metrics.logWritesFailing.set(failing ? 1 : 0);
  }

  #settleIdle(): void {
    if (this.size > 0) {
      return;
    }
    for (const resolve of this.#idle) {
      resolve();
    }
    this.#idle.clear();
  }
}
