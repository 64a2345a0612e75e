// Feeds the outbox from the pop path without waiting on it: events → one row per subscribed endpoint, in order.
import type { Clock } from '../calls/ports.ts';
import type { Card } from '../shared/messages.ts';
import { EventMapper } from './event-mapper.ts';
import type { WebhookEvent } from './event-mapper.ts';
import type { NewOutboxRow, OutboxStore } from './ports.ts';
import type { WebhookEndpoint } from './webhook-config.ts';

export interface OutboxDeps {
  readonly store: Pick<OutboxStore, 'enqueue'>;
  readonly endpoints: readonly WebhookEndpoint[];
  readonly clock: Clock;
  readonly log: { warn(fields: object, message: string): void };
  /** Called after rows were written (the deliverer wakes up instead of waiting for its next poll). */
  readonly queued?: () => void;
}

export class WebhookOutbox {
  private readonly mapper = new EventMapper();
  // One write at a time: rows get ids in the order their events happened, which is the order they go out in.
  private tail: Promise<void> = Promise.resolve();
  private writing = 0;

  constructor(private readonly deps: OutboxDeps) {}

  /** PopService's `published` hook. Returns at once; the write happens behind the pop. */
  cardPublished(card: Card): void {
    this.add(this.mapper.fromCard(card, this.deps.clock.now()));
  }

  /** Notes and disposition saved on a call (by the signed-in principal). */
  notesSaved(
    callId: string,
    saved: { readonly notes: string | null; readonly disposition: string | null; readonly by: string | null },
  ): void {
    this.add([this.mapper.notes(callId, saved, this.deps.clock.now())]);
  }

  /** Resolves once every event handed over so far is in the store (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.writing > 0) {
      await this.tail;
    }
  }

  private add(events: readonly WebhookEvent[]): void {
    const rows = events.flatMap((event) => this.rows(event));
    if (rows.length === 0) {
      return;
    }
    this.writing += 1;
    this.tail = this.tail
      .then(() => this.deps.store.enqueue(rows))
      .then(
        () => this.deps.queued?.(),
        (error: unknown) =>
          this.deps.log.warn(
            { err: error, callIds: [...new Set(rows.map((r) => r.callId))] },
            'webhook events not queued',
          ),
      )
      .finally(() => {
        this.writing -= 1;
      });
  }

  private rows(event: WebhookEvent): NewOutboxRow[] {
    const payload = JSON.stringify({
      type: event.type,
      timestamp: new Date(event.at).toISOString(),
      data: event.data,
    });
    return this.deps.endpoints
      .filter((endpoint) => endpoint.events.includes(event.type))
      .map((endpoint) => ({
        endpoint: endpoint.name,
        eventId: event.id,
        callId: event.callId,
        type: event.type,
        payload,
        createdAt: event.at,
      }));
  }
}
