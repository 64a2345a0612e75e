// CRM call logging as the composition root sees it: queue writes behind the pop path, deliver them, show their state.
import type { Clock } from '../calls/ports.ts';
import type { CallRecordWriter } from '../lookup/providers/call-record.ts';
import type { CallLogEntry, CrmLogStatus } from '../shared/api.ts';
import type { CallLoggingHealth } from '../shared/trace.ts';
import type { Card } from '../shared/messages.ts';
import type { DeliveryAttempt, OutboxStore } from '../webhooks/ports.ts';
import { CrmDeliverer } from './crm-deliverer.ts';
import type { CrmDelivererDeps } from './crm-deliverer.ts';
import { CrmQueue, crmEndpoint } from './crm-queue.ts';
import type { CrmRecordStore } from './ports.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CrmLogDeps {
  readonly writers: readonly CallRecordWriter[];
  readonly outbox: OutboxStore;
  readonly records: CrmRecordStore;
  readonly callLog: { get(callId: string): Promise<CallLogEntry | null> };
  /** Resolves once this call's row is in the call log (CallTracker.written). */
  readonly logged: (callId: string) => Promise<void>;
  readonly clock: Clock;
  readonly log: CrmDelivererDeps['log'];
  readonly pollMs?: number;
  /** Jitter source in [0, 1); tests pass a fixed one. */
  readonly random?: () => number;
}

export class CrmLog {
  private readonly queue: CrmQueue;
  private readonly deliverer: CrmDeliverer;

  constructor(private readonly deps: CrmLogDeps) {
    this.deliverer = new CrmDeliverer(deps);
    this.queue = new CrmQueue({
      outbox: deps.outbox,
      records: deps.records,
      providers: deps.writers.map((w) => w.name),
      clock: deps.clock,
      logged: deps.logged,
      log: deps.log,
      queued: () => this.deliverer.wake(),
    });
  }

  /** Null when no configured provider logs calls. */
  static fromWriters(deps: CrmLogDeps): CrmLog | null {
    return deps.writers.length === 0 ? null : new CrmLog(deps);
  }

  get providers(): readonly string[] {
    return this.deps.writers.map((w) => w.name);
  }

  start(): void {
    this.deliverer.start();
  }

  /** PopService's `published` hook; never waits. */
  cardPublished(card: Card): void {
    this.queue.cardPublished(card);
  }

  notesSaved(callId: string): void {
    this.queue.notesSaved(callId);
  }

  /** Each CRM's record of these calls, by call id, for the history rows. */
  async status(callIds: readonly string[]): Promise<Map<string, CrmLogStatus[]>> {
    const byCall = new Map<string, CrmLogStatus[]>(callIds.map((id) => [id, []]));
    for (const l of await this.deps.records.list(callIds)) {
      if (this.providers.includes(l.provider)) {
        byCall.get(l.callId)?.push({
          provider: l.provider,
          status: l.state,
          error: l.error,
          url: l.crmUrl,
          attempts: l.attempts,
          updatedAt: l.updatedAt,
        });
      }
    }
    return byCall;
  }

  /**
   * Each logging provider's health, by name: its outbox endpoint's (failing since, paused, last attempt and
   * success, waiting and given-up writes), the last attempt's error when it failed, and the last 24 hours' records.
   */
  async health(): Promise<Map<string, CallLoggingHealth>> {
    const names = this.providers;
    const now = this.deps.clock.now();
    const [endpoints, counts, lastAttempts] = await Promise.all([
      this.deps.outbox.endpoints(names.map(crmEndpoint)),
      this.deps.records.counts(now - DAY_MS),
      Promise.all(names.map((n) => this.deps.outbox.attempts({ endpoint: crmEndpoint(n), limit: 1 }))),
    ]);
    return new Map(
      names.map((name, i) => {
        const e = endpoints[i]!;
        const last = lastAttempts[i]?.[0];
        const health: CallLoggingHealth = {
          failing: e.failingSince !== null,
          paused: e.pausedUntil !== null,
          failingSince: e.failingSince,
          pausedUntil: e.pausedUntil,
          lastAttemptAt: e.lastAttemptAt,
          lastStatus: e.lastStatus,
          lastSuccessAt: e.lastSuccessAt,
          lastError: last !== undefined && !last.ok ? (last.error ?? `HTTP ${last.status ?? '?'}`) : null,
          pending: e.pending,
          dead: e.dead,
          last24h: counts.get(name) ?? { logged: 0, failed: 0, pending: 0 },
        };
        return [name, health];
      }),
    );
  }

  /**
   * The latest attempts of one CRM's writes when `endpoint` is a logging provider's "crm:<provider>"; null for any
   * other name (the webhook delivery log answers those).
   */
  async attempts(endpoint: string, limit: number): Promise<DeliveryAttempt[] | null> {
    if (!this.providers.some((p) => crmEndpoint(p) === endpoint)) {
      return null;
    }
    return this.deps.outbox.attempts({ endpoint, limit });
  }

  /** Queues one more write of the call's record to `provider`; false when no such provider logs calls. */
  async retry(callId: string, provider: string): Promise<boolean> {
    if (!this.providers.includes(provider)) {
      return false;
    }
    await this.queue.retry(callId, provider);
    return true;
  }

  /** Resolves once every write handed over so far is queued (tests). */
  settled(): Promise<void> {
    return this.queue.settled();
  }

  /** Tests: attempts every row due now. */
  deliverDue(): Promise<number> {
    return this.deliverer.deliverDue();
  }

  /** Queues what was handed over, then stops writing (the outbox keeps the rest for the next start). */
  async close(): Promise<void> {
    await this.queue.settled();
    await this.deliverer.stop();
  }
}
