// Builds the browser's Card from the tracker's Call and what the caller lookup found so far.
import { externalParty } from '../lookup/caller-lookup.ts';
import { formatInternational } from '../phone/phone.ts';
import type { Call, Leg } from '../calls/types.ts';
import type { Card, CardLine } from '../shared/messages.ts';
import type { UnknownReason } from '../lookup/types.ts';

/** Everything on a card that comes from the lookup rather than from GoTo (see lookup-view.ts). */
export type CardEnrichment = Pick<Card, 'lookup' | 'history' | 'urgency' | 'links'>;

/** What a card shows before the lookup has answered. */
export function pendingEnrichment(call: Call): CardEnrichment {
  const party = externalParty(call);
  // The same wording the lookup uses, so the first card and the looked-up one agree.
  const unusable: UnknownReason | null = party.withheld
    ? 'withheld number'
    : party.extension !== null
      ? 'internal extension'
      : party.e164 === null
        ? 'invalid number'
        : null;
  return {
    lookup: { status: unusable === null ? 'pending' : 'done', matches: [], unknownReason: unusable },
    history: { lastCall: null, callsLast30Days: 0 },
    urgency: { level: 'none', reason: null },
    links: [],
  };
}

/** "+1 312 555 0140", else the raw number, else "Withheld" (the external party: the callee of an outbound call). */
export function callerDisplay(call: Call): string {
  const party = externalParty(call);
  if (party.e164 !== null) {
    return formatInternational(party.e164);
  }
  if (party.withheld || party.raw === '') {
    return 'Withheld';
  }
  return party.raw;
}

function cardLine(leg: Leg): CardLine {
  return { lineId: leg.lineId, extension: leg.extension, name: leg.name, state: leg.state };
}

export interface CardInput {
  readonly call: Call;
  readonly enrichment: CardEnrichment;
  readonly version: number;
  readonly notes: Card['notes'];
  /** Lines seen earlier in this call: the answering leg may be gone by the time the call ends. */
  readonly seenLines?: ReadonlyMap<string, CardLine>;
}

function answeringLine(call: Call, seenLines: ReadonlyMap<string, CardLine>): CardLine | null {
  if (call.answeredBy === null) {
    return null;
  }
  const leg = call.legs.find((l) => l.lineId === call.answeredBy);
  if (leg !== undefined) {
    return cardLine(leg);
  }
  const seen = seenLines.get(call.answeredBy);
  return seen !== undefined
    ? { ...seen, state: 'gone' }
    : { lineId: call.answeredBy, extension: null, name: null, state: 'gone' };
}

export function buildCard({ call, enrichment, version, notes, seenLines = new Map() }: CardInput): Card {
  const answeredBy = answeringLine(call, seenLines);
  const party = externalParty(call);
  return {
    callId: call.id,
    version,
    direction: call.direction,
    phase: call.phase,
    outcome: call.outcome,
    ...(call.outcomeUnknown === true ? { outcomeUnknown: true } : {}),
    caller: {
      display: callerDisplay(call),
      e164: party.e164,
      name: party.name,
      withheld: party.withheld,
    },
    dialed: call.dialed,
    queue: call.queue?.name ?? null,
    lines: call.legs.map(cardLine),
    answeredBy,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    ...enrichment,
    notes,
  };
}
