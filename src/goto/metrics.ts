// Prometheus view of the GoTo sources' counters (bad frames, reconnects, gaps...), summed over every live source.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { CallEventsStats } from './call-events/source.ts';
import type { RealtimeStats } from './realtime/source.ts';

export interface GoToMetricsSources {
  /** The sources running now (the account's Call Events source, or the agents' Realtime sources). */
  readonly sources: () => Iterable<{
    readonly stats: Readonly<CallEventsStats> | Readonly<RealtimeStats>;
    /** Which API, and its rejected frames by reason (absent: none counted). */
    readonly api?: string;
    readonly rejected?: Readonly<Record<string, number>>;
  }>;
  readonly connected: () => number;
}

const COUNTED = {
  frames: 'Frames received on GoTo sockets',
  events: 'Call events handed to the call tracker',
  ignored: 'Notifications of other sources or types, ignored',
  invalid: 'Bad frames or states dropped (counted, logged, never thrown)',
  reconnects: 'Channels or sessions rebuilt after a loss',
  gaps: 'Sequence gaps detected',
  recoveredStates: 'Call states fetched by recovery',
  channelRefreshes: 'Notification channel refreshes',
  fetchRetries: 'Recovery reads retried after a transient failure',
  reconciliations: 'Checks of the active-call list (periodic, or after a Realtime reconnect)',
  reportStates: 'Call states recovered from Call Events reports',
  reportSubscriptionFailures: 'REPORT_SUMMARY subscriptions that failed',
  sessions: 'Realtime sessions created',
  recoveredLegs: 'Realtime leg states recovered after a reconnect',
} as const;

type Counted = keyof typeof COUNTED;

/** Registers counters that read the sources' stats at scrape time. Counters only grow, so drops are ignored. */
export function registerGoToMetrics(registry: Registry, view: GoToMetricsSources): void {
  const last = new Map<Counted, number>();
  for (const [key, help] of Object.entries(COUNTED) as [Counted, string][]) {
    const name = `screenpop_goto_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        let sum = 0;
        for (const source of view.sources()) {
          sum += (source.stats as Partial<Record<Counted, number>>)[key] ?? 0;
        }
        const delta = sum - (last.get(key) ?? 0);
        last.set(key, Math.max(sum, last.get(key) ?? 0));
        if (delta > 0) {
          this.inc(delta);
        }
      },
    });
  }
  const lastRejected = new Map<string, number>();
  new Counter({
    name: 'screenpop_goto_rejected_frames_total',
    help: 'Frames dropped as bad (counted, logged, never thrown), by API and reason',
    labelNames: ['api', 'reason'],
    registers: [registry],
    collect() {
      const sums = new Map<string, { api: string; reason: string; n: number }>();
      for (const source of view.sources()) {
        for (const [reason, n] of Object.entries(source.rejected ?? {})) {
          const api = source.api ?? 'unknown';
          const key = `${api}\u0000${reason}`;
          const sum = sums.get(key) ?? { api, reason, n: 0 };
          sum.n += n;
          sums.set(key, sum);
        }
      }
      for (const [key, { api, reason, n }] of sums) {
        const delta = n - (lastRejected.get(key) ?? 0);
        lastRejected.set(key, Math.max(n, lastRejected.get(key) ?? 0));
        if (delta > 0) {
          this.inc({ api, reason }, delta);
        }
      }
    },
  });
  new Gauge({
    name: 'screenpop_goto_connected_sources',
    help: 'GoTo sources with an open, subscribed socket',
    registers: [registry],
    collect() {
      this.set(view.connected());
    },
  });
}
