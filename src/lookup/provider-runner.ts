// Runs the providers for one number through the cache: fresh hits answer at once, stale hits answer and refresh,
// misses fetch (one request per provider and number at a time, however many calls ask).
import { performance } from 'node:perf_hooks';
import { ProviderCache } from './provider-cache.ts';
import { ProviderHealthLog } from './provider-health.ts';
import type { LookupProvider, ProviderNumber } from './provider.ts';
import type { Contact, SourceStatus } from './types.ts';
import type { Clock } from '../calls/ports.ts';

/** Structured logger (pino fits): one line per event, never a secret. */
export interface LookupLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface ProviderRun {
  readonly provider: LookupProvider;
  status: SourceStatus;
  contacts: readonly Contact[];
  /** Settles (never rejects) when the provider has answered or failed; already settled for cache hits. */
  readonly settled: Promise<void>;
}

export class ProviderRunner {
  readonly #cache: ProviderCache;
  readonly #inflight = new Map<string, Promise<Contact[]>>();
  readonly #shutdown = new AbortController();
  /** Every request's outcome and time, for GET /api/providers. */
  readonly health: ProviderHealthLog;

  constructor(
    private readonly providers: readonly LookupProvider[],
    clock: Clock,
    cacheSize: number,
    private readonly log: LookupLog | null,
  ) {
    this.#cache = new ProviderCache(cacheSize, clock);
    this.health = new ProviderHealthLog(
      providers.map((p) => p.name),
      clock,
    );
  }

  get count(): number {
    return this.providers.length;
  }

  start(n: ProviderNumber, callId: string | null): ProviderRun[] {
    return this.providers.map((provider) => this.#run(provider, n, callId));
  }

  /** Cancels every request in flight (shutdown, tests). */
  close(): void {
    this.#shutdown.abort();
  }

  #run(provider: LookupProvider, n: ProviderNumber, callId: string | null): ProviderRun {
    const key = `${provider.name}\u0000${n.e164}`;
    const cached = this.#cache.get(key, provider.cacheTtlMs, provider.staleMs);
    if (cached !== null) {
      if (!cached.fresh) {
        this.#fetch(provider, key, n).catch((error: unknown) =>
          this.#warn(provider, callId, error, 'refresh'),
        );
      }
      const state = cached.fresh ? 'cached' : 'stale';
      return {
        provider,
        status: status(provider, state),
        contacts: cached.contacts,
        settled: Promise.resolve(),
      };
    }
    const run: ProviderRun = {
      provider,
      status: status(provider, 'pending'),
      contacts: [],
      settled: this.#fetch(provider, key, n).then(
        (contacts) => {
          run.contacts = contacts;
          run.status = status(provider, 'done');
        },
        (error: unknown) => {
          run.status = status(provider, 'failed', errorText(error));
          this.#warn(provider, callId, error, 'lookup');
        },
      ),
    };
    return run;
  }

  #fetch(provider: LookupProvider, key: string, n: ProviderNumber): Promise<Contact[]> {
    const running = this.#inflight.get(key);
    if (running !== undefined) {
      return running;
    }
    const started = performance.now();
    const took = (): number => Math.round((performance.now() - started) * 10) / 10;
    const request = provider
      .find(n, this.#shutdown.signal)
      .then(
        (contacts) => {
          this.health.record(provider.name, took(), null);
          this.#cache.set(key, contacts);
          return contacts;
        },
        (error: unknown) => {
          this.health.record(provider.name, took(), errorText(error));
          throw error;
        },
      )
      .finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, request);
    return request;
  }

  #warn(provider: LookupProvider, callId: string | null, error: unknown, phase: string): void {
    this.log?.warn(
      { callId, provider: provider.name, phase, error: errorText(error) },
      'lookup provider failed',
    );
  }
}

function status(
  provider: LookupProvider,
  state: SourceStatus['state'],
  error: string | null = null,
): SourceStatus {
  return { name: provider.name, state, error };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
