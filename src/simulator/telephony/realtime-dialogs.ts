// Legacy Realtime dialogs derived from the same calls (§4.4–4.5, §10 #8): one dialog per LINE leg, announced
// when it rings, replaced when its state changes, withdrawn with state HUNGUP when the leg leaves the call.
import type { CallRecord } from './call-hub.ts';
import type { Conversation, Json, JsonObject, LineParty, Participant } from './conversation.ts';
import { originatorIdOf } from './call-engine.ts';
import { addressOfRecord } from './format.ts';

export interface DialogEvent {
  /** The line whose `dialog` subscriptions receive the frame. */
  readonly lineId: string;
  readonly type: 'announce' | 'replace' | 'withdraw';
  readonly entityId: string;
  readonly oldId: string | null;
  readonly data: JsonObject;
}

interface Tracked {
  entityId: string;
  state: string;
  readonly participant: Participant;
  readonly created: number;
}

/** Dialog entity ids are ~9-digit numeric strings that count up (§4.4). */
class EntityIds {
  private next = 625_000_000 + Math.floor(Math.random() * 1_000_000);
  take(): string {
    this.next += 1 + Math.floor(Math.random() * 9000);
    return String(this.next);
  }
}

function dialogState(participant: Participant, previous: string | null): string | null {
  const status = participant.status['value'];
  switch (status) {
    case 'RINGING':
      return participant.dialog?.direction === 'initiator' ? 'CREATED' : 'RINGING';
    case 'CONNECTED':
      return 'ANSWERED';
    default:
      return previous; // DISCONNECTING and others: no change until the leg is gone
  }
}

export class DialogTracker {
  private readonly ids = new EntityIds();
  private readonly byCall = new Map<string, Map<string, Tracked>>();

  /** Compares the call's LINE legs with the last view and returns the frames to send, in order. */
  changes(call: CallRecord): DialogEvent[] {
    const tracked = this.byCall.get(call.id) ?? new Map<string, Tracked>();
    this.byCall.set(call.id, tracked);
    const current = new Map<string, { participant: Participant; conversation: Conversation }>();
    for (const conversation of call.conversations) {
      for (const participant of conversation.participants) {
        if (
          participant.party.kind === 'LINE' &&
          participant.dialog !== undefined &&
          !current.has(participant.legId)
        ) {
          current.set(participant.legId, { participant, conversation });
        }
      }
    }
    const events: DialogEvent[] = [];
    for (const [legId, { participant, conversation }] of current) {
      const known = tracked.get(legId);
      const state = dialogState(participant, known?.state ?? null);
      if (state === null) {
        continue;
      }
      if (known === undefined) {
        const entry: Tracked = {
          entityId: this.ids.take(),
          state,
          participant,
          created: conversation.metadata.callCreated,
        };
        tracked.set(legId, entry);
        events.push(this.event(call, 'announce', entry, null));
      } else if (known.state !== state) {
        const oldId = known.entityId;
        known.entityId = this.ids.take();
        known.state = state;
        events.push(this.event(call, 'replace', known, oldId));
      }
    }
    for (const [legId, known] of tracked) {
      if (!current.has(legId)) {
        known.state = 'HUNGUP';
        tracked.delete(legId);
        events.push(this.event(call, 'withdraw', known, null));
      }
    }
    if (call.ended) {
      this.byCall.delete(call.id);
    }
    return events;
  }

  private event(call: CallRecord, type: DialogEvent['type'], t: Tracked, oldId: string | null): DialogEvent {
    const party = t.participant.party as LineParty;
    const view = t.participant.dialog;
    const data: Record<string, Json> = {
      legId: t.participant.legId,
      created: t.created,
      participant: addressOfRecord(party.device.id),
      callee: view?.callee ?? { name: '', number: '' },
      caller: view?.caller ?? { name: '', number: '' },
      direction: view?.direction ?? 'recipient',
      state: t.state,
    };
    if (view?.ani !== null && view?.ani !== undefined) {
      data['ani'] = view.ani;
    }
    data['recordings'] = type === 'withdraw' && call.recorded ? [{ filename: recordingName(t, view) }] : [];
    data['isClickToCall'] = false;
    data['originatorId'] = originatorIdOf(call);
    data['originatorOrganizationId'] = call.organizationId;
    return { lineId: party.line.id, type, entityId: t.entityId, oldId, data };
  }
}

/** base64 of `<local time yyyy-MM-ddTHHmmss>~call~<from>~<to>~<uuid>.wav` (fixtures README, realtime row). */
function recordingName(t: Tracked, view: Participant['dialog']): string {
  const local = new Date(t.created - 6 * 3600 * 1000).toISOString().slice(0, 19).replace(/:/g, '');
  const from = view?.caller.number ?? '';
  const to = view?.callee.number ?? '';
  return Buffer.from(`${local}~call~${from}~${to}~${t.participant.legId}.wav`).toString('base64');
}
