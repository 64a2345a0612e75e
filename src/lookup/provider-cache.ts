// Provider answers cached per (provider, number): fresh for a TTL, then served stale while refreshed; bounded LRU.
import type { Clock } from '../calls/ports.ts';
import type { Contact } from './types.ts';
import { RecencyMap } from '../util/bounded.ts';

export interface Cached {
  readonly contacts: readonly Contact[];
  /** False once past the TTL but within the stale window: show it, and refresh it. */
  readonly fresh: boolean;
}

export class ProviderCache {
  /** By last use: the least recently used entry goes past maxEntries. */
  readonly #entries: RecencyMap<string, { contacts: readonly Contact[]; at: number }>;

  constructor(
    maxEntries: number,
    private readonly clock: Clock,
  ) {
    this.#entries = new RecencyMap(maxEntries);
  }

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
    this.#entries.touch(key);
    return { contacts: entry.contacts, fresh: age <= ttlMs };
  }

  set(key: string, contacts: readonly Contact[]): void {
    this.#entries.set(key, { contacts, at: this.clock.now() });
  }
}
