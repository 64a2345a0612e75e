// The live card list: apply updates by version (never go back in time) and order them for display.
import type { Card } from '../../../src/shared/messages.ts';

export type CardMap = ReadonlyMap<string, Card>;

/** How many ended cards stay on the live page; older ones are in the call history. */
export const MAX_ENDED_CARDS = 20;

/** Returns a new map with `card` applied, or the same map when the update is not newer than what we show. */
export function applyCard(cards: CardMap, card: Card): CardMap {
  const current = cards.get(card.callId);
  if (current && current.version >= card.version) {
    return cards;
  }
  const next = new Map(cards);
  next.set(card.callId, card);
  return pruneEnded(next);
}

/** Applies many cards (a GET /api/cards snapshot or a replay); older versions lose as above. */
export function applyCards(cards: CardMap, incoming: readonly Card[]): CardMap {
  return incoming.reduce(applyCard, cards);
}

/** Ringing calls first, then live (answered) calls, then ended ones; newest first inside each group. */
export function orderCards(cards: Iterable<Card>): Card[] {
  const rank = (c: Card): number => (c.phase === 'ringing' ? 0 : c.phase === 'connected' ? 1 : 2);
  return [...cards].sort(
    (a, b) => rank(a) - rank(b) || b.startedAt - a.startedAt || (a.callId < b.callId ? -1 : 1),
  );
}

function pruneEnded(cards: Map<string, Card>): Map<string, Card> {
  const ended = [...cards.values()].filter((c) => c.phase === 'ended');
  if (ended.length <= MAX_ENDED_CARDS) {
    return cards;
  }
  ended.sort((a, b) => (b.endedAt ?? b.startedAt) - (a.endedAt ?? a.startedAt));
  for (const old of ended.slice(MAX_ENDED_CARDS)) {
    cards.delete(old.callId);
  }
  return cards;
}

/** The contact a card is about: the pinned match, else the best one; null for an unknown caller. */
export function primaryMatch(card: Card): Card['lookup']['matches'][number] | null {
  const { matches } = card.lookup;
  return matches.find((m) => m.pinned) ?? matches[0] ?? null;
}

/** Several contacts share the number and nobody pinned one yet: ask the agent. */
export function needsPicker(card: Card): boolean {
  return card.lookup.matches.length > 1 && !card.lookup.matches.some((m) => m.pinned);
}

/** Offer "create contact" once the lookup finished with nothing and there is a number to save. */
export function canCreateContact(card: Card): boolean {
  return card.lookup.status !== 'pending' && card.lookup.matches.length === 0 && !card.caller.withheld;
}

/** The newest card the agent would write notes for: answered or ended, newest first. */
export function newestNotesCard(ordered: readonly Card[]): Card | null {
  const candidates = ordered.filter((c) => c.phase !== 'ringing');
  candidates.sort((a, b) => b.startedAt - a.startedAt);
  return candidates[0] ?? null;
}

/** Ended this long ago, a card shrinks to one line on the live page (the agent can open it again). */
export const SETTLED_AFTER_MS = 10 * 60 * 1000;

/**
 * An ended card shrinks to one line when it ended a while ago, or at once when a colleague took the call
 * (their notes, not mine). Missed calls and my own calls stay open for the follow-up.
 */
export function isSettled(card: Card, now: number, myLineIds: ReadonlySet<string>): boolean {
  if (card.phase !== 'ended') {
    return false;
  }
  const takenByColleague = card.answeredBy !== null && !myLineIds.has(card.answeredBy.lineId);
  return takenByColleague || now - (card.endedAt ?? card.startedAt) > SETTLED_AFTER_MS;
}
