// A set that forgets its oldest members past a size limit: de-duplication memory that cannot grow forever.

export class BoundedSet<T> {
  readonly #items = new Set<T>();

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
    if (this.#items.size > this.limit) {
      // Sets iterate in insertion order: the first value is the oldest.
      const oldest = this.#items.values().next();
      if (oldest.done !== true) {
        this.#items.delete(oldest.value);
      }
    }
    return true;
  }

  get size(): number {
    return this.#items.size;
  }
}
