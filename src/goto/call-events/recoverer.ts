// Recovery for the Call Events source: after a reconnect or a reconciliation (every call), on a gap (one call).
import type { Logger } from 'pino';
import type { CallEventSink } from '../../calls/ports.ts';
import type { CallEvent, CallSnapshotEvent } from '../../calls/types.ts';
import type { PhoneOptions } from '../../phone/phone.ts';
import { GoToApiError, isTransient } from '../http/api-error.ts';
import { backoffDelay, sleep } from '../backoff.ts';
import { phoneCacheFor } from '../party.ts';
import { fetchActiveCalls, fetchCallStates } from './recovery-reads.ts';
import type { CallMetadata, CallState } from './schema.ts';
import { CallStateError, normalizeCallState } from './state-normalizer.ts';
import type { GoToApi } from '../http/rest-client.ts';
import type { SeenCalls } from './seen-calls.ts';
import type { Gap, SequenceTracker } from './sequence-tracker.ts';
import { describe } from '../auth/token-manager.ts';

export type RecoveryCounter =
  | 'recoveredStates'
  | 'invalid'
  | 'fetchRetries'
  | 'reconciliations'
  | 'reportStates'
  | 'reportSubscriptionFailures';

export interface RecovererDeps {
  readonly api: GoToApi;
  readonly phone: PhoneOptions;
  readonly log: Logger;
  readonly seq: SequenceTracker;
  readonly seen: SeenCalls;
  /** The current sink (null once stopped) and abort signal: both change across start / stop. */
  readonly sink: () => CallEventSink | null;
  readonly signal: () => AbortSignal;
  readonly count: (what: RecoveryCounter, n?: number) => void;
  /** Back-off of a failed recovery read, and how many tries in all (gap fetches, a vanished call's states). */
  readonly retry: { readonly baseMs: number; readonly maxMs: number; readonly attempts: number };
  /** A vanished call whose states are not available any more (404): its report is awaited meanwhile. */
  readonly awaitReport: (callId: string) => Promise<void>;
  /** Whether that report wait is still running (the call is kept live until it ends). */
  readonly reportPending: (callId: string) => boolean;
}

/**
 * Transient, or a 401 that outlasted the REST client's refreshes: each refresh succeeded (a dead grant throws
 * SignInRequiredError instead), so the token expired again before use, and a read lost here loses call states.
 */
function retryable(error: unknown): boolean {
  return isTransient(error) || (error instanceof GoToApiError && error.status === 401);
}

/** Recoveries a vanished call stays live through while its states cannot be read, before recovery ends it blind. */
const MAX_UNREADABLE = 3;

export class CallEventsRecoverer {
  /** Calls with a gap fetch in flight → a further gap found meanwhile (merged), fetched next. */
  readonly #inFlight = new Map<string, Gap | null>();
  /** Calls with a gap fetch in flight → when it and the ones queued behind it are done. */
  readonly #running = new Map<string, Promise<void>>();
  #busy = 0;
  /** Vanished calls whose states could not be read → how many recoveries in a row. */
  readonly #unreadable = new Map<string, number>();

  constructor(private readonly deps: RecovererDeps) {}

  /**
   * Latest state of every active call (→ sink.recovered, with the time of the request), after fetching what each
   * listed call missed and what each call we saw but GoTo no longer lists did until it ended (§6.7).
   */
  async recoverAll(accountKey: string, reason: string): Promise<void> {
    this.#busy++;
    try {
      await this.#recoverAll(accountKey, reason);
    } finally {
      this.#busy--;
    }
  }

  /** True while a recoverAll runs (a reconciliation then has nothing to add). */
  get busy(): boolean {
    return this.#busy > 0;
  }

  async #recoverAll(accountKey: string, reason: string): Promise<void> {
    const { api, seq, log } = this.deps;
    const requestedAt = Date.now();
    try {
      const active = await this.#retrying(() => fetchActiveCalls(api, accountKey, this.deps.signal()));
      const latest: CallEvent[] = [];
      for (const call of active) {
        const id = call.metadata.conversationSpaceId;
        this.#unreadable.delete(id); // listed: not in doubt any more
        // A call never seen (it started while we were away, or before we started) misses its states from 1:
        // without them the tracker cannot tell who answered first.
        const from = (seq.highest(id) ?? 0) + 1;
        if (call.state.sequenceNumber > from) {
          await this.recoverGap({ callId: id, from, to: call.state.sequenceNumber - 1 }, call.metadata);
        }
        const event = this.#normalize(call.metadata, call.state);
        if (event !== null) {
          seq.raise(id, event.seq);
          this.deps.seen.record(event, call.metadata, null);
          latest.push(event);
        }
      }
      const listed = new Set(active.map((c) => c.metadata.conversationSpaceId));
      const kept = await this.#recoverVanished(listed, requestedAt);
      // An unlisted call still filling a gap (its ENDING came live, an answer before it was lost) would be
      // ended from what the tracker applied so far: let the fill land first.
      await Promise.all([...this.#running].filter(([id]) => !listed.has(id)).map(([, run]) => run));
      this.deps.count('recoveredStates', latest.length);
      log.info({ reason, active: latest.length, kept: kept.length }, 'Call Events recovered active calls');
      this.deps.sink()?.recovered([...latest, ...kept], reason, requestedAt);
    } catch (error) {
      log.warn({ err: describe(error), reason }, 'Call Events recovery failed');
      this.deps.sink()?.note(`recovery failed: ${describe(error)}`);
    }
  }

  /**
   * Calls seen before the request and no longer listed have ended: fetch their states (ENDING included) and
   * deliver them, so the tracker ends them as they ended rather than blind. Returns the latest snapshots of
   * calls to keep live for now: their report is awaited, their states could not be read, or they have no
   * ENDING after all (the list skipped them: offset paging shifts when a call ends between two pages).
   */
  async #recoverVanished(listed: ReadonlySet<string>, requestedAt: number): Promise<CallSnapshotEvent[]> {
    for (const id of this.#unreadable.keys()) {
      if (this.deps.seen.get(id) === undefined) {
        this.#unreadable.delete(id); // ended meanwhile
      }
    }
    const vanished = this.deps.seen
      .live()
      .filter(([id, call]) => !listed.has(id) && call.seenAt <= requestedAt);
    const kept = await Promise.all(vanished.map(([id, call]) => this.#recoverEnded(id, call.metadata)));
    return vanished.filter((_, i) => kept[i]).map(([, call]) => call.last);
  }

  /** True when the call should stay live for now. */
  async #recoverEnded(callId: string, metadata: CallMetadata): Promise<boolean> {
    if (this.deps.reportPending(callId)) {
      return true;
    }
    try {
      // From 1, not from the highest seen: a gap below it may still be unfilled (its fetch failed or is in
      // flight), and the tracker would end the call from what it applied. It drops the states it already has.
      const states = await this.#retrying(() =>
        fetchCallStates(this.deps.api, callId, 1, Number.MAX_SAFE_INTEGER, this.deps.signal()),
      );
      this.deliverAll(metadata, states);
      if (states.some((s) => s.type === 'ENDING')) {
        this.#unreadable.delete(callId);
        return false;
      }
      // Not ended after all: the list missed it (a call ending between two pages shifts the next page).
      return true;
    } catch (error) {
      if (error instanceof GoToApiError && error.status === 404) {
        // Ended calls age out of the events endpoint; the report holds the full history (§7.5).
        this.#unreadable.delete(callId);
        void this.deps.awaitReport(callId);
        return true;
      }
      this.deps.log.warn({ err: describe(error), callId }, 'could not read a vanished call');
      return this.#stillUnsure(callId);
    }
  }

  /** Keeps an unreadable call live through a few recoveries, then lets recovery end it. */
  #stillUnsure(callId: string): boolean {
    const tries = (this.#unreadable.get(callId) ?? 0) + 1;
    if (tries >= MAX_UNREADABLE) {
      this.#unreadable.delete(callId);
      return false;
    }
    this.#unreadable.set(callId, tries);
    return true;
  }

  /** Fetches the missing states of one call and hands them on in order (the tracker in calls/ merges them). */
  recoverGap(gap: Gap, metadata: CallMetadata): Promise<void> {
    const running = this.#running.get(gap.callId);
    if (running !== undefined) {
      const queued = this.#inFlight.get(gap.callId) ?? null;
      this.#inFlight.set(gap.callId, {
        callId: gap.callId,
        from: Math.min(gap.from, queued?.from ?? gap.from),
        to: Math.max(gap.to, queued?.to ?? gap.to),
      });
      return running;
    }
    const run = this.#fillGaps(gap, metadata).finally(() => {
      this.#inFlight.delete(gap.callId);
      this.#running.delete(gap.callId);
    });
    this.#running.set(gap.callId, run);
    return run;
  }

  async #fillGaps(gap: Gap, metadata: CallMetadata): Promise<void> {
    this.#inFlight.set(gap.callId, null);
    let next: Gap | null = gap;
    while (next !== null && !this.deps.signal().aborted) {
      await this.#fetchGap(next, metadata);
      next = this.#inFlight.get(gap.callId) ?? null;
      this.#inFlight.set(gap.callId, null);
    }
  }

  async #fetchGap(gap: Gap, metadata: CallMetadata): Promise<void> {
    try {
      const states = await this.#retrying(() =>
        fetchCallStates(this.deps.api, gap.callId, gap.from, gap.to, this.deps.signal()),
      );
      this.deliverAll(metadata, states);
    } catch (error) {
      this.deps.log.warn({ err: describe(error), callId: gap.callId }, 'could not fetch the missing states');
    }
  }

  /** Normalizes and delivers recovered states in sequence order; returns how many were delivered. */
  deliverAll(metadata: CallMetadata, states: readonly CallState[]): number {
    let delivered = 0;
    for (const state of states) {
      const event = this.#normalize(metadata, state);
      if (event !== null) {
        this.deps.count('recoveredStates');
        this.deps.seq.raise(event.callId, event.seq);
        this.deps.seen.record(event, metadata, Date.now());
        this.deps.sink()?.event(event);
        delivered++;
      }
    }
    return delivered;
  }

  /** Runs a recovery read, retrying transient failures (after the REST client's own retries) with back-off. */
  async #retrying<T>(read: () => Promise<T>): Promise<T> {
    const { retry } = this.deps;
    for (let n = 1; ; n++) {
      try {
        return await read();
      } catch (error) {
        if (n >= retry.attempts || !retryable(error) || this.deps.signal().aborted) {
          throw error;
        }
        this.deps.count('fetchRetries');
        await sleep(backoffDelay(n - 1, retry), this.deps.signal());
      }
    }
  }

  #normalize(metadata: CallMetadata, state: CallState): CallSnapshotEvent | null {
    try {
      return normalizeCallState(metadata, state, null, phoneCacheFor(this.deps.phone));
    } catch (error) {
      if (error instanceof CallStateError) {
        this.deps.count('invalid');
        this.deps.log.warn({ error: error.message }, 'bad recovered call state dropped');
        return null;
      }
      throw error;
    }
  }
}
