import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceTracker } from './sequence-tracker.ts';
import { backoffDelay } from '../backoff.ts';

test('consecutive states make no gap; a jump reports exactly the missing numbers', () => {
  const seq = new SequenceTracker();
  assert.equal(seq.observe('c', 1), null);
  assert.equal(seq.observe('c', 2), null);
  assert.deepEqual(seq.observe('c', 5), { callId: 'c', from: 3, to: 4 });
  assert.equal(seq.highest('c'), 5);
});

test('a call first seen past state 1 lacks its start; duplicates and late states are no gap', () => {
  const seq = new SequenceTracker();
  assert.deepEqual(seq.observe('c', 4), { callId: 'c', from: 1, to: 3 });
  assert.equal(seq.observe('c', 4), null);
  assert.equal(seq.observe('c', 2), null);
  assert.equal(seq.highest('c'), 4);
});

test('recovery raises the mark without reporting a gap; the map stays bounded', () => {
  const seq = new SequenceTracker(2);
  seq.raise('a', 7);
  assert.equal(seq.observe('a', 8), null);
  seq.observe('b', 1);
  seq.observe('c', 1);
  assert.equal(seq.highest('a'), null, 'the least recently advanced call was evicted');
});

test('back-off grows exponentially, is capped, and jitters within the upper half', () => {
  const low = { baseMs: 100, maxMs: 1_000, random: () => 0 };
  const high = { ...low, random: () => 1 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, high)),
    [100, 200, 400, 800, 1_000, 1_000],
  );
  assert.deepEqual(
    [0, 1, 4].map((n) => backoffDelay(n, low)),
    [50, 100, 500],
  );
});
