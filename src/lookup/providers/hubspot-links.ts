// Links into HubSpot's web app: app.hubspot.com/contacts/<portal>/record/<object type>/<id>. The portal (hub) id is
// configured, or read once from /account-info/v3/details.
import { z } from 'zod';
import type { HubSpotClient } from './hubspot-client.ts';

const accountSchema = z.object({ portalId: z.number() });

export class HubSpotLinks {
  private portal: Promise<number> | null;

  constructor(
    private readonly client: HubSpotClient,
    private readonly config: { readonly appUrl: string; readonly portalId: number | null },
  ) {
    this.portal = config.portalId === null ? null : Promise.resolve(config.portalId);
  }

  /** https://app.hubspot.com/contacts/<portal>, or null when the account id cannot be read (links are extras). */
  async base(signal: AbortSignal): Promise<string | null> {
    this.portal ??= this.client
      .request('GET', '/account-info/v3/details', undefined, accountSchema, signal)
      .then((a) => a.portalId);
    try {
      return `${this.config.appUrl}/contacts/${await this.portal}`;
    } catch {
      this.portal = null; // asked again next time
      return null;
    }
  }

  /** The contact's record (object type 0-1). */
  async contact(id: string, signal: AbortSignal): Promise<string | null> {
    const base = await this.base(signal);
    return base === null ? null : `${base}/record/0-1/${encodeURIComponent(id)}`;
  }
}
