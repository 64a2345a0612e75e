// Queues CRM call-record writes in the persistent outbox (endpoint "crm:<provider>"), behind the pop path: one when a
// call has ended and is in the call log, one per notes save, one per retry asked for by a person.
import type { Clock } from '../calls/ports.ts';
import type { CrmCallRecord } from '../lookup/providers/call-record.ts';
import type { Card } from '../shared/messages.ts';
import type { NewOutboxRow, OutboxStore } from '../webhooks/ports.ts';
import { crmContact } from './crm-contact.ts';
import { BoundedSet } from '../util/bounded.ts';
import type { CrmRecordStore } from './ports.ts';

/** The outbox endpoint of one CRM provider's writes. */
export function crmEndpoint(provider: string): string {
  return `crm:${provider}`;
}

/** What an outbox row of a CRM write carries; the record's content is read from the call log when it goes out. */
export interface CrmWritePayload {
  /** Set by the write queued at the call's end: the contact the card showed. */
  readonly contact?: CrmCallRecord['contact'];
}

export interface CrmQueueDeps {
  readonly outbox: Pick<OutboxStore, 'enqueue'>;
  readonly records: Pick<CrmRecordStore, 'queued'>;
  /** Names of the providers that have a writer. */
  readonly providers: readonly string[];
  readonly clock: Clock;
  /** Resolves once this call's row is in the call log (CallTracker.written). */
  readonly logged: (callId: string) => Promise<void>;
  readonly log: { warn(fields: object, message: string): void };
  /** Called after rows were written (the deliverer wakes up). */
  readonly queued?: () => void;
}

// Calls whose end was queued, so the cards published after the end (notes, late lookups) do not queue it again
// (the outbox would drop the repeat by its event id anyway; this saves the write).
const REMEMBERED = 2_000;

export class CrmQueue {
  private readonly ended = new BoundedSet<string>(REMEMBERED);
  // One write at a time: rows get ids in the order they were queued, which is the order they go out in per call.
  private tail: Promise<void> = Promise.resolve();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: CrmQueueDeps) {}

  /** PopService's `published` hook: an ended card whose lookup answered queues the call's first write. */
  cardPublished(card: Card): void {
    if (card.phase !== 'ended' || card.lookup.status === 'pending' || this.ended.has(card.callId)) {
      return;
    }
    this.remember(card.callId);
    const at = this.deps.clock.now();
    const rows = this.deps.providers.map((provider) => ({
      provider,
      eventId: `crm:${card.callId}:ended`,
      payload: { contact: crmContact(card, provider) },
    }));
    this.track(this.deps.logged(card.callId).then(() => this.add(card.callId, rows, at)));
  }

  /** Notes or disposition saved: each CRM's record is updated with them. */
  notesSaved(callId: string): void {
    const at = this.deps.clock.now();
    const rows = this.deps.providers.map((provider) => ({
      provider,
      eventId: `crm:${callId}:notes:${at}`,
      payload: {},
    }));
    this.track(this.add(callId, rows, at));
  }

  /** A person asked to write a failed record again; resolves once it is queued. */
  retry(callId: string, provider: string): Promise<void> {
    const at = this.deps.clock.now();
    return this.add(callId, [{ provider, eventId: `crm:${callId}:retry:${at}`, payload: {} }], at);
  }

  /** Resolves once every write handed over so far is queued (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all([...this.running]);
    }
  }

  private add(
    callId: string,
    rows: readonly { provider: string; eventId: string; payload: CrmWritePayload }[],
    at: number,
  ): Promise<void> {
    const outboxRows: NewOutboxRow[] = rows.map((r) => ({
      endpoint: crmEndpoint(r.provider),
      eventId: r.eventId,
      callId,
      type: 'crm.write',
      payload: JSON.stringify(r.payload),
      createdAt: at,
    }));
    const write = this.tail.then(async () => {
      for (const r of rows) {
        await this.deps.records.queued(callId, r.provider, r.payload.contact, at);
      }
      await this.deps.outbox.enqueue(outboxRows);
    });
    this.tail = write.then(
      () => this.deps.queued?.(),
      () => undefined,
    );
    return write;
  }

  private track(work: Promise<void>): void {
    const done = work
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'CRM call log write not queued'))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  private remember(callId: string): void {
    this.ended.add(callId);
  }
}
