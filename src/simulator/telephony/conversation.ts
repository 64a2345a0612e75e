// One Call Events conversation space: its parties, IVR systems and the numbered state history (§6.4–6.6).
import { liveTimestamp, reportTimestamp, uuidV3, uuidV4, uuidV5 } from './format.ts';
import type { SimDevice, SimLine, SimQueue, SimUser } from '../context.ts';

export type StateType = 'STARTING' | 'ACTIVE' | 'ENDING';
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** A LINE party: one device of one line (a two-device line rings as two LINE parties, §6.0 #6). */
export interface LineParty {
  readonly kind: 'LINE';
  readonly line: SimLine;
  readonly device: SimDevice;
  readonly user: SimUser | null;
}

/** A PSTN party reached through a company DID (inbound caller or outbound callee). */
export interface PstnParty {
  readonly kind: 'PHONE_NUMBER';
  readonly phoneNumberId: string;
  readonly did: string;
  readonly role: 'caller' | 'callee';
  readonly remote: { readonly name: string; readonly number: string };
}

/** How a LINE leg looks in the legacy Realtime API (§4.5); set by the scenario. */
export interface DialogView {
  readonly direction: 'recipient' | 'initiator';
  readonly caller: { readonly name: string; readonly number: string };
  readonly callee: { readonly name: string; readonly number: string };
  readonly ani: string | null;
}

export interface Participant {
  readonly id: string;
  readonly legId: string;
  originator: string;
  status: JsonObject;
  readonly party: LineParty | PstnParty;
  dialog?: DialogView;
}

export interface Ivr {
  readonly id: string;
  readonly originator: string;
  status: string;
  type: JsonObject;
}

export interface QueueRecord {
  readonly ivrId: string;
  readonly originator: string;
  readonly queue: SimQueue;
  readonly enteredAt: number;
  leftAt: number | null;
  leftQueueReason: 'ANSWERED' | 'ABANDONED' | null;
  agentId: string | null;
}

export interface Recording {
  readonly id: string;
  readonly startTimestamp: string;
}

export interface CallMetadata {
  readonly conversationSpaceId: string;
  associatedConversations: string[] | null;
  readonly direction: 'INBOUND' | 'OUTBOUND';
  readonly accountKey: string;
  readonly callCreated: number;
  readonly dialString: string | null;
  hangupOriginatorId: string | null;
}

/** A state as it went out: the live JSON (`metadata`, `state`) plus what the report needs later. */
export interface EmittedState {
  readonly sequenceNumber: number;
  readonly type: StateType;
  readonly at: number;
  readonly metadata: JsonObject;
  readonly state: JsonObject;
  /** Report spelling of the same state (other member order, no `contact`, 3-digit ms). */
  readonly reportState: JsonObject;
}

export function lineType(party: LineParty): JsonObject {
  return {
    value: 'LINE',
    lineId: party.line.id,
    deviceId: party.device.id,
    extensionNumber: party.line.extension,
    name: party.line.name,
    device: { id: party.device.id, model: party.device.model, user: { id: party.user?.userId ?? '' } },
  };
}

function pstnType(party: PstnParty, withContact: boolean): JsonObject {
  const remote = { name: party.remote.name, number: party.remote.number };
  const base = {
    value: 'PHONE_NUMBER',
    phoneNumberId: party.phoneNumberId,
    number: party.did,
    name: party.did,
    callProvider: 'PSTN',
  };
  if (party.role === 'callee') {
    return { ...base, callee: remote };
  }
  return withContact
    ? { ...base, caller: remote, contact: { notAddedReason: 'NO_CONTACT' } }
    : { ...base, caller: remote };
}

/** Moves `value` to the end of an object's members (report spelling puts `value` last). */
function valueLast(object: JsonObject): JsonObject {
  const { value, ...rest } = object as { value?: Json } & Record<string, Json>;
  return value === undefined ? rest : { ...rest, value };
}

export class Conversation {
  readonly metadata: CallMetadata;
  readonly participants: Participant[] = [];
  readonly ivrs: Ivr[] = [];
  readonly history: EmittedState[] = [];
  recordings: Recording[] | null = null;
  connected = false;
  endedAt: number | null = null;
  /** Parties that ever took part (for reports), in order of arrival. */
  readonly everyone: Participant[] = [];
  /** Participant ids that reached CONNECTED (report summaries list them). */
  readonly connectedIds = new Set<string>();
  /** Set by a queue flow for the report's CALL_QUEUE entry and AGENT participant. */
  queue: QueueRecord | null = null;
  /** Report summary `callerOutcome` ("NORMAL", "LEFT_DIAL_PLAN", "MISSED", …). */
  callerOutcome = 'NORMAL';

  constructor(init: {
    direction: 'INBOUND' | 'OUTBOUND';
    accountKey: string;
    callCreated: number;
    dialString: string | null;
  }) {
    this.metadata = {
      conversationSpaceId: uuidV3(),
      associatedConversations: null,
      direction: init.direction,
      accountKey: init.accountKey,
      callCreated: init.callCreated,
      dialString: init.dialString,
      hangupOriginatorId: null,
    };
  }

  get id(): string {
    return this.metadata.conversationSpaceId;
  }

  get ended(): boolean {
    return this.endedAt !== null;
  }

  /** Adds a party; `originator` defaults to the party itself (the caller of the conversation). */
  add(party: LineParty | PstnParty, status: string, originator?: string, legId?: string): Participant {
    const id = uuidV5();
    const participant: Participant = {
      id,
      legId: legId ?? uuidV4(),
      originator: originator ?? id,
      status: { value: status },
      party,
    };
    this.participants.push(participant);
    this.everyone.push(participant);
    return participant;
  }

  /** Joins an existing participant from another conversation (warm transfer destination keeps id and leg). */
  adopt(participant: Participant): Participant {
    const copy: Participant = { ...participant, status: { ...participant.status } };
    this.participants.push(copy);
    this.everyone.push(copy);
    return copy;
  }

  remove(participant: Participant): void {
    const index = this.participants.findIndex((p) => p.id === participant.id);
    if (index >= 0) {
      this.participants.splice(index, 1);
    }
  }

  setStatus(participant: Participant, value: string, extra: JsonObject = {}): void {
    const live = this.participants.find((p) => p.id === participant.id);
    if (live !== undefined) {
      live.status = { value, ...extra };
    }
    if (value === 'CONNECTED') {
      this.connected = true;
      this.connectedIds.add(participant.id);
    }
  }

  addIvr(originator: string, type: JsonObject): Ivr {
    const ivr: Ivr = { id: uuidV5(), originator, status: 'CONNECTED', type };
    this.ivrs.push(ivr);
    return ivr;
  }

  removeIvr(ivr: Ivr): void {
    const index = this.ivrs.indexOf(ivr);
    if (index >= 0) {
      this.ivrs.splice(index, 1);
    }
  }

  /** Builds, numbers and records the next state. STARTING until someone is CONNECTED (§6.0 #1). */
  snapshot(now: number, ending = false): EmittedState {
    // Seq 1 is stamped with callCreated (fixtures); later states never go back in time.
    const last = this.history[this.history.length - 1];
    const at = last === undefined ? this.metadata.callCreated : Math.max(now, last.at);
    const type: StateType = ending
      ? 'ENDING'
      : this.connected || this.ivrs.length > 0
        ? 'ACTIVE'
        : 'STARTING';
    if (type !== 'STARTING') {
      this.connected = true; // once ACTIVE, never STARTING again
    }
    const sequenceNumber = this.history.length + 1;
    const id = uuidV5();
    const metadata = this.metadataJson(type);
    const live = this.liveParticipants(type);
    const ivrs = this.ivrs.map((ivr) => ({
      id: ivr.id,
      originator: ivr.originator,
      status: { value: ivr.status },
      type: ivr.type,
    }));
    const state: Record<string, Json> = { id, sequenceNumber, type };
    if (ivrs.length > 0) {
      state['interactiveVoiceResponseSystems'] = ivrs;
    }
    state['timestamp'] = liveTimestamp(at);
    if (ending && this.recordings !== null) {
      state['recordings'] = this.recordings.map((r) => ({ ...r, transcriptEnabled: true }));
      state['transcripts'] = this.recordings.map((r) => ({ id: r.id, startTimestamp: r.startTimestamp }));
    }
    state['participants'] = live;
    const reportState: Record<string, Json> = {
      id,
      type,
      sequenceNumber,
      timestamp: reportTimestamp(at),
      participants: ending ? [] : this.reportParticipants(),
    };
    if (ivrs.length > 0) {
      reportState['interactiveVoiceResponseSystems'] = this.ivrs.map((ivr) => ({
        id: ivr.id,
        status: { value: ivr.status },
        originator: ivr.originator,
        type: valueLast(ivr.type),
      }));
    }
    const emitted: EmittedState = { sequenceNumber, type, at, metadata, state, reportState };
    this.history.push(emitted);
    if (ending) {
      this.endedAt = at;
    }
    return emitted;
  }

  private metadataJson(type: StateType): JsonObject {
    const m = this.metadata;
    const out: Record<string, Json> = { conversationSpaceId: m.conversationSpaceId };
    if (m.associatedConversations !== null) {
      out['associatedConversations'] = [...m.associatedConversations];
    }
    out['direction'] = m.direction;
    out['accountKey'] = m.accountKey;
    out['callCreated'] = liveTimestamp(m.callCreated);
    if (type !== 'STARTING') {
      out['callInitiator'] = 'DIRECT';
    }
    if (m.dialString !== null) {
      out['dialString'] = m.dialString;
    }
    if (type === 'ENDING' && m.hangupOriginatorId !== null) {
      out['hangupOriginatorId'] = m.hangupOriginatorId;
    }
    return out;
  }

  private liveParticipants(type: StateType): Json[] {
    if (type === 'ENDING') {
      return [];
    }
    return this.participants.map((p) => ({
      id: p.id,
      legId: p.legId,
      originator: p.originator,
      status: p.status,
      type: p.party.kind === 'LINE' ? lineType(p.party) : pstnType(p.party, type === 'ACTIVE'),
    }));
  }

  private reportParticipants(): Json[] {
    return this.participants.map((p) => {
      let type: JsonObject;
      if (p.party.kind === 'LINE') {
        const t = lineType(p.party);
        type = {
          lineId: t['lineId'] ?? null,
          deviceId: t['deviceId'] ?? null,
          extensionNumber: t['extensionNumber'] ?? null,
          device: t['device'] ?? null,
          name: t['name'] ?? null,
          value: 'LINE',
        };
      } else {
        const t = pstnType(p.party, false);
        const { value: _v, number, name, ...rest } = t as Record<string, Json>;
        type = { ...rest, name: name ?? null, number: number ?? null, value: 'PHONE_NUMBER' };
      }
      return { id: p.id, legId: p.legId, originator: p.originator, type, status: p.status };
    });
  }
}
