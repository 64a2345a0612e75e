// Prometheus metrics of the call tracker: events in, duplicates, out-of-order, changes out, the call log's health.
import { Gauge, Registry } from 'prom-client';
import { ScrapedCounter } from '../util/scraped-counter.ts';
import type { EventVerdict } from './call-trace.ts';
import type { EventSourceKind } from './types.ts';

type PerSource<T> = Record<EventSourceKind, T>;

interface SourceCounter {
  inc(): void;
}

/**
 * Counts are plain numbers handed to prom-client when /metrics is read (util/scraped-counter.ts): prom-client's
 * own inc() hashes the labels on every event, on the hot path.
 * Pass the registry the server exposes on /metrics; by default each tracker gets its own (tests make many).
 */
export class CallMetrics {
  readonly registry: Registry;
  readonly events: PerSource<SourceCounter>;
  readonly duplicates: PerSource<SourceCounter>;
  readonly outOfOrder: PerSource<SourceCounter>;
  readonly changes: SourceCounter;
  readonly callsEnded: SourceCounter;
  readonly recoveries: SourceCounter;
  readonly logWriteFailures: SourceCounter;
  readonly logWritesAbandoned: SourceCounter;
  readonly liveCalls: Gauge;
  readonly logWritesFailing: Gauge;
  /** Read when /metrics is scraped: ended calls not yet in the call log. */
  backlog: () => number = () => 0;
  /** Read when /metrics is scraped: calls with a trace kept. */
  traced: () => number = () => 0;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const perSource = (name: string, help: string): PerSource<SourceCounter> => {
      const counter = new ScrapedCounter({ name, help, labelNames: ['source'], registers: [registry] });
      return {
        'call-events': counter.child({ source: 'call-events' }),
        realtime: counter.child({ source: 'realtime' }),
      };
    };
    const plain = (name: string, help: string): SourceCounter =>
      new ScrapedCounter({ name, help, registers: [registry] }).child();
    this.events = perSource('screenpop_call_events_total', 'Normalized call events received');
    this.duplicates = perSource(
      'screenpop_call_event_duplicates_total',
      'Events dropped as duplicates (notification id, call+sequence, dialog entity)',
    );
    this.outOfOrder = perSource(
      'screenpop_call_events_out_of_order_total',
      'Events older than what the call already applied, or arriving after it ended',
    );
    this.changes = plain('screenpop_call_changes_total', 'Call changes emitted to subscribers');
    this.callsEnded = plain('screenpop_calls_ended_total', 'Calls that reached the ended phase');
    this.recoveries = plain('screenpop_call_recoveries_total', 'Recoveries reported by event sources');
    this.logWriteFailures = plain(
      'screenpop_call_log_write_failures_total',
      'Failed attempts to write an ended call to the call log',
    );
    this.logWritesAbandoned = plain(
      'screenpop_call_log_writes_abandoned_total',
      'Ended calls dropped unwritten: past the backlog limit, or at shutdown with the store refusing writes',
    );
    const backlog = (): number => this.backlog();
    new Gauge({
      name: 'screenpop_call_log_backlog',
      help: 'Ended calls not yet in the call log (settling, or waiting for the store)',
      registers: [registry],
      collect() {
        this.set(backlog());
      },
    });
    const traced = (): number => this.traced();
    new Gauge({
      name: 'screenpop_call_traces',
      help: 'Calls whose trace is kept (bounded in time and count; swept on a timer too)',
      registers: [registry],
      collect() {
        this.set(traced());
      },
    });
    this.logWritesFailing = new Gauge({
      name: 'screenpop_call_log_writes_failing',
      help: '1 while the store refuses call-log writes (from a failed write until the next success)',
      registers: [registry],
    });
    this.liveCalls = new Gauge({
      name: 'screenpop_calls_live',
      help: 'Calls in the live map (ended calls stay for a grace period)',
      registers: [registry],
    });
  }

  /** Counts what the tracker did with an event (a recovery's repeats of known states are not duplicates). */
  verdict(source: EventSourceKind, verdict: EventVerdict, recovery: boolean): void {
    switch (verdict) {
      case 'duplicate':
        if (!recovery) {
          this.duplicates[source].inc();
        }
        break;
      case 'older':
      case 'after-end':
        this.outOfOrder[source].inc();
        break;
      case 'applied':
      case 'no-change':
        break;
      default: {
        const never: never = verdict;
        throw new Error(`unknown verdict ${String(never)}`);
      }
    }
  }
}
