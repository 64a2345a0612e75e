// Spec of the pop ledger's accounting: added latency against the ring frame, lost, wrong agent, windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PopLedger, percentile } from './ledger.ts';

const owners: Record<string, string> = { L1: 'a1', L2: 'a2', L3: 'a3' };
const ownerOf = (lineId: string) => owners[lineId];
const everyone = new Set(['a1', 'a2', 'a3']);

test('added latency is card arrival minus the arrival of the frame in which the line first rang', () => {
  const ledger = new PopLedger();
  ledger.ring('+1', 'L1', 100);
  ledger.ring('+1', 'L1', 150); // a later frame with the line still ringing does not move the baseline
  ledger.card('+1', 'a1', 101.5);
  ledger.card('+1', 'a1', 300); // a later update of the same card does not count
  const s = ledger.summarize(ownerOf, everyone);
  assert.deepEqual([s.expected, s.delivered, s.lost, s.wrongAgent, s.unmatched], [1, 1, 0, 0, 0]);
  assert.equal(s.p50Ms, 1.5);
  assert.equal(s.maxMs, 1.5);
});

test('a rung line whose connected agent got no card is lost; an agent without a socket expects none', () => {
  const ledger = new PopLedger();
  ledger.ring('+1', 'L1', 0);
  ledger.ring('+2', 'L2', 0);
  ledger.ring('+3', 'L3', 0);
  ledger.card('+1', 'a1', 1);
  const s = ledger.summarize(ownerOf, new Set(['a1', 'a2']));
  assert.equal(s.expected, 2);
  assert.equal(s.lost, 1);
  assert.equal(ledger.missing(ownerOf, new Set(['a1', 'a2'])), 1);
});

test('a card to an agent whose line did not ring for that call is counted as wrong, an unknown call as unmatched', () => {
  const ledger = new PopLedger();
  ledger.ring('+1', 'L1', 0);
  ledger.card('+1', 'a1', 1);
  ledger.card('+1', 'a2', 1);
  ledger.card('+9', 'a3', 1);
  const s = ledger.summarize(ownerOf, everyone);
  assert.equal(s.wrongAgent, 1);
  assert.equal(s.unmatched, 1);
  assert.equal(s.lost, 0);
});

test('p99 per window groups samples by ring time from the first ring', () => {
  const ledger = new PopLedger();
  for (let i = 0; i < 30; i += 1) {
    const rang = i * 1_000; // one call per second: three 10-s windows
    ledger.ring(`+${i}`, 'L1', rang);
    ledger.card(`+${i}`, 'a1', rang + (i < 10 ? 1 : i < 20 ? 2 : 3));
  }
  const s = ledger.summarize(ownerOf, everyone);
  assert.deepEqual(s.windowP99Ms, [1, 2, 3]);
});

test('percentile is the nearest rank of sorted samples', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('pairs: every expected card as [ring, card or null when lost], in ring order (the takeover timeline)', () => {
  const ledger = new PopLedger();
  ledger.ring('+2', 'L2', 50);
  ledger.ring('+1', 'L1', 10);
  ledger.ring('+3', 'L3', 30); // a3 has no socket: no card expected
  ledger.card('+1', 'a1', 12);
  ledger.card('+1', 'a1', 40); // a later update keeps the first arrival
  assert.deepEqual(ledger.pairs(ownerOf, new Set(['a1', 'a2'])), [
    [10, 12],
    [50, null],
  ]);
});
