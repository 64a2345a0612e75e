// Cards as the pop service publishes them → the four webhook events, each once per call, in call order.
import { createHash, randomUUID } from 'node:crypto';
import type { Card, CardLine, CardMatch } from '../shared/messages.ts';
import type { WebhookEventType } from './ports.ts';
import { RecencyMap } from '../util/bounded.ts';

/** One event, before it is fanned out to the endpoints that want it. */
export interface WebhookEvent {
  /** webhook-id: derived from the call and type, so every instance that saw the call names it the same. */
  readonly id: string;
  readonly type: WebhookEventType;
  readonly callId: string;
  readonly at: number;
  /** The body's `data`. */
  readonly data: Readonly<Record<string, unknown>>;
}

export function eventId(callId: string, type: WebhookEventType): string {
  return `msg_${createHash('sha256').update(`${callId}\n${type}`).digest('base64url').slice(0, 27)}`;
}

/** The match the card shows first: the pinned one, else the best score. */
function shownMatch(card: Card): CardMatch | null {
  const matches = card.lookup.matches;
  return matches.find((m) => m.pinned) ?? [...matches].sort((a, b) => b.score - a.score)[0] ?? null;
}

function line(l: CardLine | null): Record<string, unknown> | null {
  return l === null ? null : { lineId: l.lineId, extension: l.extension, name: l.name };
}

function callFields(card: Card): Record<string, unknown> {
  return {
    callId: card.callId,
    direction: card.direction,
    caller: {
      e164: card.caller.e164,
      display: card.caller.display,
      name: card.caller.name,
      withheld: card.caller.withheld,
    },
    dialed: card.dialed,
    queue: card.queue,
  };
}

function ringing(card: Card): Record<string, unknown> {
  const match = shownMatch(card);
  return {
    ...callFields(card),
    startedAt: card.startedAt,
    lines: card.lines.map(line),
    match:
      match === null
        ? null
        : {
            contactId: match.contact.id,
            name: match.contact.name,
            company: match.contact.company,
            email: match.contact.email,
            reason: match.reason,
            pinned: match.pinned,
            recordUrl: match.contact.recordUrl,
          },
    matches: card.lookup.matches.length,
    unknownReason: card.lookup.unknownReason,
    urgency: card.urgency.level,
  };
}

function seconds(from: number | null, to: number | null): number | null {
  return from === null || to === null ? null : Math.max(0, Math.round((to - from) / 1000));
}

function ended(card: Card): Record<string, unknown> {
  return {
    ...callFields(card),
    outcome: card.outcome,
    answeredBy: line(card.answeredBy),
    startedAt: card.startedAt,
    answeredAt: card.answeredAt,
    endedAt: card.endedAt,
    durations: {
      ringSeconds: seconds(card.startedAt, card.answeredAt ?? card.endedAt),
      talkSeconds: seconds(card.answeredAt, card.endedAt),
      totalSeconds: seconds(card.startedAt, card.endedAt),
    },
  };
}

// Calls whose events were decided; the oldest are forgotten (the outbox's unique event id still drops a repeat).
const REMEMBERED = 5_000;

/** Follows each call's cards and says which events they complete. */
export class EventMapper {
  /** Set once per call (never touched again): the first calls seen are the first forgotten. */
  private readonly sent = new RecencyMap<string, Set<WebhookEventType>>(REMEMBERED);

  /** The events this card completes, oldest first (a card may complete several: a call seen late). */
  fromCard(card: Card, now: number): WebhookEvent[] {
    const sent = this.sentFor(card.callId);
    const out: WebhookEvent[] = [];
    const emit = (type: WebhookEventType, data: Record<string, unknown>): void => {
      if (!sent.has(type)) {
        sent.add(type);
        out.push({ id: eventId(card.callId, type), type, callId: card.callId, at: now, data });
      }
    };
    // call.ringing carries the match, so it waits for the lookup (its time budget bounds the wait), unless the
    // call has moved on already.
    if (card.lookup.status !== 'pending' || card.phase !== 'ringing') {
      emit('call.ringing', ringing(card));
    }
    if (card.answeredBy !== null && card.answeredAt !== null) {
      emit('call.answered', {
        ...callFields(card),
        answeredBy: line(card.answeredBy),
        answeredAt: card.answeredAt,
      });
    }
    if (card.phase === 'ended') {
      emit('call.ended', ended(card));
    }
    return out;
  }

  /** Notes saved on a call: one event per save (a new id each time; a later save is news). */
  notes(
    callId: string,
    saved: { readonly notes: string | null; readonly disposition: string | null; readonly by: string | null },
    now: number,
  ): WebhookEvent {
    return {
      id: `msg_${randomUUID().replaceAll('-', '')}`,
      type: 'call.notes',
      callId,
      at: now,
      data: { callId, notes: saved.notes, disposition: saved.disposition, savedBy: saved.by, savedAt: now },
    };
  }

  private sentFor(callId: string): Set<WebhookEventType> {
    const known = this.sent.get(callId);
    if (known !== undefined) {
      return known;
    }
    const fresh = new Set<WebhookEventType>();
    this.sent.set(callId, fresh);
    return fresh;
  }
}
