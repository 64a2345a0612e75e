// One Call Events state (metadata + state) → CallSnapshotEvent. Pure; on the hot path, so no allocations to spare.
import type { CallDirection, CallSnapshotEvent, LegState, LegUpdate, Party } from '../../calls/types.ts';
import { linePart } from '../party.ts';
import type { PhoneCache } from '../party.ts';
import type { CallMetadata, CallState, Ivr, Participant } from './schema.ts';

export type StateType = CallSnapshotEvent['stateType'];

/** A state that cannot become a snapshot (unknown state type, direction or timestamp). */
export class CallStateError extends Error {}

const LEG_RANK: Record<LegState, number> = { gone: 0, ringing: 1, held: 2, connected: 3 };

/** Participant status → leg state (§6.5, §6.0 #3). Unknown statuses count as still in the call. */
export function legState(status: string): LegState {
  switch (status) {
    case 'RINGING':
      return 'ringing';
    case 'ON_HOLD':
      return 'held';
    case 'DISCONNECTING':
    case 'DISCONNECTED':
      return 'gone';
    default:
      return 'connected'; // CONNECTED, IN_WARM_TRANSFER, IN_DIRECT_TRANSFER and values GoTo adds later
  }
}

function isLine(p: Participant): boolean {
  return (p.type.value === 'LINE' || p.type.value === 'AGENT') && p.type.lineId != null;
}

/** Legs merged per lineId: a two-device line rings as two LINE participants (§6.0 #6); the best state wins. */
function mergeLegs(participants: readonly Participant[], heldBy: string | null): LegUpdate[] {
  const legs: LegUpdate[] = [];
  for (const p of participants) {
    if (!isLine(p)) {
      continue;
    }
    let state = legState(p.status?.value ?? 'CONNECTED');
    // [INF] GoTo marks the *caller* ON_HOLD with initiator = the agent's participant; the agent's leg is held.
    if (state === 'connected' && p.id === heldBy) {
      state = 'held';
    }
    const lineId = p.type.lineId as string;
    const index = legs.findIndex((l) => l.lineId === lineId);
    const leg: LegUpdate = {
      lineId,
      extension: p.type.extensionNumber ?? null,
      name: p.type.name ?? null,
      state,
    };
    if (index === -1) {
      legs.push(leg);
    } else if (LEG_RANK[state] > LEG_RANK[legs[index]!.state]) {
      legs[index] = leg;
    }
  }
  return legs;
}

/** The participant whose id is its own originator (the party that started the call), else the first match. */
function originOf(
  participants: readonly Participant[],
  match: (p: Participant) => boolean,
): Participant | null {
  let first: Participant | null = null;
  for (const p of participants) {
    if (!match(p)) {
      continue;
    }
    if (p.originator === p.id) {
      return p;
    }
    first ??= p;
  }
  // The origin has left (a consult's teardown lists only its callee, whose originator is gone): this state names
  // no caller. Taking the callee for it stuck (a caller is never overwritten), and the real origin's CONNECTED,
  // heard late, then counted as the answer: the transfer credited to the wrong line.
  if (first?.originator != null && !participants.some((p) => p.id === first.originator)) {
    return null;
  }
  return first;
}

const isPhone = (p: Participant): boolean => p.type.value === 'PHONE_NUMBER';

function queueOf(ivrs: readonly Ivr[] | null | undefined): CallSnapshotEvent['queue'] {
  for (const ivr of ivrs ?? []) {
    if (ivr.type?.value === 'CALL_QUEUE' && ivr.type.queueId != null) {
      return { id: ivr.type.queueId, name: ivr.type.queueName ?? '' };
    }
  }
  return null;
}

function stateTypeOf(type: string): StateType {
  if (type === 'STARTING' || type === 'ACTIVE' || type === 'ENDING') {
    return type;
  }
  throw new CallStateError(`unknown call state type "${type}"`);
}

/** Internal = OUTBOUND with LINE participants only (§6.0 #2); before the callee shows, dialString tells. */
function directionOf(
  meta: CallMetadata,
  participants: readonly Participant[],
  phones: PhoneCache,
): CallDirection {
  if (meta.direction === 'INBOUND') {
    return 'inbound';
  }
  if (meta.direction !== 'OUTBOUND') {
    throw new CallStateError(`unknown call direction "${meta.direction}"`);
  }
  if (participants.some(isPhone)) {
    return 'outbound';
  }
  const lines = new Set(participants.filter(isLine).map((p) => p.type.lineId)).size;
  if (lines >= 2) {
    return 'internal';
  }
  const dialed = meta.dialString ?? '';
  return dialed !== '' && phones.normalize(dialed).extension !== null ? 'internal' : 'outbound';
}

interface Parties {
  readonly caller: Party | null;
  readonly callee: Party | null;
  readonly dialed: string | null;
}

function partiesOf(
  direction: CallDirection,
  meta: CallMetadata,
  participants: readonly Participant[],
  phones: PhoneCache,
): Parties {
  const dialString = meta.dialString ?? null;
  if (direction === 'inbound') {
    // The PHONE_NUMBER's own number/name are the company DID; the person calling is type.caller (§6.5 trap).
    const pn = originOf(participants, isPhone);
    const caller = pn?.type.caller;
    return {
      caller: pn === null ? null : phones.party(caller?.number ?? null, caller?.name ?? null),
      callee: null,
      dialed: phones.e164(pn?.type.number ?? null),
    };
  }
  const origin = originOf(participants, isLine);
  const caller =
    origin === null ? null : linePart(origin.type.extensionNumber ?? null, origin.type.name ?? null);
  if (direction === 'outbound') {
    const callee = participants.find(isPhone)?.type.callee;
    if (callee != null) {
      return { caller, callee: phones.party(callee.number ?? null, callee.name ?? null), dialed: null };
    }
    return { caller, callee: dialString === null ? null : phones.party(dialString, null), dialed: null };
  }
  const other = participants.find((p) => isLine(p) && p !== origin && p.type.lineId !== origin?.type.lineId);
  if (other !== undefined) {
    return {
      caller,
      callee: linePart(other.type.extensionNumber ?? null, other.type.name ?? null),
      dialed: null,
    };
  }
  return { caller, callee: dialString === null ? null : linePart(dialString, null), dialed: null };
}

function timeOf(iso: string | null | undefined, what: string): number {
  const ms = iso == null ? Number.NaN : Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new CallStateError(`call state without a valid ${what}`);
  }
  return ms;
}

/** Who put the caller on hold: the participant id in an ON_HOLD status's initiator. */
function holdInitiator(participants: readonly Participant[]): string | null {
  for (const p of participants) {
    if (p.status?.value === 'ON_HOLD' && !isLine(p)) {
      return p.status.initiator?.participantId ?? null;
    }
  }
  return null;
}

/**
 * Normalizes one state. `notificationId` is `data.id` (null for states fetched by recovery).
 * Throws CallStateError for a state that has no meaning in our model.
 */
export function normalizeCallState(
  meta: CallMetadata,
  state: CallState,
  notificationId: string | null,
  phones: PhoneCache,
): CallSnapshotEvent {
  const stateType = stateTypeOf(state.type);
  const participants = state.participants ?? [];
  const direction = directionOf(meta, participants, phones);
  const at = timeOf(state.timestamp, 'timestamp');
  const parties = partiesOf(direction, meta, participants, phones);
  return {
    kind: 'snapshot',
    source: 'call-events',
    callId: meta.conversationSpaceId,
    notificationId,
    accountKey: meta.accountKey,
    seq: state.sequenceNumber,
    stateType,
    at,
    createdAt: meta.callCreated == null ? at : timeOf(meta.callCreated, 'callCreated'),
    direction,
    caller: parties.caller,
    callee: parties.callee,
    dialed: parties.dialed,
    queue: queueOf(state.interactiveVoiceResponseSystems),
    legs: stateType === 'ENDING' ? [] : mergeLegs(participants, holdInitiator(participants)),
    associated: meta.associatedConversations ?? [],
  };
}
