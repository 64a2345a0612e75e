// The live calls: de-duplicates and orders events, runs the state machine, emits changes, logs ended calls.
import type { Registry } from 'prom-client';
import { BoundedSet } from './bounded-set.ts';
import { CallLogQueue } from './call-log-queue.ts';
import type { LogJob, TrackerLogger } from './call-log-queue.ts';
import { CallMetrics } from './call-metrics.ts';
import { applyEvent, endCall } from './call-state.ts';
import type { Transition } from './call-state.ts';
import { TraceStore } from './call-trace.ts';
import type { CallTrace, EventVerdict, TraceEntry, TraceOptions } from './call-trace.ts';
import { LineDevices } from './line-devices.ts';
import { systemClock } from './ports.ts';
import type { CallEventSink, CallLogWriter, Clock } from './ports.ts';

export type { TrackerLogger } from './call-log-queue.ts';
import type { Call, CallChange, CallEvent, CallSnapshotEvent, LegEvent } from './types.ts';

export interface CallTrackerOptions {
  readonly clock?: Clock;
  /** Where ended calls go; none = not written anywhere. */
  readonly callLog?: CallLogWriter;
  /** How long an ended call stays in the live map (cards show "ended" for a while). Default 60 s. */
  readonly endedGraceMs?: number;
  /** Ended call ids remembered after they leave the live map, so late events cannot resurrect them. */
  readonly endedIdsLimit?: number;
  /** Notification ids / dialog entities remembered for de-duplication. */
  readonly dedupeLimit?: number;
  /**
   * How long after its end a call still takes history from a state that ENDING overtook (a reordered answer),
   * and so how long the call-log write waits. Default 1,000 ms.
   */
  readonly settleMs?: number;
  /**
   * A Call Events call that ends with holes in its sequence (states dropped; the source fetches them) waits up
   * to this long for them before it is logged, taking their history meanwhile. Default 30,000 ms.
   */
  readonly gapWaitMs?: number;
  /**
   * When a source gives no `requestedAt` with a recovery, calls heard from this recently are not ended for
   * missing from the list (they may have started while it was fetched). Default 2,000 ms.
   */
  readonly recoveryGraceMs?: number;
  /** First retry delay of a refused call-log write, doubled per failure in a row. Default 200 ms. */
  readonly logRetryBaseMs?: number;
  /** The retry delay is capped here: rows are retried until the store takes them. Default 5,000 ms. */
  readonly logRetryMaxMs?: number;
  /** Ended calls held while the store refuses writes; past it the oldest is dropped and counted. Default 100,000. */
  readonly logBacklogLimit?: number;
  /** close() waits this long for a refusing store before dropping what is left. Default 10,000 ms. */
  readonly logCloseWaitMs?: number;
  /** The live map and traces are swept this often even when no event arrives; 0 = only on events. Default 5,000 ms. */
  readonly sweepEveryMs?: number;
  readonly trace?: TraceOptions;
  readonly registry?: Registry;
  readonly logger?: TrackerLogger;
}

export type ChangeListener = (change: CallChange) => void;

interface Entry {
  /** Null only while the first event is being applied. */
  call: Call | null;
  /** Highest Call Events sequence number applied; -1 for none. */
  lastSeq: number;
  readonly seqs: Set<number>;
  /** Realtime device states; created on the first leg event. */
  devices: LineDevices | null;
  /** Clock time of the last event received for this call. */
  touched: number;
  /** Clock time the call ended; null while live. */
  endedClock: number | null;
  /** The call-log write has started: history can no longer be added. */
  sealed: boolean;
  /** The pending call-log write, once ended. */
  job: LogJob | null;
}

/** Sequence numbers below the newest that this call has not seen (Call Events numbers states 1..n). */
function holes(entry: Entry): number {
  return entry.lastSeq < 0 ? 0 : entry.lastSeq - entry.seqs.size;
}

const NOBODY: TrackerLogger = { warn: () => {}, error: () => {} };

export class CallTracker implements CallEventSink {
  readonly metrics: CallMetrics;
  readonly #clock: Clock;
  readonly #logger: TrackerLogger;
  readonly #logQueue: CallLogQueue;
  readonly #graceMs: number;
  readonly #settleMs: number;
  readonly #gapWaitMs: number;
  readonly #recoveryGraceMs: number;
  readonly #live = new Map<string, Entry>();
  /** Ended calls still in the live map, in the order they ended: [callId, clock time]; read from #endedHead. */
  #endedQueue: [string, number][] = [];
  #endedHead = 0;
  readonly #ended: BoundedSet<string>;
  readonly #notifications: BoundedSet<string>;
  readonly #entities: BoundedSet<string>;
  readonly #listeners = new Set<ChangeListener>();
  readonly #traces: TraceStore;
  readonly #notes: TraceEntry[] = [];
  #sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(options: CallTrackerOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? NOBODY;
    this.#graceMs = options.endedGraceMs ?? 60_000;
    this.#settleMs = options.settleMs ?? 1_000;
    this.#gapWaitMs = options.gapWaitMs ?? 30_000;
    this.#recoveryGraceMs = options.recoveryGraceMs ?? 2_000;
    this.#ended = new BoundedSet(options.endedIdsLimit ?? 50_000);
    this.#notifications = new BoundedSet(options.dedupeLimit ?? 100_000);
    this.#entities = new BoundedSet(options.dedupeLimit ?? 100_000);
    this.#traces = new TraceStore(options.trace);
    this.metrics = new CallMetrics(options.registry);
    this.metrics.traced = () => this.#traces.size;
    this.#logQueue = new CallLogQueue(
      {
        settleMs: this.#settleMs,
        gapWaitMs: this.#gapWaitMs,
        retryBaseMs: options.logRetryBaseMs ?? 200,
        retryMaxMs: options.logRetryMaxMs ?? 5_000,
        limit: options.logBacklogLimit ?? 100_000,
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
    return [...this.#live.values()].flatMap((e) => (e.call === null ? [] : [e.call]));
  }

  trace(callId: string): CallTrace | null {
    return this.#traces.get(callId, this.#clock.now());
  }

  /** Source notes that named no call (socket closed, channel refreshed...), oldest first. */
  notes(): readonly TraceEntry[] {
    return this.#notes;
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

  /** Ended calls not yet in the call log (settling, or waiting for the store). */
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
    this.#note({ at: now, kind: 'recovery', reason });
    const listed = new Set<string>();
    const since = requestedAt ?? now - this.#recoveryGraceMs;
    for (const event of active) {
      listed.add(event.callId);
      this.#traces.add(event.callId, { at: now, kind: 'recovery', reason });
      this.#ingest(event, true);
    }
    for (const entry of [...this.#live.values()]) {
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
      this.#note(entry);
    } else {
      this.#traces.add(callId, entry);
    }
  }

  /** Drops ended calls past their grace period and traces past their retention. Runs on every event too. */
  sweep(): void {
    this.#sweep();
  }

  #ingest(event: CallEvent, recovery: boolean): void {
    const now = this.#clock.now();
    const record = this.#traces.event(event.callId, now, event);
    const verdict = this.#dispatch(event, now, recovery);
    record.verdict = verdict;
    switch (verdict) {
      case 'duplicate':
        if (!recovery) {
          this.metrics.duplicates[event.source].inc();
        }
        break;
      case 'older':
      case 'after-end':
        this.metrics.outOfOrder[event.source].inc();
        break;
      case 'applied':
      case 'no-change':
        break;
      default: {
        const never: never = verdict;
        throw new Error(`unknown verdict ${String(never)}`);
      }
    }
  }

  #dispatch(event: CallEvent, now: number, recovery: boolean): EventVerdict {
    const entry = this.#live.get(event.callId);
    if (entry === undefined && this.#ended.has(event.callId)) {
      return this.#seenBefore(event) ? 'duplicate' : 'after-end';
    }
    switch (event.kind) {
      case 'snapshot':
        return this.#snapshot(entry, event, now, recovery);
      case 'leg':
        return this.#leg(entry, event, now);
      default: {
        const never: never = event;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  /** Marks the event's identity as seen; true when it had been seen before. */
  #seenBefore(event: CallEvent): boolean {
    if (event.kind === 'leg') {
      // withdraw repeats the entityId of the last replace: the state tells them apart.
      return !this.#entities.add(`${event.entityId}\u0000${event.leg.state}`);
    }
    return event.notificationId !== null && !this.#notifications.add(event.notificationId);
  }

  #snapshot(
    entry: Entry | undefined,
    event: CallSnapshotEvent,
    now: number,
    recovery: boolean,
  ): EventVerdict {
    const seenId = this.#seenBefore(event);
    if (seenId || entry?.seqs.has(event.seq) === true) {
      return 'duplicate';
    }
    // ENDING is terminal whatever its number; any other state older than the newest applied is history only.
    const older = entry !== undefined && event.seq < entry.lastSeq && event.stateType !== 'ENDING';
    const endedClock = entry?.endedClock ?? null;
    const amendEnded = endedClock !== null && older && this.#amendable(entry!, now);
    if (endedClock !== null && !amendEnded) {
      return 'after-end';
    }
    const target = entry ?? this.#newEntry(now);
    target.seqs.add(event.seq);
    target.lastSeq = Math.max(target.lastSeq, event.seq);
    target.touched = recovery ? target.touched : now;
    const changed = this.#commit(target, applyEvent(target.call, event, { older, amendEnded }));
    if (amendEnded && holes(target) === 0) {
      target.job?.wake?.();
    }
    if (older) {
      return 'older';
    }
    return changed ? 'applied' : 'no-change';
  }

  #leg(entry: Entry | undefined, event: LegEvent, now: number): EventVerdict {
    if (this.#seenBefore(event)) {
      return 'duplicate';
    }
    if (entry?.call?.phase === 'ended') {
      return 'after-end';
    }
    const target = entry ?? this.#newEntry(now);
    target.devices ??= new LineDevices();
    const merged = target.devices.update(event.leg.lineId, event.legId, event.leg.state);
    if (merged.kind === 'regressed') {
      return 'older';
    }
    target.touched = now;
    const lineEvent =
      merged.lineState === event.leg.state
        ? event
        : { ...event, leg: { ...event.leg, state: merged.lineState } };
    return this.#commit(target, applyEvent(target.call, lineEvent)) ? 'applied' : 'no-change';
  }

  /** Not in the live map until its first transition commits it. */
  #newEntry(now: number): Entry {
    return {
      call: null,
      lastSeq: -1,
      seqs: new Set(),
      devices: null,
      touched: now,
      endedClock: null,
      sealed: false,
      job: null,
    };
  }

  /** An ended call still takes history during the settle time, or while its sequence holes may yet fill. */
  #amendable(entry: Entry, now: number): boolean {
    if (entry.sealed || entry.endedClock === null) {
      return false;
    }
    const since = now - entry.endedClock;
    return since <= this.#settleMs || (holes(entry) > 0 && since <= this.#gapWaitMs);
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
    this.#traces.add(transition.call.id, {
      at: now,
      kind: 'transition',
      version: transition.call.version,
      phase: transition.call.phase,
      reasons: transition.reasons,
    });
    this.metrics.changes.inc();
    if (newlyEnded) {
      entry.endedClock = now;
      this.#ended.add(transition.call.id);
      this.#endedQueue.push([transition.call.id, now]);
      this.metrics.callsEnded.inc();
      entry.job = {
        callId: transition.call.id,
        current: () => entry.call!,
        holes: () => holes(entry),
        seal: () => {
          entry.sealed = true;
        },
        wake: null,
      };
      this.#logQueue.schedule(entry.job);
    }
    this.metrics.liveCalls.set(this.#live.size);
    const change: CallChange = { call: transition.call, previous, reasons: transition.reasons };
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.error({ err: error, callId: change.call.id }, 'call change listener failed');
      }
    }
    return true;
  }

  #note(entry: TraceEntry): void {
    this.#notes.push(entry);
    if (this.#notes.length > 500) {
      this.#notes.shift();
    }
  }

  #sweep(): void {
    const now = this.#clock.now();
    const queue = this.#endedQueue;
    while (this.#endedHead < queue.length && queue[this.#endedHead]![1] + this.#graceMs <= now) {
      this.#live.delete(queue[this.#endedHead]![0]);
      this.#endedHead++;
    }
    if (this.#endedHead > 1024 && this.#endedHead * 2 > queue.length) {
      this.#endedQueue = queue.slice(this.#endedHead);
      this.#endedHead = 0;
    }
    this.metrics.liveCalls.set(this.#live.size);
    this.#traces.sweep(now);
  }
}
