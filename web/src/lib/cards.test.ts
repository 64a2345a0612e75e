import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyCard,
  applyCards,
  canCreateContact,
  MAX_ENDED_CARDS,
  needsPicker,
  newestNotesCard,
  orderCards,
  primaryMatch,
  isSettled,
  SETTLED_AFTER_MS,
} from './cards.ts';
import { makeCard } from './testing/cards.ts';
import type { CardMatch } from '../../../src/shared/messages.ts';

const match = (id: string, pinned = false): CardMatch => ({
  contact: {
    id,
    name: `Contact ${id}`,
    company: null,
    email: null,
    tier: null,
    tags: [],
    recordUrl: null,
    tickets: [],
    appointments: [],
  },
  score: 1,
  reason: 'exact E.164',
  pinned,
});

test('a newer version replaces the card', () => {
  const one = applyCard(new Map(), makeCard({ version: 1 }));
  const two = applyCard(one, makeCard({ version: 2, phase: 'connected' }));
  assert.equal(two.get('call-1')?.phase, 'connected');
});

test('an older or equal version is ignored and the same map comes back', () => {
  const cards = applyCard(new Map(), makeCard({ version: 5, phase: 'ended' }));
  assert.equal(applyCard(cards, makeCard({ version: 4, phase: 'ringing' })), cards);
  assert.equal(applyCard(cards, makeCard({ version: 5, phase: 'ringing' })), cards);
  assert.equal(cards.get('call-1')?.phase, 'ended');
});

test('a stale snapshot cannot undo a pushed update', () => {
  const pushed = applyCard(new Map(), makeCard({ version: 3, phase: 'ended' }));
  const merged = applyCards(pushed, [makeCard({ version: 2 }), makeCard({ callId: 'call-2', version: 1 })]);
  assert.equal(merged.get('call-1')?.phase, 'ended');
  assert.equal(merged.size, 2);
});

test('ringing calls come first, then answered, then ended, newest first in each group', () => {
  const ordered = orderCards([
    makeCard({ callId: 'old-ended', phase: 'ended', startedAt: 1 }),
    makeCard({ callId: 'new-ended', phase: 'ended', startedAt: 9 }),
    makeCard({ callId: 'talking', phase: 'connected', startedAt: 5 }),
    makeCard({ callId: 'ring-old', phase: 'ringing', startedAt: 2 }),
    makeCard({ callId: 'ring-new', phase: 'ringing', startedAt: 8 }),
  ]);
  assert.deepEqual(
    ordered.map((c) => c.callId),
    ['ring-new', 'ring-old', 'talking', 'new-ended', 'old-ended'],
  );
});

test('only the newest ended cards are kept', () => {
  let cards = applyCard(new Map(), makeCard({ callId: 'live', phase: 'ringing' }));
  for (let i = 0; i < MAX_ENDED_CARDS + 5; i++) {
    cards = applyCard(cards, makeCard({ callId: `e${i}`, phase: 'ended', startedAt: i, endedAt: i + 1 }));
  }
  assert.equal(cards.size, MAX_ENDED_CARDS + 1);
  assert.ok(cards.has('live'));
  assert.ok(!cards.has('e0'));
  assert.ok(cards.has(`e${MAX_ENDED_CARDS + 4}`));
});

test('the pinned match wins over the best-scored one', () => {
  const card = makeCard({ lookup: { matches: [match('a'), match('b', true)] } });
  assert.equal(primaryMatch(card)?.contact.id, 'b');
  assert.equal(needsPicker(card), false);
});

test('several unpinned matches need a picker; one does not', () => {
  assert.equal(needsPicker(makeCard({ lookup: { matches: [match('a'), match('b')] } })), true);
  assert.equal(needsPicker(makeCard({ lookup: { matches: [match('a')] } })), false);
});

test('create contact is offered only for a finished lookup without matches and a visible number', () => {
  assert.equal(canCreateContact(makeCard()), true);
  assert.equal(canCreateContact(makeCard({ lookup: { status: 'pending' } })), false);
  assert.equal(canCreateContact(makeCard({ lookup: { matches: [match('a')] } })), false);
  assert.equal(canCreateContact(makeCard({ caller: { withheld: true } })), false);
});

test('the notes shortcut targets the newest answered or ended card, never a ringing one', () => {
  const ordered = orderCards([
    makeCard({ callId: 'ringing', phase: 'ringing', startedAt: 10 }),
    makeCard({ callId: 'ended', phase: 'ended', startedAt: 7 }),
    makeCard({ callId: 'talking', phase: 'connected', startedAt: 3 }),
  ]);
  assert.equal(newestNotesCard(ordered)?.callId, 'ended');
  assert.equal(newestNotesCard([makeCard()]), null);
});

test('calls that ended a while ago, or that a colleague took, settle into one line', () => {
  const now = 1_700_000_000_000 + 60 * 60_000;
  const mine = new Set(['L1']);
  const line = (id: string) => ({ lineId: id, extension: null, name: null, state: 'gone' as const });
  const ended = { phase: 'ended' as const, endedAt: now - 1000 };
  assert.equal(isSettled(makeCard({ phase: 'ended', endedAt: now - SETTLED_AFTER_MS - 1 }), now, mine), true);
  assert.equal(isSettled(makeCard(ended), now, mine), false, 'a fresh missed call stays open');
  assert.equal(
    isSettled(makeCard({ ...ended, answeredBy: line('L1') }), now, mine),
    false,
    'my call stays open',
  );
  assert.equal(
    isSettled(makeCard({ ...ended, answeredBy: line('L7') }), now, mine),
    true,
    'a colleague took it',
  );
  assert.equal(
    isSettled(makeCard({ phase: 'connected', startedAt: 0, answeredBy: line('L7') }), now, mine),
    false,
  );
});
