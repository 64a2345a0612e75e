import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLAIM_TTL_MS,
  claimOnce,
  notificationBody,
  notificationTitle,
  startsRinging,
} from './notify-claim.ts';
import type { StorageLike, WithLock } from './notify-claim.ts';
import { makeCard } from './testing/cards.ts';

class MemoryStorage implements StorageLike {
  map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  key(i: number): string | null {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.map.set(k, v);
  }
  removeItem(k: string): void {
    this.map.delete(k);
  }
}

/** A real mutex, as navigator.locks would give each tab. */
function mutex(): WithLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(_name: string, fn: () => T): Promise<T> => {
    const run = tail.then(async () => {
      await new Promise((r) => setTimeout(r, 1));
      return fn();
    });
    tail = run.catch(() => undefined);
    return run;
  };
}

test('two tabs racing for the same call: exactly one wins', async () => {
  const storage = new MemoryStorage();
  const withLock = mutex();
  const results = await Promise.all([
    claimOnce('c1', { storage, withLock, now: 1 }),
    claimOnce('c1', { storage, withLock, now: 1 }),
    claimOnce('c1', { storage, withLock, now: 2 }),
  ]);
  assert.deepEqual(results.filter(Boolean).length, 1);
});

test('different calls are claimed independently', async () => {
  const storage = new MemoryStorage();
  const withLock = mutex();
  assert.equal(await claimOnce('c1', { storage, withLock, now: 1 }), true);
  assert.equal(await claimOnce('c2', { storage, withLock, now: 1 }), true);
});

test('old claims are forgotten, other keys untouched', async () => {
  const storage = new MemoryStorage();
  storage.setItem('unrelated', 'x');
  const withLock = mutex();
  await claimOnce('old', { storage, withLock, now: 0 });
  await claimOnce('new', { storage, withLock, now: CLAIM_TTL_MS + 1 });
  assert.deepEqual([...storage.map.keys()].sort(), ['screenpop:notified:new', 'unrelated']);
});

test('only the transition into ringing of a call to us counts', () => {
  const ringing = makeCard({ phase: 'ringing' });
  assert.equal(startsRinging(undefined, ringing), true);
  assert.equal(startsRinging(ringing, makeCard({ phase: 'ringing', version: 2 })), false);
  assert.equal(startsRinging(undefined, makeCard({ phase: 'connected' })), false);
  assert.equal(startsRinging(undefined, makeCard({ direction: 'outbound' })), false);
});

test('the title prefers the contact, then the caller-ID name, then the number', () => {
  assert.equal(notificationTitle(makeCard()), '+1 312-555-0140');
  assert.equal(notificationTitle(makeCard({ caller: { name: '<b>Eve</b>' } })), '<b>Eve</b>');
  assert.equal(notificationBody(makeCard()), 'Incoming call');
  assert.equal(
    notificationBody(
      makeCard({ caller: { name: 'Eve' }, urgency: { level: 'urgent', reason: '3 calls today' } }),
    ),
    '+1 312-555-0140 · 3 calls today',
  );
});
