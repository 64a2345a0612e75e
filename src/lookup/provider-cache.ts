// Provider answers cached per (provider, number): fresh for a TTL, then served stale while refreshed; bounded LRU.
import type { Clock } from '../calls/ports.ts';
import type { Contact } from './types.ts';

export interface Cached {
  readonly contacts: readonly Contact[];
  /** False once past the TTL but within the stale window: show it, and refresh it. */
  readonly fresh: boolean;
}

export class ProviderCache {
  readonly #entries = new Map<string, { contacts: readonly Contact[]; at: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The entry when it is fresh or still within its stale window; expired entries are dropped. */
  get(key: string, ttlMs: number, staleMs: number): Cached | null {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      return null;
    }
    const age = this.clock.now() - entry.at;
    if (age > ttlMs + staleMs) {
      this.#entries.delete(key);
      return null;
    }
    // Re-insert: Map keeps insertion order, so the first key is always the least recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return { contacts: entry.contacts, fresh: age <= ttlMs };
  }

  set(key: string, contacts: readonly Contact[]): void {
    this.#entries.delete(key);
    this.#entries.set(key, { contacts, at: this.clock.now() });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) {
        return;
      }
      this.#entries.delete(oldest.value);
    }
  }
}
