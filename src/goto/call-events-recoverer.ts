// Recovery for the Call Events source: after a reconnect (every active call) and on a sequence gap (one call).
import type { Logger } from 'pino';
import type { CallEventSink } from '../calls/ports.ts';
import type { CallEvent, CallSnapshotEvent } from '../calls/types.ts';
import type { PhoneOptions } from '../phone/phone.ts';
import { phoneCacheFor } from './call-events-frames.ts';
import { fetchActiveCalls, fetchCallStates } from './call-events-recovery.ts';
import type { CallMetadata, CallState } from './call-events-schema.ts';
import { CallStateError, normalizeCallState } from './call-state-normalizer.ts';
import type { GoToApi } from './rest-client.ts';
import type { Gap, SequenceTracker } from './sequence-tracker.ts';
import { describe } from './token-manager.ts';

export interface RecovererDeps {
  readonly api: GoToApi;
  readonly phone: PhoneOptions;
  readonly log: Logger;
  readonly seq: SequenceTracker;
  /** The current sink (null once stopped) and abort signal: both change across start / stop. */
  readonly sink: () => CallEventSink | null;
  readonly signal: () => AbortSignal;
  /** Counts recovered states and states that could not be normalized. */
  readonly count: (what: 'recoveredStates' | 'invalid', n?: number) => void;
}

export class CallEventsRecoverer {
  /** Calls with a gap fetch in flight → a further gap found meanwhile (merged), fetched next. */
  readonly #inFlight = new Map<string, Gap | null>();

  constructor(private readonly deps: RecovererDeps) {}

  /** Latest state of every active call (→ sink.recovered), after fetching what each one missed since we saw it. */
  async recoverAll(accountKey: string, reason: string): Promise<void> {
    const { api, seq, log } = this.deps;
    try {
      const active = await fetchActiveCalls(api, accountKey, this.deps.signal());
      const latest: CallEvent[] = [];
      for (const call of active) {
        const id = call.metadata.conversationSpaceId;
        const known = seq.highest(id);
        if (known !== null && call.state.sequenceNumber > known + 1) {
          await this.recoverGap(
            { callId: id, from: known + 1, to: call.state.sequenceNumber - 1 },
            call.metadata,
          );
        }
        const event = this.#normalize(call.metadata, call.state);
        if (event !== null) {
          seq.raise(id, event.seq);
          latest.push(event);
        }
      }
      this.deps.count('recoveredStates', latest.length);
      log.info({ reason, active: latest.length }, 'Call Events recovered active calls');
      this.deps.sink()?.recovered(latest, reason);
    } catch (error) {
      log.warn({ err: describe(error), reason }, 'Call Events recovery failed');
      this.deps.sink()?.note(`recovery failed: ${describe(error)}`);
    }
  }

  /** Fetches the missing states of one call and hands them on in order (the tracker in calls/ merges them). */
  async recoverGap(gap: Gap, metadata: CallMetadata): Promise<void> {
    if (this.#inFlight.has(gap.callId)) {
      const queued = this.#inFlight.get(gap.callId) ?? null;
      this.#inFlight.set(gap.callId, {
        callId: gap.callId,
        from: Math.min(gap.from, queued?.from ?? gap.from),
        to: Math.max(gap.to, queued?.to ?? gap.to),
      });
      return;
    }
    this.#inFlight.set(gap.callId, null);
    let next: Gap | null = gap;
    while (next !== null && !this.deps.signal().aborted) {
      await this.#fetchGap(next, metadata);
      next = this.#inFlight.get(gap.callId) ?? null;
      this.#inFlight.set(gap.callId, null);
    }
    this.#inFlight.delete(gap.callId);
  }

  async #fetchGap(gap: Gap, metadata: CallMetadata): Promise<void> {
    try {
      const states = await fetchCallStates(this.deps.api, gap.callId, gap.from, gap.to, this.deps.signal());
      for (const state of states) {
        const event = this.#normalize(metadata, state);
        if (event !== null) {
          this.deps.count('recoveredStates');
          this.deps.sink()?.event(event);
        }
      }
    } catch (error) {
      this.deps.log.warn({ err: describe(error), callId: gap.callId }, 'could not fetch the missing states');
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
