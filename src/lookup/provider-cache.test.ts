import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderCache } from './provider-cache.ts';
import { TestClock, contact } from './testing/values.ts';

test('fresh within the TTL, stale within the stale window, gone after', () => {
  const clock = new TestClock(0);
  const cache = new ProviderCache(10, clock);
  cache.set('k', [contact('a')]);
  assert.equal(cache.get('k', 1000, 5000)?.fresh, true);
  clock.advance(1001);
  assert.equal(cache.get('k', 1000, 5000)?.fresh, false);
  clock.advance(5000);
  assert.equal(cache.get('k', 1000, 5000), null);
  assert.equal(cache.size, 0);
});

test('bounded: the least recently used entry goes first', () => {
  const cache = new ProviderCache(2, new TestClock(0));
  cache.set('a', []);
  cache.set('b', []);
  cache.get('a', 1000, 0);
  cache.set('c', []);
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b', 1000, 0), null);
  assert.notEqual(cache.get('a', 1000, 0), null);
  assert.notEqual(cache.get('c', 1000, 0), null);
});
