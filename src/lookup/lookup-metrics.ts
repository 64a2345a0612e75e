// Prometheus metrics of the caller lookup: time to the first answer, and how each provider fared.
import { Counter, Histogram, Registry } from 'prom-client';
import type { LookupResult, SourceStatus } from './types.ts';

/** Pass the registry the server exposes on /metrics; by default each service gets its own (tests make many). */
export class LookupMetrics {
  readonly registry: Registry;
  readonly #firstAnswer: Histogram<'status'>;
  readonly #sources: Counter<'source' | 'state'>;
  /** Bound children: labels() on every lookup would cost a lookup of its own on the hot path. */
  readonly #bound = new Map<string, { inc(): void }>();

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.#firstAnswer = new Histogram({
      name: 'screenpop_lookup_first_answer_seconds',
      help: 'Time from a lookup start to its first result (bounded by the budget), by status',
      labelNames: ['status'],
      // From a store hit (~20 µs) to past the default 300 ms budget.
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.3, 0.5, 1],
      registers: [registry],
    });
    this.#sources = new Counter({
      name: 'screenpop_lookup_source_results_total',
      help: 'Lookup source outcomes: done, cached, stale (served while refreshed), failed, late (after the budget)',
      labelNames: ['source', 'state'],
      registers: [registry],
    });
  }

  firstAnswer(result: LookupResult, seconds: number): void {
    this.#firstAnswer.labels(result.status).observe(seconds);
    for (const source of result.sources) {
      this.#count(source.name, source.state === 'pending' ? 'late' : source.state);
    }
  }

  /** A provider that was pending at the first answer has now answered or failed. */
  lateAnswer(source: SourceStatus): void {
    if (source.state === 'failed') {
      this.#count(source.name, 'failed');
    }
  }

  #count(source: string, state: string): void {
    const key = `${source}\u0000${state}`;
    let child = this.#bound.get(key);
    if (child === undefined) {
      child = this.#sources.labels(source, state);
      this.#bound.set(key, child);
    }
    child.inc();
  }
}
