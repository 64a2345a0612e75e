// Signs one delivery per the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature).
import { Webhook } from 'standardwebhooks';

export interface SignedRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Signs `body` as message `id` sent at `now` (epoch ms); any Standard Webhooks library verifies it. */
export function signDelivery(secret: string, id: string, now: number, body: string): SignedRequest {
  const timestamp = new Date(Math.floor(now / 1000) * 1000);
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'screenpop-webhooks',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp.getTime() / 1000),
      'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
    },
    body,
  };
}
