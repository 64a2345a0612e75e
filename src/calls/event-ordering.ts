// De-duplication and ordering: what each incoming event may still do to its call (apply, add history, nothing).
import { BoundedSet } from '../util/bounded.ts';
import { applyEvent } from './call-state.ts';
import type { Transition } from './call-state.ts';
import type { EventVerdict } from './call-trace.ts';
import { LineDevices } from './line-devices.ts';
import { holes, newEntry } from './live-calls.ts';
import type { Entry, LiveCalls } from './live-calls.ts';
import type { CallEvent, CallSnapshotEvent, LegEvent } from './types.ts';

export interface OrderingOptions {
  /** How long after its end a call still takes history from a state that ENDING overtook. */
  readonly settleMs: number;
  /** How long an ended call with sequence holes still takes their history. */
  readonly gapWaitMs: number;
  /** Notification ids / dialog entities remembered. */
  readonly dedupeLimit: number;
}

/** Stores and emits a transition (the tracker); false when there was none. */
export type Commit = (entry: Entry, transition: Transition | null) => boolean;

export class EventOrdering {
  readonly #notifications: BoundedSet<string>;
  readonly #entities: BoundedSet<string>;

  constructor(
    private readonly live: LiveCalls,
    private readonly options: OrderingOptions,
    private readonly commit: Commit,
  ) {
    this.#notifications = new BoundedSet(options.dedupeLimit);
    this.#entities = new BoundedSet(options.dedupeLimit);
  }

  /** Applies the event as far as it may; `recovery` events do not count as hearing from the call. */
  dispatch(event: CallEvent, now: number, recovery: boolean): EventVerdict {
    const entry = this.live.get(event.callId);
    if (entry === undefined && this.live.gone(event.callId)) {
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
    const target = entry ?? newEntry(now);
    target.seqs.add(event.seq);
    target.lastSeq = Math.max(target.lastSeq, event.seq);
    target.touched = recovery ? target.touched : now;
    const changed = this.commit(target, applyEvent(target.call, event, { older, amendEnded }));
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
    const target = entry ?? newEntry(now);
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
    return this.commit(target, applyEvent(target.call, lineEvent)) ? 'applied' : 'no-change';
  }

  /** An ended call still takes history during the settle time, or while its sequence holes may yet fill. */
  #amendable(entry: Entry, now: number): boolean {
    if (entry.sealed || entry.endedClock === null) {
      return false;
    }
    const since = now - entry.endedClock;
    return since <= this.options.settleMs || (holes(entry) > 0 && since <= this.options.gapWaitMs);
  }
}
