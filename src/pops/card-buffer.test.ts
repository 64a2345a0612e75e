import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardBuffer } from './card-buffer.ts';
import { buildCard, pendingEnrichment } from './card-builder.ts';
import { call } from './testing/calls.ts';
import type { Card } from '../shared/messages.ts';

function card(id: string, version: number): Card {
  const c = call({ id });
  return buildCard({ call: c, enrichment: pendingEnrichment(c), version, notes: null });
}

test('each update gets the next cursor', () => {
  const buffer = new CardBuffer(10);
  assert.equal(buffer.add(card('a', 1))?.cursor, 1);
  assert.equal(buffer.add(card('b', 1))?.cursor, 2);
  assert.equal(buffer.add(card('a', 2))?.cursor, 3);
  assert.equal(buffer.position, 3);
});

test('an older or equal version of a card is dropped', () => {
  const buffer = new CardBuffer(10);
  buffer.add(card('a', 2));
  assert.equal(buffer.add(card('a', 2)), null);
  assert.equal(buffer.add(card('a', 1)), null);
  assert.equal(buffer.cards()[0]?.version, 2);
});

test('replay since a cursor gives each missed call once, in its latest version', () => {
  const buffer = new CardBuffer(10);
  buffer.add(card('a', 1));
  buffer.add(card('b', 1));
  buffer.add(card('a', 2));
  buffer.add(card('a', 3));
  const replay = buffer.since(1);
  assert.deepEqual(
    replay.map((e) => [e.card.callId, e.card.version]),
    [
      ['b', 1],
      ['a', 3],
    ],
  );
  assert.deepEqual(buffer.since(4), []);
});

test('a cursor from before a restart replays everything', () => {
  const buffer = new CardBuffer(10);
  buffer.add(card('a', 1));
  assert.equal(buffer.since(99).length, 1);
});

test('the buffer keeps only the most recently updated calls', () => {
  const buffer = new CardBuffer(2);
  buffer.add(card('a', 1));
  buffer.add(card('b', 1));
  buffer.add(card('a', 2));
  buffer.add(card('c', 1));
  assert.deepEqual(
    buffer.cards().map((c) => c.callId),
    ['c', 'a'],
  );
  assert.equal(buffer.has('b'), false);
});
