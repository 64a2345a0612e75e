// LookupResult → the card's lookup, history, urgency and links fields (src/shared/messages.ts), 1:1.
import type { Call } from '../calls/types.ts';
import type { Card, CardContact, CardMatch } from '../shared/messages.ts';
import type { CallerLookup } from './caller-lookup.ts';
import type { LookupLog } from './provider-runner.ts';
import type { Contact, LookupResult, Match } from './types.ts';

export type CardEnrichment = Pick<Card, 'lookup' | 'history' | 'urgency' | 'links'>;

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
  };
}

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

/**
 * The shape pops/ calls (its CardLookup port): first result within the budget, then every late update.
 * The lookup never rejects for a provider; a store failure is logged and the card keeps its pending view.
 */
export function cardLookup(
  service: CallerLookup,
  log?: LookupLog,
): { start(call: Call, update: (e: CardEnrichment) => void): void } {
  return {
    start(call, update) {
      const send = (r: LookupResult): void => update(toCardEnrichment(r));
      service.lookup(call, send).then(send, (error: unknown) => {
        log?.warn({ callId: call.id, error: String(error) }, 'caller lookup failed');
      });
    },
  };
}
