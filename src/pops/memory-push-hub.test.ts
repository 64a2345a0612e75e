import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPushHub } from './memory-push-hub.ts';
import { buildCard, pendingEnrichment } from './card-builder.ts';
import { call } from './test-calls.ts';
import type { BufferedCard } from './card-buffer.ts';

const card = (id: string, version = 1) =>
  buildCard({ call: call({ id }), enrichment: pendingEnrichment(call()), version, notes: null });

test('every socket of the listed agents gets the card, others get nothing', () => {
  const hub = new MemoryPushHub();
  const tab1: BufferedCard[] = [];
  const tab2: BufferedCard[] = [];
  const other: BufferedCard[] = [];
  hub.subscribe('a@x', (e) => tab1.push(e));
  hub.subscribe('a@x', (e) => tab2.push(e));
  hub.subscribe('b@x', (e) => other.push(e));
  hub.publish(['a@x'], card('c1'));
  assert.equal(tab1.length, 1);
  assert.equal(tab2.length, 1);
  assert.equal(other.length, 0);
  assert.equal(hub.hasCard('b@x', 'c1'), false);
  assert.equal(hub.hasCard('a@x', 'c1'), true);
});

test('cursors count per agent', () => {
  const hub = new MemoryPushHub();
  hub.publish(['a@x', 'b@x'], card('c1'));
  hub.publish(['a@x'], card('c2'));
  assert.equal(hub.cursor('a@x'), 2);
  assert.equal(hub.cursor('b@x'), 1);
  assert.deepEqual(
    hub.since('a@x', 1).map((e) => e.card.callId),
    ['c2'],
  );
});

test('unsubscribing stops delivery and the socket count follows', () => {
  const hub = new MemoryPushHub();
  const got: BufferedCard[] = [];
  const off = hub.subscribe('a@x', (e) => got.push(e));
  assert.equal(hub.socketCount(), 1);
  off();
  hub.publish(['a@x'], card('c1'));
  assert.equal(got.length, 0);
  assert.equal(hub.socketCount(), 0);
  assert.equal(hub.cards('a@x').length, 1);
});
