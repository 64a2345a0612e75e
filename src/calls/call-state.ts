// The per-call state machine: (Call | null, CallEvent) → the next Call and why, or null when nothing changed. Pure.
import type {
  Call,
  CallEvent,
  CallOutcome,
  CallSnapshotEvent,
  Leg,
  LegEvent,
  LegState,
  LegUpdate,
  Party,
} from './types.ts';

/** The next call and the short, stable words saying what changed ("created", "leg:<lineId>:ringing", ...). */
export interface Transition {
  readonly call: Call;
  readonly reasons: readonly string[];
}

export interface ApplyOptions {
  /**
   * The snapshot is older than the newest one applied (reordered or gap-filled). Snapshots are whole states,
   * so it must not roll the call back; it only adds history the call has not seen: a line that rang, the
   * first answer, a caller that was missing.
   */
  readonly older?: boolean;
  /**
   * Lets an older state add history to a call that has already ended (its ENDING overtook it): the phase stays
   * ended, the outcome is recomputed. The tracker allows it only for a short settle time after the end.
   */
  readonly amendEnded?: boolean;
}

/** Placeholder until an event names the caller (a first state without one); never overwrites a known caller. */
export const UNKNOWN_PARTY: Party = Object.freeze({
  e164: null,
  raw: '',
  name: null,
  withheld: false,
  extension: null,
});

export function isUnknownParty(party: Party): boolean {
  return party.raw === '' && party.e164 === null && !party.withheld && party.extension === null;
}

/** Working copy of the mutable parts while one event is applied. */
interface Draft {
  legs: Leg[];
  caller: Party;
  callee: Party | null;
  dialed: string | null;
  queue: Call['queue'];
  associated: readonly string[];
  reasons: string[];
}

function draftOf(call: Call): Draft {
  return {
    legs: call.legs.slice(),
    caller: call.caller,
    callee: call.callee,
    dialed: call.dialed,
    queue: call.queue,
    associated: call.associated,
    reasons: [],
  };
}

function emptyCall(event: CallEvent): Call {
  return {
    id: event.callId,
    source: event.source,
    accountKey: event.accountKey,
    direction: event.direction,
    caller: UNKNOWN_PARTY,
    callee: null,
    dialed: null,
    queue: null,
    legs: [],
    answeredBy: null,
    phase: 'ringing',
    outcome: null,
    startedAt: event.createdAt,
    answeredAt: null,
    endedAt: null,
    associated: [],
    version: 0,
  };
}

/**
 * The dialling line of an internal call: it goes CONNECTED while the callee still rings (fixture call (e)),
 * so it neither answers the call nor counts as a line the call rang. On an outbound call it is the only line.
 */
function isOriginLeg(
  call: Pick<Call, 'direction'>,
  caller: Party,
  leg: { extension: string | null },
): boolean {
  return call.direction === 'internal' && caller.extension !== null && leg.extension === caller.extension;
}

function talking(state: LegState): boolean {
  return state === 'connected' || state === 'held';
}

/** A new leg first heard of as gone rang unheard, or was listed only as disconnected; flags stay until it rings. */
function flagsOf(
  old: Leg | undefined,
  state: LegState,
  rangUnheard: boolean,
): Pick<Leg, 'rangUnheard' | 'neverRang'> {
  if (old === undefined) {
    return state !== 'gone' ? {} : rangUnheard ? { rangUnheard: true } : { neverRang: true };
  }
  if (old.rangUnheard === true) {
    return { rangUnheard: true };
  }
  return old.neverRang === true && state === 'gone' ? { neverRang: true } : {};
}

function setLeg(draft: Draft, update: LegUpdate, at: number, rangUnheard = false): void {
  const index = draft.legs.findIndex((l) => l.lineId === update.lineId);
  const old = index === -1 ? undefined : draft.legs[index];
  if (old !== undefined && old.state === update.state) {
    return;
  }
  const leg: Leg = {
    lineId: update.lineId,
    extension: update.extension ?? old?.extension ?? null,
    name: update.name ?? old?.name ?? null,
    state: update.state,
    since: at,
    ...flagsOf(old, update.state, rangUnheard),
  };
  if (old === undefined) {
    draft.legs.push(leg);
  } else {
    draft.legs[index] = leg;
  }
  draft.reasons.push(`leg:${leg.lineId}:${leg.state}`);
}

/** Caller: fill once, never overwrite (a transfer must keep the original caller). The rest: fill when unknown. */
function mergeParties(
  draft: Draft,
  call: Call,
  event: Pick<CallEvent, 'caller' | 'callee' | 'dialed'>,
): void {
  if (event.caller !== null && isUnknownParty(draft.caller) && !isUnknownParty(event.caller)) {
    draft.caller = event.caller;
    draft.reasons.push('caller');
  }
  // The callee of an inbound call is whichever line takes it: that is what legs are for.
  if (call.direction !== 'inbound' && draft.callee === null && event.callee !== null) {
    draft.callee = event.callee;
    draft.reasons.push('callee');
  }
  if (draft.dialed === null && event.dialed !== null) {
    draft.dialed = event.dialed;
    draft.reasons.push('dialed');
  }
}

function mergeSnapshotExtras(draft: Draft, event: CallSnapshotEvent): void {
  // The queue is only listed while the call waits in it; the card keeps "via <queue>" afterwards.
  if (draft.queue === null && event.queue !== null) {
    draft.queue = event.queue;
    draft.reasons.push('queue');
  }
  const added = event.associated.filter((id) => !draft.associated.includes(id));
  if (added.length > 0) {
    draft.associated = [...draft.associated, ...added];
    draft.reasons.push('associated');
  }
}

function outcomeOf(call: Call, answeredBy: string | null, legs: readonly Leg[], caller: Party): CallOutcome {
  if (answeredBy !== null) {
    return 'answered';
  }
  return legs.some((l) => !isOriginLeg(call, caller, l)) ? 'missed' : 'abandoned';
}

/** The first line talking in `legs` that may count as answering, or undefined. */
function answering(
  call: Call,
  caller: Party,
  legs: readonly { lineId: string; extension: string | null; state: LegState }[],
) {
  return legs.find((l) => talking(l.state) && !isOriginLeg(call, caller, l));
}

/**
 * Turns the draft into the next call, or null when nothing changed. `answerFrom` lists the legs that may
 * answer the call at `at` (the draft's own legs, or an older snapshot's). `history`: those legs are an older
 * state's, so an answer in them before the one recorded is the first answer (the recorded one was heard first
 * only because the earlier state came late: a transfer target talking live, its first line's answer lost).
 */
function finish(
  call: Call,
  draft: Draft,
  at: number,
  end: boolean,
  answerFrom: readonly LegUpdate[] | readonly Leg[] = draft.legs,
  history = false,
): Transition | null {
  const ended = end || call.phase === 'ended';
  let answeredBy = call.answeredBy;
  let answeredAt = call.answeredAt;
  const earlier = answeredAt === null || (history && at < answeredAt);
  const candidate = earlier ? answering(call, draft.caller, answerFrom) : undefined;
  const first = candidate?.lineId === answeredBy ? undefined : candidate;
  if (first !== undefined) {
    // Re-credited: the call was answered once; what changed is who answered first.
    draft.reasons.push(answeredBy === null ? 'answered' : 'answered-earlier');
    answeredBy = first.lineId;
    answeredAt = at;
  }
  if (end) {
    for (let i = 0; i < draft.legs.length; i++) {
      const leg = draft.legs[i]!;
      if (leg.state !== 'gone') {
        draft.legs[i] = { ...leg, state: 'gone', since: at };
        draft.reasons.push(`leg:${leg.lineId}:gone`);
      }
    }
    draft.reasons.push('ended');
  }
  if (draft.reasons.length === 0) {
    return null;
  }
  return {
    call: {
      ...call,
      caller: draft.caller,
      callee: draft.callee,
      dialed: draft.dialed,
      queue: draft.queue,
      associated: draft.associated,
      legs: draft.legs,
      answeredBy,
      answeredAt,
      phase: ended ? 'ended' : answeredBy !== null ? 'connected' : 'ringing',
      outcome: ended ? outcomeOf(call, answeredBy, draft.legs, draft.caller) : null,
      endedAt: end ? at : call.endedAt,
      version: call.version + 1,
    },
    reasons: draft.reasons,
  };
}

function applySnapshot(call: Call, event: CallSnapshotEvent, older: boolean): Transition | null {
  const draft = draftOf(call);
  mergeParties(draft, call, event);
  mergeSnapshotExtras(draft, event);
  if (event.stateType === 'ENDING') {
    return finish(call, draft, event.at, true);
  }
  if (older) {
    // History only: a line this call never saw rang at that time and has left since (one listed there only as
    // disconnected did not ring). A line first heard of as disconnected (a transfer's first line) rang too.
    for (const update of event.legs) {
      const index = draft.legs.findIndex((l) => l.lineId === update.lineId);
      const known = index === -1 ? undefined : draft.legs[index]!;
      if (known === undefined) {
        setLeg(draft, { ...update, state: 'gone' }, event.at, update.state !== 'gone');
      } else if (known.neverRang === true && update.state !== 'gone') {
        const { neverRang: _, ...rest } = known;
        draft.legs[index] = { ...rest, rangUnheard: true };
        draft.reasons.push(`leg:${known.lineId}:rang-unheard`);
      }
    }
    return finish(call, draft, event.at, false, event.legs, true);
  }
  // Snapshots are whole states: a line missing from this one has left the call.
  for (const leg of call.legs) {
    if (leg.state !== 'gone' && !event.legs.some((u) => u.lineId === leg.lineId)) {
      setLeg(draft, { ...leg, state: 'gone' }, event.at);
    }
  }
  for (const update of event.legs) {
    setLeg(draft, update, event.at);
  }
  return finish(call, draft, event.at, false);
}

/** Realtime: one line's (device-merged) state; the call ends once every line it knows has left. */
function applyLeg(call: Call, event: LegEvent): Transition | null {
  const draft = draftOf(call);
  mergeParties(draft, call, event);
  // A dialog exists only while its line rings or talks: one withdrawn unannounced rang while the socket was down.
  setLeg(draft, event.leg, event.at, event.leg.state === 'gone');
  const allGone = draft.legs.length > 0 && draft.legs.every((l) => l.state === 'gone');
  const result = finish(call, draft, event.at, allGone);
  if (result !== null && event.blind === true && allGone && result.call.answeredBy === null) {
    // Found gone after an outage with nobody seen answering: an answer may have come and gone unseen.
    return {
      call: { ...result.call, outcomeUnknown: true },
      reasons: [...result.reasons, 'outcome-unknown'],
    };
  }
  return result;
}

/**
 * Applies one event. Returns null when the event changes nothing; an ended call never changes again.
 * LegEvents must carry the line's state merged over its devices (the tracker does that, see line-devices.ts).
 */
export function applyEvent(
  call: Call | null,
  event: CallEvent,
  options: ApplyOptions = {},
): Transition | null {
  if (call !== null && call.phase === 'ended') {
    const amend = event.kind === 'snapshot' && options.older === true && options.amendEnded === true;
    return amend ? applySnapshot(call, event, true) : null;
  }
  const base = call ?? emptyCall(event);
  let result: Transition | null;
  switch (event.kind) {
    case 'snapshot':
      result = applySnapshot(base, event, call !== null && options.older === true);
      break;
    case 'leg':
      result = applyLeg(base, event);
      break;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
  if (call !== null) {
    return result;
  }
  // A new call is a change even when its first state lists nobody yet (inbound seq 1: only the caller).
  const created = result?.call ?? { ...base, version: 1 };
  return { call: created, reasons: ['created', ...(result?.reasons ?? [])] };
}

/** Ends a live call from outside its events (recovery found it gone). Null when it has already ended. */
export function endCall(call: Call, at: number, reason: string): Transition | null {
  if (call.phase === 'ended') {
    return null;
  }
  const result = finish(call, draftOf(call), at, true);
  return result === null ? null : { call: result.call, reasons: [...result.reasons, reason] };
}
