// Writes ended calls to the call log once: after a settle time (and their missing states), with retries.
import type { CallMetrics } from './call-metrics.ts';
import type { TraceStore } from './call-trace.ts';
import type { CallLogWriter, Clock } from './ports.ts';
import type { Call } from './types.ts';

/** pino-compatible; the tracker logs only what needs a person (a call that could not be logged). */
export interface TrackerLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** One ended call waiting to be written; the tracker keeps it up to date while history may still arrive. */
export interface LogJob {
  readonly callId: string;
  /** The call as it stands now. */
  current(): Call;
  /** Sequence numbers below the newest that the call has not seen. */
  holes(): number;
  /** The write starts: history can no longer be added. */
  seal(): void;
  /** Set while the write waits for holes; the tracker calls it once they are filled. */
  wake: (() => void) | null;
}

export interface LogQueueOptions {
  readonly settleMs: number;
  readonly gapWaitMs: number;
  readonly attempts: number;
  readonly retryBaseMs: number;
}

export interface LogQueueDeps {
  readonly log: CallLogWriter | null;
  readonly clock: Clock;
  readonly traces: TraceStore;
  readonly metrics: CallMetrics;
  readonly logger: TrackerLogger;
}

export class CallLogQueue {
  readonly #pending = new Set<Promise<void>>();
  readonly #waiting = new Set<() => void>();
  #hurry = false;

  constructor(
    private readonly options: LogQueueOptions,
    private readonly deps: LogQueueDeps,
  ) {}

  /** Starts the wait-then-write of one ended call. */
  schedule(job: LogJob): void {
    const log = this.deps.log;
    if (log === null) {
      return;
    }
    const write = this.#settled(job)
      .then(() => {
        job.seal();
        return this.#writeWithRetry(log, job.current());
      })
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }

  /** Resolves once every write scheduled so far has finished (written or given up). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) {
      await Promise.all([...this.#pending]);
    }
  }

  /** Cuts every wait short (shutdown) and resolves once everything is written. */
  async close(): Promise<void> {
    this.#hurry = true;
    for (const wake of [...this.#waiting]) {
      wake();
    }
    await this.flush();
  }

  async #settled(job: LogJob): Promise<void> {
    if (!this.#hurry) {
      await this.#waitable(this.options.settleMs).done;
    }
    if (job.holes() === 0 || this.#hurry) {
      return;
    }
    this.#trace(job.callId, `waiting for ${job.holes()} missing states before logging`);
    const waiter = this.#waitable(Math.max(0, this.options.gapWaitMs - this.options.settleMs));
    job.wake = waiter.wake;
    await waiter.done;
    job.wake = null;
  }

  /** A timer that close() can cut short. */
  #waitable(ms: number): { done: Promise<void>; wake: () => void } {
    let wake = (): void => {};
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => wake(), ms);
      wake = () => {
        clearTimeout(timer);
        this.#waiting.delete(wake);
        resolve();
      };
      this.#waiting.add(wake);
    });
    return { done, wake };
  }

  async #writeWithRetry(log: CallLogWriter, call: Call): Promise<void> {
    const { attempts, retryBaseMs } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await log.writeEndedCall(call);
        this.#trace(call.id, 'written to the call log');
        return;
      } catch (error) {
        this.deps.metrics.logWriteFailures.inc();
        const message = error instanceof Error ? error.message : String(error);
        this.#trace(call.id, `call log write ${attempt}/${attempts} failed: ${message}`);
        if (attempt >= attempts) {
          this.deps.metrics.logWritesAbandoned.inc();
          this.deps.logger.error({ err: error, callId: call.id }, 'ended call not written to the call log');
          return;
        }
        this.deps.logger.warn({ err: error, callId: call.id, attempt }, 'call log write failed, retrying');
        await new Promise((resolve) => setTimeout(resolve, retryBaseMs * 2 ** (attempt - 1)));
      }
    }
  }

  #trace(callId: string, message: string): void {
    this.deps.traces.add(callId, { at: this.deps.clock.now(), kind: 'log', message });
  }
}
