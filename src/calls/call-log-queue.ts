// Writes ended calls to the call log: at once when they end, and again after the settle time (and their missing
// states) only if late history changed them. The first write is what survives a kill -9: a call held back for the
// settle time died with the process, and the next process never hears of it (GoTo lists only live calls).
import { CallLogBacklog } from './call-log-backlog.ts';
import type { BacklogOptions, TrackerLogger } from './call-log-backlog.ts';
import type { CallMetrics } from './call-metrics.ts';
import type { TraceStore } from './call-trace.ts';
import type { CallLogWriter, Clock } from './ports.ts';
import type { Call } from './types.ts';

export type { TrackerLogger } from './call-log-backlog.ts';

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

export interface LogQueueOptions extends BacklogOptions {
  readonly settleMs: number;
  readonly gapWaitMs: number;
  /** close() waits this long for a refusing store before it drops the rows still waiting. */
  readonly closeWaitMs: number;
}

export interface LogQueueDeps {
  readonly log: CallLogWriter | null;
  readonly clock: Clock;
  readonly traces: TraceStore;
  readonly metrics: CallMetrics;
  readonly logger: TrackerLogger;
}

/** A call between its end and its final row. */
interface Pending {
  /** Resolves once the call has a row (its first write landed) or that write was dropped. */
  readonly row: Promise<void>;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export class CallLogQueue {
  /** Every ended call whose final row is not in the store yet (settling, or waiting for the store). */
  readonly #pending = new Map<string, Pending>();
  readonly #waiting = new Set<() => void>();
  readonly #backlog: CallLogBacklog | null;
  /** flush() callers, told when nothing is pending any more. */
  readonly #drained = new Set<() => void>();
  #hurry = false;

  constructor(
    private readonly options: LogQueueOptions,
    private readonly deps: LogQueueDeps,
  ) {
    this.#backlog =
      deps.log === null
        ? null
        : new CallLogBacklog(options, {
            log: deps.log,
            metrics: deps.metrics,
            logger: deps.logger,
            trace: (callId, message) => this.#trace(callId, message),
          });
    deps.metrics.backlog = () => this.#pending.size;
  }

  /** Ended calls whose final row is not in the call log yet. */
  get backlog(): number {
    return this.#pending.size;
  }

  /** True while the store refuses call-log writes (from a failure until the next success). */
  get failing(): boolean {
    return this.#backlog?.failing ?? false;
  }

  /** Writes one ended call now, and again once settled if late history changed it. */
  schedule(job: LogJob): void {
    const backlog = this.#backlog;
    if (backlog === null || this.#pending.has(job.callId)) {
      return;
    }
    const row = deferred();
    this.#pending.set(job.callId, { row: row.promise });
    const first = job.current();
    backlog.push(first, row.resolve);
    void this.#settled(job).then(() => {
      job.seal();
      const last = job.current();
      if (last === first) {
        void row.promise.then(() => this.#done(job.callId));
      } else {
        backlog.push(last, () => this.#done(job.callId));
      }
    });
  }

  /**
   * Resolves once this call has a row in the store (or its write was dropped); at once when none is pending.
   * Costs the same however busy the queue is: it waits for one row, not for the queue to run dry.
   */
  written(callId: string): Promise<void> {
    return this.#pending.get(callId)?.row ?? Promise.resolve();
  }

  /** Resolves once nothing is pending: every final row written or dropped. Under steady traffic it may never be. */
  flush(): Promise<void> {
    if (this.#pending.size === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#drained.add(resolve));
  }

  /**
   * Cuts every wait short (shutdown) and resolves once everything is written, or once `closeWaitMs` passed
   * with the store still refusing: the rows left are then dropped, each logged with its call id.
   */
  async close(): Promise<void> {
    this.#hurry = true;
    for (const wake of [...this.#waiting]) {
      wake();
    }
    const gaveUp = this.#waitable(this.options.closeWaitMs);
    await Promise.race([this.flush(), gaveUp.done]);
    gaveUp.wake();
    this.#backlog?.stop();
    await this.flush();
  }

  #done(callId: string): void {
    this.#pending.delete(callId);
    if (this.#pending.size === 0) {
      for (const resolve of this.#drained) {
        resolve();
      }
      this.#drained.clear();
    }
  }

  async #settled(job: LogJob): Promise<void> {
    if (!this.#hurry) {
      await this.#waitable(this.options.settleMs).done;
    }
    if (job.holes() === 0 || this.#hurry) {
      return;
    }
    this.#trace(job.callId, `waiting for ${job.holes()} missing states before the final write`);
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

  #trace(callId: string, message: string): void {
    this.deps.traces.add(callId, { at: this.deps.clock.now(), kind: 'log', message });
  }
}
