// How each lookup provider fares, for Settings → Integrations: last success and error, request times, requests in
// the last hour. Recorded once per request sent (cache hits send none), in O(1): the hot path stays as it was.
import type { Clock } from '../calls/ports.ts';

/** Request times kept per provider for the percentiles. */
const SAMPLES = 200;
/** The last hour, in one-minute buckets. */
const BUCKET_MS = 60_000;
const BUCKETS = 60;

export interface ProviderHealthRecord {
  readonly name: string;
  readonly lastSuccessAt: number | null;
  readonly lastErrorAt: number | null;
  readonly lastError: string | null;
  readonly latencyMs: {
    readonly last: number | null;
    readonly p50: number | null;
    readonly p95: number | null;
  };
  readonly requestsLastHour: number;
  readonly failuresLastHour: number;
}

class Tally {
  lastSuccessAt: number | null = null;
  lastErrorAt: number | null = null;
  lastError: string | null = null;
  last: number | null = null;
  readonly samples: number[] = [];
  next = 0;
  /** Per minute: [minute number, requests, failures]; a slot whose minute is old counts nothing. */
  readonly minutes = Array.from({ length: BUCKETS }, () => ({ minute: -1, requests: 0, failures: 0 }));
}

export class ProviderHealthLog {
  readonly #tallies = new Map<string, Tally>();

  constructor(
    names: readonly string[],
    private readonly clock: Clock,
  ) {
    for (const name of names) {
      this.#tallies.set(name, new Tally());
    }
  }

  /** One request answered (ok) or failed (error text fit for people; never a secret). */
  record(name: string, ms: number, error: string | null): void {
    const tally = this.#tallies.get(name);
    if (tally === undefined) {
      return;
    }
    const now = this.clock.now();
    if (error === null) {
      tally.lastSuccessAt = now;
    } else {
      tally.lastErrorAt = now;
      tally.lastError = error;
    }
    tally.last = ms;
    tally.samples[tally.next] = ms;
    tally.next = (tally.next + 1) % SAMPLES;
    const minute = Math.floor(now / BUCKET_MS);
    const slot = tally.minutes[minute % BUCKETS]!;
    if (slot.minute !== minute) {
      slot.minute = minute;
      slot.requests = 0;
      slot.failures = 0;
    }
    slot.requests++;
    if (error !== null) {
      slot.failures++;
    }
  }

  /** Each provider, in configuration order. Sorting the samples happens here, on read, not per request. */
  snapshot(): ProviderHealthRecord[] {
    const minute = Math.floor(this.clock.now() / BUCKET_MS);
    return [...this.#tallies].map(([name, t]) => {
      const recent = t.minutes.filter((m) => m.minute > minute - BUCKETS);
      const sorted = t.samples.toSorted((a, b) => a - b);
      return {
        name,
        lastSuccessAt: t.lastSuccessAt,
        lastErrorAt: t.lastErrorAt,
        lastError: t.lastError,
        latencyMs: { last: t.last, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) },
        requestsLastHour: recent.reduce((n, m) => n + m.requests, 0),
        failuresLastHour: recent.reduce((n, m) => n + m.failures, 0),
      };
    });
  }
}

/** Nearest-rank percentile of sorted values; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) {
    return null;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
