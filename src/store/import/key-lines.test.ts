import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyLines } from './key-lines.ts';

test('remembers the first line of each key, across growth', () => {
  const seen = new KeyLines(4);
  for (let i = 1; i <= 10_000; i++) {
    assert.equal(seen.firstOrSet(i * 2_654_435_761 + 2 ** 40, i), undefined);
  }
  assert.equal(seen.size, 10_000);
  assert.equal(seen.firstOrSet(7 * 2_654_435_761 + 2 ** 40, 99_999), 7);
  assert.equal(seen.firstOrSet(0, 5), undefined);
  assert.equal(seen.firstOrSet(0, 6), 5);
});

test('refuses line 0, which marks empty slots', () => {
  assert.throws(() => new KeyLines().firstOrSet(1, 0), RangeError);
});
