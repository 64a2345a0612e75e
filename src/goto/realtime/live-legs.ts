// The Realtime source's live legs, and their check after a socket outage: frames sent while the socket was down are
// lost for good (legacy Realtime has no list of active dialogs), so GoTo's active calls on the agent's lines
// (Call Events conversation-spaces?lineId=, §6.7) say which legs still ring or talk and which have gone.
import type { LegEvent, LegState } from '../../calls/types.ts';
import { fetchActiveCalls } from '../call-events/recovery-reads.ts';
import { legState } from '../call-events/state-normalizer.ts';
import type { GoToApi } from '../http/rest-client.ts';

interface LiveLeg {
  /** The last event delivered for this device leg. */
  event: LegEvent;
  /** Receive time of that event (the source's clock). */
  at: number;
  /** When the leg was first heard of. */
  readonly since: number;
  /** Set when a check could not run: the leg is ended as unknown if nothing is heard of it by then. */
  deadline: number | null;
}

/** At most this many legs are remembered: withdraws that never came must not grow the map without bound. */
const MAX_LEGS = 10_000;

export class LiveLegs {
  readonly #legs = new Map<string, LiveLeg>();
  /**
   * Whether some leg may carry a deadline: the watchdog asks every few seconds for every agent's source (1,000 at
   * once at contact-centre scale), and almost always none has one, so the walk is skipped.
   */
  #deadlines = false;

  get size(): number {
    return this.#legs.size;
  }

  /** Every delivered event with a legId: gone legs are forgotten, others remembered as they now stand. */
  record(event: LegEvent, at: number): void {
    const legId = event.legId;
    if (legId == null) {
      return;
    }
    if (event.leg.state === 'gone') {
      this.#legs.delete(legId);
      return;
    }
    const known = this.#legs.get(legId);
    if (known === undefined && this.#legs.size >= MAX_LEGS) {
      this.#legs.clear();
    }
    this.#legs.set(legId, { event, at, since: known?.since ?? at, deadline: null });
  }

  /** When this leg was first heard of; null when it is not live. */
  since(legId: string): number | null {
    return this.#legs.get(legId)?.since ?? null;
  }

  /**
   * After a reconnect: each leg last heard of before `requestedAt` takes the state GoTo lists for it now (gone when
   * it is no longer listed). Returns the events to deliver, marked blind.
   */
  reconcile(active: ReadonlyMap<string, LegState>, requestedAt: number, now: number): LegEvent[] {
    const out: LegEvent[] = [];
    for (const leg of [...this.#legs.values()]) {
      if (leg.at > requestedAt) {
        continue; // a frame came after the list was asked for: it is newer than the list
      }
      const state = active.get(leg.event.legId!) ?? 'gone';
      if (state !== leg.event.leg.state) {
        out.push(this.#blind(leg, state, now));
      }
    }
    return out;
  }

  /** The check failed: legs not heard of again within `timeoutMs` end as unknown (never live forever). */
  expireUnheardAfter(timeoutMs: number, now: number): void {
    this.#deadlines = this.#legs.size > 0;
    for (const leg of this.#legs.values()) {
      leg.deadline ??= now + timeoutMs;
    }
  }

  /** Legs whose deadline passed, as blind gone events. */
  expired(now: number): LegEvent[] {
    const out: LegEvent[] = [];
    if (!this.#deadlines) {
      return out;
    }
    let pending = false;
    for (const leg of [...this.#legs.values()]) {
      if (leg.deadline !== null && leg.deadline <= now) {
        out.push(this.#blind(leg, 'gone', now));
      } else if (leg.deadline !== null) {
        pending = true;
      }
    }
    this.#deadlines = pending;
    return out;
  }

  #blind(leg: LiveLeg, state: LegState, now: number): LegEvent {
    const event: LegEvent = { ...leg.event, at: now, leg: { ...leg.event.leg, state }, blind: true };
    this.record(event, now);
    return event;
  }
}

/**
 * legId → state of every LINE leg in GoTo's active calls on these lines (one list per line). Throws when a list
 * cannot be read (no `call-events.v1.events.read` scope, GoTo down): the caller falls back.
 */
export async function activeLegStates(
  api: GoToApi,
  lineIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, LegState>> {
  const states = new Map<string, LegState>();
  for (const lineId of lineIds) {
    for (const call of await fetchActiveCalls(api, { lineId }, signal)) {
      for (const participant of call.state.participants ?? []) {
        if (participant.legId != null && participant.type.lineId != null) {
          states.set(participant.legId, legState(participant.status?.value ?? 'CONNECTED'));
        }
      }
    }
  }
  return states;
}
