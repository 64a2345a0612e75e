// When the agents' Realtime sockets were down: a call that ends while one of them was blind may have been answered
// on that agent's line unseen (its frames are lost for good), so its "missed" is a guess.

interface Outage {
  readonly from: number;
  /** null while the source is down or has not finished its check after the reconnect. */
  until: number | null;
}

/** Outages older than this are forgotten (no call lasts that long unseen). */
const KEEP_MS = 6 * 3_600_000;
const MAX_OUTAGES = 10_000;

/** Shared by every Realtime source of the process (one per agent): each call has legs on several of them. */
export class RealtimeOutages {
  readonly #open = new Map<object, Outage>();
  #closed: Outage[] = [];

  /** `source` lost its socket at `at`. */
  begin(source: object, at: number): void {
    if (!this.#open.has(source)) {
      this.#open.set(source, { from: at, until: null });
    }
  }

  /** `source` is back and has checked what it missed. */
  end(source: object, at: number): void {
    const outage = this.#open.get(source);
    if (outage === undefined) {
      return;
    }
    this.#open.delete(source);
    outage.until = at;
    this.#closed.push(outage);
    this.#prune(at);
  }

  /** True when some source was blind at any time since `since` (or is now). */
  blindSince(since: number): boolean {
    if (this.#open.size > 0) {
      return true;
    }
    return this.#closed.some((o) => o.until! >= since);
  }

  #prune(now: number): void {
    if (this.#closed.length > MAX_OUTAGES || (this.#closed[0]?.until ?? now) < now - KEEP_MS) {
      this.#closed = this.#closed.filter((o) => o.until! >= now - KEEP_MS).slice(-MAX_OUTAGES);
    }
  }
}
