// Prometheus metrics of the edge and the pops, on a registry of their own (tests build many apps).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Card } from '../shared/messages.ts';
import { ScrapedCounter } from '../util/scraped-counter.ts';
import type { Count } from '../util/scraped-counter.ts';

export class ServerMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  /** Each phase's count, made once: a card update counts without building labels (util/scraped-counter.ts). */
  private readonly cardsByPhase: Readonly<Record<Card['phase'], Count>>;
  private readonly firstPop: Histogram;
  private readonly seenCalls = new Set<string>();

  constructor(socketCount: () => number, now: () => number = Date.now, registry = new Registry()) {
    this.registry = registry;
    collectDefaultMetrics({ register: this.registry, prefix: 'screenpop_' });
    this.requests = new Counter({
      name: 'screenpop_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    const cards = new ScrapedCounter({
      name: 'screenpop_cards_published_total',
      help: 'Card updates published, by phase',
      labelNames: ['phase'],
      registers: [this.registry],
    });
    // A phase shows on /metrics from its first card, as prom-client's own counter would.
    this.cardsByPhase = {
      ringing: cards.child({ phase: 'ringing' }),
      connected: cards.child({ phase: 'connected' }),
      ended: cards.child({ phase: 'ended' }),
    };
    this.firstPop = new Histogram({
      name: 'screenpop_first_pop_seconds',
      help: 'From the call start GoTo reported to the first card published',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'screenpop_push_sockets',
      help: 'Open push WebSockets',
      registers: [this.registry],
      collect() {
        this.set(socketCount());
      },
    });
    this.now = now;
  }

  private readonly now: () => number;

  request(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }

  cardPublished(card: Card): void {
    this.cardsByPhase[card.phase].inc();
    if (!this.seenCalls.has(card.callId)) {
      this.seenCalls.add(card.callId);
      if (this.seenCalls.size > 10_000) {
        this.seenCalls.clear();
      }
      this.firstPop.observe(Math.max(0, this.now() - card.startedAt) / 1000);
    }
  }
}
