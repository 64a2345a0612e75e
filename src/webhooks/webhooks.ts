// The webhooks feature as the composition root sees it: parse the config, feed the outbox, run the deliverer.
import type { Clock } from '../calls/ports.ts';
import type { Card } from '../shared/messages.ts';
import { WebhookDeliverer } from './deliverer.ts';
import type { DelivererLog } from './deliverer.ts';
import { WebhookOutbox } from './outbox.ts';
import type { DeliveryAttempt, EndpointHealth, OutboxStore } from './ports.ts';
import type { WebhookEndpoint } from './webhook-config.ts';

export interface WebhooksDeps {
  /** SCREENPOP_WEBHOOKS, parsed by the config. */
  readonly endpoints: readonly WebhookEndpoint[];
  readonly store: OutboxStore;
  readonly clock: Clock;
  readonly log: DelivererLog;
}

/** An endpoint as supervisors see it: its health, never its secret. */
export interface EndpointView extends EndpointHealth {
  /** Scheme, host and path: a query string may carry a token, so it is left out. */
  readonly url: string;
  readonly events: readonly string[];
  /** Failing now: its last attempt did not succeed. */
  readonly failing: boolean;
  readonly paused: boolean;
}

export class Webhooks {
  private readonly outbox: WebhookOutbox;
  private readonly deliverer: WebhookDeliverer;

  constructor(
    private readonly endpointList: readonly WebhookEndpoint[],
    private readonly deps: WebhooksDeps,
  ) {
    this.deliverer = new WebhookDeliverer({ ...deps, endpoints: endpointList });
    this.outbox = new WebhookOutbox({
      ...deps,
      endpoints: endpointList,
      queued: () => this.deliverer.wake(),
    });
  }

  /** Null when SCREENPOP_WEBHOOKS lists no endpoint; throws WebhookConfigError when it is invalid. */
  static fromConfig(deps: WebhooksDeps): Webhooks | null {
    return deps.endpoints.length === 0 ? null : new Webhooks([...deps.endpoints], deps);
  }

  start(): void {
    this.deliverer.start();
  }

  /** PopService's `published` hook; never waits. */
  cardPublished(card: Card): void {
    this.outbox.cardPublished(card);
  }

  notesSaved(
    callId: string,
    saved: { readonly notes: string | null; readonly disposition: string | null; readonly by: string | null },
  ): void {
    this.outbox.notesSaved(callId, saved);
  }

  async endpoints(): Promise<EndpointView[]> {
    const health = await this.deps.store.endpoints(this.endpointList.map((e) => e.name));
    return this.endpointList.map((endpoint, i) => {
      const h = health[i]!;
      const url = new URL(endpoint.url);
      return {
        ...h,
        url: `${url.origin}${url.pathname}`,
        events: endpoint.events,
        failing: h.failingSince !== null,
        paused: h.pausedUntil !== null,
      };
    });
  }

  /**
   * The latest attempts on the webhook endpoints only: the outbox also carries the CRM call-record writes
   * ("crm:<provider>"), which Settings shows on the provider's row (src/crmlog), not as webhook deliveries.
   */
  async attempts(query: { readonly endpoint?: string; readonly limit: number }): Promise<DeliveryAttempt[]> {
    const names = this.endpointList.map((e) => e.name);
    if (query.endpoint !== undefined) {
      return names.includes(query.endpoint) ? this.deps.store.attempts(query) : [];
    }
    return this.deps.store.attempts({ endpoints: names, limit: query.limit });
  }

  /** Writes the events handed over so far, then stops delivering (what is left goes out after the restart). */
  async close(): Promise<void> {
    await this.outbox.settled();
    await this.deliverer.stop();
  }
}
