// The card's content is decided here, and only here: the browser's Card from the tracker's Call and the lookup's
// LookupResult (which party is external: calls/external-party.ts; the Card type: src/shared/messages.ts).
import { externalParty, unusableNumber } from '../calls/external-party.ts';
import type { Call, Leg, Party } from '../calls/types.ts';
import type { Contact, LookupResult, Match } from '../lookup/types.ts';
import { formatInternational } from '../phone/phone.ts';
import type { Card, CardContact, CardLine, CardMatch } from '../shared/messages.ts';

/** Everything on a card that comes from the lookup rather than from GoTo. */
export type CardEnrichment = Pick<Card, 'lookup' | 'history' | 'urgency' | 'links'>;

/** What a card shows before the lookup has answered (an unusable number is "done" at once, as the lookup says). */
export function pendingEnrichment(call: Call): CardEnrichment {
  const unusable = unusableNumber(externalParty(call));
  return {
    lookup: { status: unusable === null ? 'pending' : 'done', matches: [], unknownReason: unusable },
    history: { lastCall: null, callsLast30Days: 0 },
    urgency: { level: 'none', reason: null },
    links: [],
  };
}

/** A contact as the card shows it: store-only fields (notes, custom fields) stay behind. */
export function toCardContact(c: Contact): CardContact {
  return {
    id: c.id,
    name: c.name,
    company: c.company,
    email: c.email,
    tier: c.tier,
    tags: c.tags,
    recordUrl: c.recordUrl,
    tickets: c.tickets.map((t) => ({ id: t.id, title: t.title, status: t.status, url: t.url })),
    appointments: c.appointments.map((a) => ({ at: a.at, title: a.title })),
  };
}

export function toCardMatch(m: Match): CardMatch {
  return {
    contact: toCardContact(m.contact),
    score: m.score,
    reason: m.reasonText,
    pinned: m.reason === 'pinned',
    source: m.source,
    pinnedBy: m.pinnedBy ?? null,
  };
}

/** LookupResult → the card's lookup, history, urgency and links fields, 1:1. */
export function toCardEnrichment(r: LookupResult): CardEnrichment {
  const last = r.history.lastCall;
  return {
    lookup: { status: r.status, matches: r.matches.map(toCardMatch), unknownReason: r.unknownReason },
    history: {
      lastCall:
        last === null
          ? null
          : {
              callId: last.callId,
              at: last.at,
              outcome: last.outcome,
              answeredByName: last.answeredByName,
              notes: last.notes,
              disposition: last.disposition,
            },
      callsLast30Days: r.history.callsLast30Days,
    },
    urgency: r.urgency,
    links: r.links,
  };
}

/** Formatting a number is not free and a call keeps its parties across versions: once per party object. */
const displays = new WeakMap<Party, string>();

/** "+1 312 555 0140", else the raw number, else "Withheld" (the external party: the callee of an outbound call). */
export function callerDisplay(call: Call): string {
  const party = externalParty(call);
  let display = displays.get(party);
  if (display === undefined) {
    display =
      party.e164 !== null
        ? formatInternational(party.e164)
        : party.withheld || party.raw === ''
          ? 'Withheld'
          : party.raw;
    displays.set(party, display);
  }
  return display;
}

function cardLine(leg: Leg): CardLine {
  const line = { lineId: leg.lineId, extension: leg.extension, name: leg.name, state: leg.state };
  return leg.rangUnheard === true ? { ...line, rangUnheard: true } : line;
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

const NO_LINES: ReadonlyMap<string, CardLine> = new Map();

export function buildCard({ call, enrichment, version, notes, seenLines = NO_LINES }: CardInput): Card {
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
