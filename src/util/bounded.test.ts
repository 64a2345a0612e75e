import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedSet, RecencyMap } from './bounded.ts';
import { seededRandom } from './seeded-random.ts';

test('a bounded set forgets its oldest members past the limit', () => {
  const set = new BoundedSet<string>(3);
  assert.equal(set.add('a'), true);
  assert.equal(set.add('b'), true);
  assert.equal(set.add('a'), false);
  set.add('c');
  set.add('d');
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((k) => set.has(k)),
    [false, true, true, true],
  );
  assert.equal(set.delete('c'), true);
  set.add('e');
  set.add('f');
  assert.deepEqual(
    ['b', 'd', 'e', 'f'].map((k) => set.has(k)),
    [false, true, true, true],
  );
  assert.equal(set.size, 3);
});

test('a recency map drops the least recently touched, and names it', () => {
  const map = new RecencyMap<string, number>(3);
  map.set('a', 1);
  map.set('b', 2);
  map.set('c', 3);
  assert.equal(map.touch('a'), true);
  assert.equal(map.oldest(), 'b');
  map.set('d', 4);
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((k) => map.get(k)),
    [1, undefined, 3, 4],
  );
  map.set('c', 30); // a set touches too
  assert.equal(map.oldest(), 'a');
  map.delete('a');
  assert.equal(map.oldest(), 'd');
  assert.equal(map.touch('zz'), false);
  assert.deepEqual([...map.entries()].sort(), [
    ['c', 30],
    ['d', 4],
  ]);
});

test('a recency map behaves as a Map re-inserted on every touch (random operations)', () => {
  const random = seededRandom(12);
  const map = new RecencyMap<number, number>(50);
  const model = new Map<number, number>();
  for (let i = 0; i < 20_000; i++) {
    const key = Math.floor(random() * 120);
    const op = random();
    if (op < 0.4) {
      map.set(key, i);
      model.delete(key);
      model.set(key, i);
      if (model.size > 50) {
        model.delete(model.keys().next().value!);
      }
    } else if (op < 0.7) {
      const had = model.has(key);
      assert.equal(map.touch(key), had);
      if (had) {
        const value = model.get(key)!;
        model.delete(key);
        model.set(key, value);
      }
    } else if (op < 0.8) {
      assert.equal(map.delete(key), model.delete(key));
    } else {
      assert.equal(map.get(key), model.get(key));
    }
    assert.equal(map.size, model.size);
    assert.equal(map.oldest(), model.keys().next().value);
  }
});

// Issue 12: Map/Set iteration walks deleted slots, so "delete the first key" grew to 40 µs per add at 100,000
// members. The work is counted here, not timed: it must not grow with the size.
test('adding to a full bounded set or recency map costs the same at 1,000 and at 100,000 members', () => {
  for (const limit of [1_000, 100_000]) {
    const set = new BoundedSet<number>(limit);
    const map = new RecencyMap<number, number>(limit);
    for (let i = 0; i < limit; i++) {
      set.add(i);
      map.set(i, i);
    }
    const before = { set: set.steps, map: map.steps };
    const adds = 200_000;
    for (let i = limit; i < limit + adds; i++) {
      set.add(i);
      map.set(i, i);
      map.touch(i - 1);
      map.oldest();
    }
    assert.ok((set.steps - before.set) / adds <= 3, `set: ${(set.steps - before.set) / adds} steps per add`);
    assert.ok((map.steps - before.map) / adds <= 8, `map: ${(map.steps - before.map) / adds} steps per add`);
  }
});
