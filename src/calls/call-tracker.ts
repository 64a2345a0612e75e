// The live calls: takes events from the sources, runs each call's state machine through the ordering rules, emits
// changes and hands ended calls to the call log. Ordering: event-ordering.ts; the map: live-calls.ts; the log:
// call-log-queue.ts; the trace: call-trace.ts.
import { CallLogQueue } from './call-log-queue.ts';
import type { TrackerLogger } from './call-log-queue.ts';
import { CallMetrics } from './call-metrics.ts';
import { endCall } from './call-state.ts';
import type { Transition } from './call-state.ts';
import { TraceStore, stamped } from './call-trace.ts';
import type { CallTrace, TraceEntry } from './call-trace.ts';
import type { CallTrackerOptions, ChangeListener } from './call-tracker-options.ts';
import { EventOrdering } from './event-ordering.ts';
import { LiveCalls, logJob } from './live-calls.ts';
import type { Entry } from './live-calls.ts';
import { systemClock } from './ports.ts';
import type { CallEventSink, Clock } from './ports.ts';
import type { Call, CallChange, CallEvent } from './types.ts';
import type { TraceAnnotation } from '../shared/trace.ts';

export type { CallTrackerOptions, ChangeListener } from './call-tracker-options.ts';
export type { TrackerLogger } from './call-log-queue.ts';

const NOBODY: TrackerLogger = { warn: () => {}, error: () => {} };

export class CallTracker implements CallEventSink {
  readonly metrics: CallMetrics;
  readonly #clock: Clock;
  readonly #logger: TrackerLogger;
  readonly #logQueue: CallLogQueue;
  readonly #recoveryGraceMs: number;
  readonly #live: LiveCalls;
  readonly #ordering: EventOrdering;
  readonly #listeners = new Set<ChangeListener>();
  readonly #traces: TraceStore;
  #sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(options: CallTrackerOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? NOBODY;
    const settleMs = options.settleMs ?? 1_000;
    const gapWaitMs = options.gapWaitMs ?? 30_000;
    this.#recoveryGraceMs = options.recoveryGraceMs ?? 2_000;
    this.#live = new LiveCalls(options.endedGraceMs ?? 60_000, options.endedIdsLimit ?? 50_000);
    this.#ordering = new EventOrdering(
      this.#live,
      { settleMs, gapWaitMs, dedupeLimit: options.dedupeLimit ?? 100_000 },
      (entry, transition) => this.#commit(entry, transition),
    );
    this.#traces = new TraceStore(options.trace);
    this.metrics = new CallMetrics(options.registry);
    this.metrics.traced = () => this.#traces.size;
    this.#logQueue = new CallLogQueue(
      {
        settleMs,
        gapWaitMs,
        retryBaseMs: options.logRetryBaseMs ?? 200,
        retryMaxMs: options.logRetryMaxMs ?? 5_000,
        limit: options.logBacklogLimit ?? 50_000,
        closeWaitMs: options.logCloseWaitMs ?? 10_000,
      },
      {
        log: options.callLog ?? null,
        clock: this.#clock,
        traces: this.#traces,
        metrics: this.metrics,
        logger: this.#logger,
      },
    );
    const every = options.sweepEveryMs ?? 5_000;
    if (every > 0) {
      // Without it an idle tracker keeps ended calls (and screenpop_calls_live) until the next event.
      this.#sweeper = setInterval(() => this.#sweep(), every);
      this.#sweeper.unref();
    }
  }

  /** Subscribes to changes; returns the unsubscribe function. Listeners run synchronously, in order. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(callId: string): Call | null {
    return this.#live.get(callId)?.call ?? null;
  }

  /** Every call in the live map: live ones and those ended less than the grace period ago. */
  calls(): Call[] {
    return [...this.#live.entries()].flatMap((e) => (e.call === null ? [] : [e.call]));
  }

  trace(callId: string): CallTrace | null {
    return this.#traces.get(callId, this.#clock.now());
  }

  /** How long a call's trace is kept after its last entry, ms. */
  get traceRetentionMs(): number {
    return this.#traces.retentionMs;
  }

  /** Adds what another part did with the call (pops: who got the card; the lookup: what it found). */
  annotate(callId: string, annotation: TraceAnnotation): void {
    this.#traces.add(callId, stamped(annotation, this.#clock.now()));
  }

  /** Source notes that named no call (socket closed, channel refreshed...), oldest first. */
  notes(): readonly TraceEntry[] {
    return this.#traces.notes();
  }

  /**
   * For shutdown: stops the sweep timer, ends the settle and gap waits now, so every ended call is written as it
   * stands, and resolves once every write has finished. Call it before closing the call log's store.
   */
  async close(): Promise<void> {
    if (this.#sweeper !== null) {
      clearInterval(this.#sweeper);
      this.#sweeper = null;
    }
    await this.#logQueue.close();
  }

  /** Resolves once no call-log write is pending. Tests and shutdown only: under traffic it may never resolve. */
  async flush(): Promise<void> {
    await this.#logQueue.flush();
  }

  /** Resolves once this call's row is in the call log (or was dropped); at once when none is pending. */
  written(callId: string): Promise<void> {
    return this.#logQueue.written(callId);
  }

  /** Ended calls whose final row is not in the call log yet (settling, or waiting for the store). */
  get logBacklog(): number {
    return this.#logQueue.backlog;
  }

  /** True while the store refuses call-log writes (readiness). */
  get logWritesFailing(): boolean {
    return this.#logQueue.failing;
  }

  event(event: CallEvent): void {
    this.metrics.events[event.source].inc();
    this.#ingest(event, false);
    this.#sweep();
  }

  recovered(active: readonly CallEvent[], reason: string, requestedAt?: number): void {
    const now = this.#clock.now();
    this.metrics.recoveries.inc();
    this.#traces.note({ at: now, kind: 'recovery', reason });
    const listed = new Set<string>();
    const since = requestedAt ?? now - this.#recoveryGraceMs;
    for (const event of active) {
      listed.add(event.callId);
      this.#traces.add(event.callId, { at: now, kind: 'recovery', reason });
      this.#ingest(event, true);
    }
    for (const entry of [...this.#live.entries()]) {
      const call = entry.call;
      if (call === null || listed.has(call.id) || call.phase === 'ended') {
        continue;
      }
      if (entry.touched > since) {
        continue; // heard from after the list was asked for: it may be newer than the list
      }
      this.#traces.add(call.id, { at: now, kind: 'recovery', reason });
      this.#commit(entry, endCall(call, now, 'recovered: not active'));
    }
    this.#sweep();
  }

  note(message: string, callId?: string): void {
    const entry: TraceEntry = { at: this.#clock.now(), kind: 'note', message };
    if (callId === undefined) {
      this.#traces.note(entry);
    } else {
      this.#traces.add(callId, entry);
    }
  }

  /**
   * This instance stopped ingesting (another one leads now): its calls still in progress are forgotten, neither
   * ended nor written. The leader owns them; were this instance to lead again, a recovery would otherwise end them
   * as "not active" and overwrite the call log rows the other leader wrote. Ended calls still settling are kept.
   */
  forgetLive(reason: string): number {
    const now = this.#clock.now();
    const forgotten = this.#live.forgetUnended();
    for (const callId of forgotten) {
      this.#traces.add(callId, { at: now, kind: 'note', message: `forgotten: ${reason}` });
    }
    this.metrics.liveCalls.set(this.#live.size);
    return forgotten.length;
  }

  /** Drops ended calls past their grace period and traces past their retention. Runs on every event too. */
  sweep(): void {
    this.#sweep();
  }

  #ingest(event: CallEvent, recovery: boolean): void {
    const now = this.#clock.now();
    const record = this.#traces.event(event.callId, now, event);
    record.verdict = this.#ordering.dispatch(event, now, recovery);
    this.metrics.verdict(event.source, record.verdict, recovery);
  }

  /** Stores and emits a transition; false when there was none. */
  #commit(entry: Entry, transition: Transition | null): boolean {
    if (transition === null) {
      return false;
    }
    const previous = entry.call;
    const newlyEnded = transition.call.phase === 'ended' && previous?.phase !== 'ended';
    entry.call = transition.call;
    this.#live.set(transition.call.id, entry);
    const now = this.#clock.now();
    const { call, reasons } = transition;
    this.#traces.add(call.id, {
      at: now,
      kind: 'transition',
      version: call.version,
      phase: call.phase,
      // An exact-size copy: the state machine's array grew by push (room for 17) and the trace keeps it for the
      // retention, ~130 bytes more per transition.
      reasons: reasons.slice(),
    });
    this.metrics.changes.inc();
    if (newlyEnded) {
      this.#ended(entry, call.id, now);
    }
    this.metrics.liveCalls.set(this.#live.size);
    const change: CallChange = { call, previous, reasons };
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.error({ err: error, callId: call.id }, 'call change listener failed');
      }
    }
    return true;
  }

  #ended(entry: Entry, callId: string, now: number): void {
    entry.endedClock = now;
    this.#live.ended(callId, now);
    this.metrics.callsEnded.inc();
    entry.job = logJob(entry, callId);
    this.#logQueue.schedule(entry.job);
  }

  #sweep(): void {
    const now = this.#clock.now();
    this.#live.sweep(now);
    this.metrics.liveCalls.set(this.#live.size);
    this.#traces.sweep(now);
  }
}
