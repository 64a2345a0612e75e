// Bounded collections that forget their oldest members in O(1).
//
// Why not `map.keys().next()` to find the oldest: V8's Map and Set leave a deleted entry's slot in place until
// the table is rebuilt, and an iterator walks those slots. A collection that adds one member and deletes its
// oldest on every call piles its deleted slots up at the front, so each `keys().next()` walks all of them:
// 40 µs per add for a set of 100,000 (issue 12: a minute of 500 calls/s made de-duplication the busiest code
// on the pop path). Here the order lives in an array of our own, read from a moving head.

/** An insertion-ordered queue of keys read from a moving head; the consumed front is cut off now and then. */
class KeyQueue<K> {
  /** Queue slots read, cut or rebuilt: the work done, which the tests hold to a constant per operation. */
  steps = 0;
  private keys: K[] = [];
  private stamps: number[] = [];
  private head = 0;

  get length(): number {
    return this.keys.length - this.head;
  }

  push(key: K, stamp: number): void {
    this.keys.push(key);
    this.stamps.push(stamp);
  }

  /** The front [key, stamp], or undefined when empty. */
  peek(): [K, number] | undefined {
    return this.head < this.keys.length ? [this.keys[this.head]!, this.stamps[this.head]!] : undefined;
  }

  shift(): void {
    this.head += 1;
    this.steps += 1;
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.steps += this.keys.length - this.head;
      this.keys = this.keys.slice(this.head);
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }

  /** Keeps only the pairs `keep` accepts, in order. */
  filter(keep: (key: K, stamp: number) => boolean): void {
    const keys: K[] = [];
    const stamps: number[] = [];
    this.steps += this.keys.length - this.head;
    for (let i = this.head; i < this.keys.length; i++) {
      if (keep(this.keys[i]!, this.stamps[i]!)) {
        keys.push(this.keys[i]!);
        stamps.push(this.stamps[i]!);
      }
    }
    this.keys = keys;
    this.stamps = stamps;
    this.head = 0;
  }
}

/** A set that forgets its oldest members (by first insertion) past a size limit. */
export class BoundedSet<T> {
  readonly #items = new Set<T>();
  readonly #order = new KeyQueue<T>();

  constructor(readonly limit: number) {}

  has(item: T): boolean {
    return this.#items.has(item);
  }

  /** Adds the item; returns false when it was already there. */
  add(item: T): boolean {
    if (this.#items.has(item)) {
      return false;
    }
    this.#items.add(item);
    this.#order.push(item, 0);
    this.#trim();
    return true;
  }

  /** Removes the item (its place in the order is skipped when reached). */
  delete(item: T): boolean {
    const had = this.#items.delete(item);
    if (had && this.#order.length > 2 * this.#items.size + 1024) {
      this.#order.filter((key) => this.#items.has(key));
    }
    return had;
  }

  get size(): number {
    return this.#items.size;
  }

  /** Work done on the order so far (see KeyQueue.steps). */
  get steps(): number {
    return this.#order.steps;
  }

  #trim(): void {
    while (this.#items.size > this.limit) {
      const front = this.#order.peek();
      if (front === undefined) {
        return;
      }
      this.#order.shift();
      this.#items.delete(front[0]);
    }
  }
}

/**
 * A map ordered by recency: `set` and `touch` make a key the newest, `oldest()` names the least recently
 * touched, and past `limit` members the oldest are dropped (Infinity: never). Each touch is O(1): it queues
 * the key with a stamp, and a queued pair whose stamp is no longer the key's is skipped when reached.
 */
export class RecencyMap<K, V> {
  readonly #items = new Map<K, { value: V; stamp: number }>();
  readonly #order = new KeyQueue<K>();
  #clock = 0;

  constructor(readonly limit = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.#items.size;
  }

  /** Work done on the order so far (see KeyQueue.steps). */
  get steps(): number {
    return this.#order.steps;
  }

  /** The value, without touching it. */
  get(key: K): V | undefined {
    return this.#items.get(key)?.value;
  }

  /** Stores the value as the newest; drops the oldest members past the limit. */
  set(key: K, value: V): void {
    const stamp = ++this.#clock;
    const item = this.#items.get(key);
    if (item === undefined) {
      this.#items.set(key, { value, stamp });
    } else {
      item.value = value;
      item.stamp = stamp;
    }
    this.#queue(key, stamp);
    while (this.#items.size > this.limit) {
      this.delete(this.oldest()!);
    }
  }

  /** Makes the key the newest; false when it is not here. */
  touch(key: K): boolean {
    const item = this.#items.get(key);
    if (item === undefined) {
      return false;
    }
    item.stamp = ++this.#clock;
    this.#queue(key, item.stamp);
    return true;
  }

  delete(key: K): boolean {
    return this.#items.delete(key);
  }

  /** The least recently touched key, or undefined when empty. */
  oldest(): K | undefined {
    for (let front = this.#order.peek(); front !== undefined; front = this.#order.peek()) {
      if (this.#items.get(front[0])?.stamp === front[1]) {
        return front[0];
      }
      this.#order.shift(); // a stale pair: the key was touched again later, or deleted
    }
    return undefined;
  }

  /** Entries in no particular order. */
  *entries(): IterableIterator<[K, V]> {
    for (const [key, item] of this.#items) {
      yield [key, item.value];
    }
  }

  #queue(key: K, stamp: number): void {
    this.#order.push(key, stamp);
    // Touches without evictions queue pairs for ever: past twice the members, keep only the current ones.
    if (this.#order.length > 2 * this.#items.size + 1024) {
      this.#order.filter((k, s) => this.#items.get(k)?.stamp === s);
    }
  }
}
