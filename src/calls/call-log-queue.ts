// Writes ended calls to the call log once: after a settle time (and their missing states), then via the backlog.
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

/** A call between its end and its row: `done` resolves once the row is written or dropped. */
interface Pending {
  readonly done: Promise<void>;
  readonly resolve: () => void;
}

export class CallLogQueue {
  /** Every ended call whose row is not in the store yet (settling, or waiting for the store). */
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
            done: (callId) => this.#done(callId),
          });
    deps.metrics.backlog = () => this.#pending.size;
  }

  /** Ended calls not yet in the call log. */
  get backlog(): number {
    return this.#pending.size;
  }

  /** True while the store refuses call-log writes (from a failure until the next success). */
  get failing(): boolean {
    return this.#backlog?.failing ?? false;
  }

  /** Starts the wait-then-write of one ended call. */
  schedule(job: LogJob): void {
    const backlog = this.#backlog;
    if (backlog === null || this.#pending.has(job.callId)) {
      return;
    }
    let resolve = (): void => {};
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    this.#pending.set(job.callId, { done, resolve });
    void this.#settled(job).then(() => {
      job.seal();
      backlog.push(job.current());
    });
  }

  /**
   * Resolves once this call's row is in the store (or was dropped); at once when no write of it is pending.
   * Costs the same however busy the queue is: it waits for one row, not for the queue to run dry.
   */
  written(callId: string): Promise<void> {
    return this.#pending.get(callId)?.done ?? Promise.resolve();
  }

  /** Resolves once nothing is pending: every row written or dropped. Under steady traffic it may never be. */
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
    const pending = this.#pending.get(callId);
    this.#pending.delete(callId);
    pending?.resolve();
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

  #trace(callId: string, message: string): void {
    this.deps.traces.add(callId, { at: this.deps.clock.now(), kind: 'log', message });
  }
}
