// The call model: GoTo's two event APIs normalized into one vocabulary (goto/ produces CallEvent, calls/ owns Call).

/** Which GoTo API an event came from. */
export type EventSourceKind = 'call-events' | 'realtime';

/** One party of a call as GoTo reported it, numbers already normalized by src/phone. */
export interface Party {
  /** E.164 ("+13125550140") when the number parses; null when withheld, an extension or unparseable. */
  readonly e164: string | null;
  /** The number exactly as GoTo sent it ("7085550134", "2101", "Anonymous", "+13125550140"). */
  readonly raw: string;
  /** Caller-ID (CNAM) or line name. Untrusted text: anyone can set their caller-ID name. */
  readonly name: string | null;
  /** True for a withheld / anonymous / private number. */
  readonly withheld: boolean;
  /** Set when the party is one of the account's own lines (internal extension). */
  readonly extension: string | null;
}

/** A line's leg in the call. A line with two devices still counts as one leg (the "best" device state wins). */
export type LegState = 'ringing' | 'connected' | 'held' | 'gone';

export interface LegUpdate {
  readonly lineId: string;
  /** Extension number of the line ("2103"), when known. */
  readonly extension: string | null;
  /** Display name of the line / user, when known. */
  readonly name: string | null;
  readonly state: LegState;
}

export type CallDirection = 'inbound' | 'outbound' | 'internal';

/**
 * A full snapshot of a call from the Call Events API (one `call-state` notification).
 * Legs absent from a snapshot are gone. `seq` is GoTo's per-conversation sequenceNumber.
 */
export interface CallSnapshotEvent {
  readonly kind: 'snapshot';
  readonly source: 'call-events';
  /** conversationSpaceId */
  readonly callId: string;
  /** Notification id (`data.id`), for de-duplication; null when replayed from a recovery endpoint. */
  readonly notificationId: string | null;
  readonly accountKey: string;
  readonly seq: number;
  readonly stateType: 'STARTING' | 'ACTIVE' | 'ENDING';
  /** State time, epoch ms. */
  readonly at: number;
  /** callCreated, epoch ms. */
  readonly createdAt: number;
  readonly direction: CallDirection;
  /** The external caller (inbound) or the dialling line (outbound / internal). Null when not in this state. */
  readonly caller: Party | null;
  /** The called party: external number (outbound), callee line (internal); null for inbound. */
  readonly callee: Party | null;
  /** Company number dialled (inbound), E.164, when known. */
  readonly dialed: string | null;
  readonly queue: { readonly id: string; readonly name: string } | null;
  /** Every LINE participant of this state, merged per lineId. Empty on ENDING. */
  readonly legs: readonly LegUpdate[];
  /** Linked conversations (warm transfer / consult). */
  readonly associated: readonly string[];
}

/**
 * One line's dialog changed (legacy Realtime API: announce / replace / withdraw on a `dialog` subscription).
 * Realtime only sees the lines it subscribed to; `callId` is the dialog's originatorId, shared by all legs of a call.
 */
export interface LegEvent {
  readonly kind: 'leg';
  readonly source: 'realtime';
  readonly callId: string;
  /** The dialog entity id, for de-duplication (replace carries a new one each time; withdraw repeats it). */
  readonly entityId: string;
  /**
   * GoTo's `data.legId`: one per device of the line for this call (§4.5), stable across announce/replace/withdraw.
   * Lets the tracker merge a two-device line ("best" device wins); absent → the line counts as one device.
   */
  readonly legId?: string | null;
  readonly accountKey: string | null;
  /** Unix ms when GoTo created the call (`data.created`). */
  readonly createdAt: number;
  /** Receive time, epoch ms (Realtime frames carry no state time). */
  readonly at: number;
  readonly direction: CallDirection;
  readonly caller: Party;
  readonly callee: Party | null;
  /** From `ani` ("+13125550140 <+13125550140>"), E.164 when it parses. */
  readonly dialed: string | null;
  readonly leg: LegUpdate;
  /**
   * Set on a state the source read back after its socket was down (not a frame): whatever happened to the leg
   * meanwhile (an answer before a hang-up) is unknown.
   */
  readonly blind?: boolean;
}

/** The normalized event goto/ hands to calls/. */
export type CallEvent = CallSnapshotEvent | LegEvent;

export type CallPhase = 'ringing' | 'connected' | 'ended';

/**
 * How a call ended: answered by a line; missed (rang one or more lines, nobody answered);
 * abandoned (caller left while in IVR / queue before any line rang). Null while live.
 */
export type CallOutcome = 'answered' | 'missed' | 'abandoned';

export interface Leg {
  readonly lineId: string;
  readonly extension: string | null;
  readonly name: string | null;
  readonly state: LegState;
  /** When this leg entered its current state, epoch ms. */
  readonly since: number;
  /**
   * Set on a leg first heard of as already gone although the line did ring or take part: a state heard late
   * (history from a gap fetch, a recovery or a report) named it ringing or talking, or a Realtime dialog of it was
   * withdrawn unannounced. Absent on a line GoTo only ever listed as disconnected (one that never rang).
   */
  readonly rangUnheard?: true;
  /** Set while GoTo has listed the line only as disconnected: it did not ring, as far as screenpop knows. */
  readonly neverRang?: true;
}

/** The live model of one call. Immutable: the tracker replaces it on every change. */
export interface Call {
  readonly id: string;
  readonly source: EventSourceKind;
  readonly accountKey: string | null;
  readonly direction: CallDirection;
  /** Original caller; kept across transfers. */
  readonly caller: Party;
  readonly callee: Party | null;
  readonly dialed: string | null;
  readonly queue: { readonly id: string; readonly name: string } | null;
  readonly legs: readonly Leg[];
  /** The line that answered first; null until answered. */
  readonly answeredBy: string | null;
  readonly phase: CallPhase;
  readonly outcome: CallOutcome | null;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly associated: readonly string[];
  /**
   * True when the call ended, unanswered, on a state read back after a socket outage: it may have been answered
   * while the source was blind, so `outcome` is a guess ("state unknown after a reconnect"). Absent otherwise.
   */
  readonly outcomeUnknown?: boolean;
  /** Increments on every emitted change; lets consumers drop stale updates. */
  readonly version: number;
}

/** What the call tracker emits: the call after a change, and what changed. */
export interface CallChange {
  readonly call: Call;
  readonly previous: Call | null;
  /** Short, stable words for the trace and logs: "created", "leg:<lineId>:ringing", "answered", "ended". */
  readonly reasons: readonly string[];
}
