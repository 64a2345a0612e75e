// The Notification envelope (§5.6): `data` with its explicit nulls, the WebSocket frame, the bare webhook body.
import { envelopeTimestamp, liveTimestamp, uuidV4 } from './format.ts';
import type { Json, JsonObject } from './conversation.ts';

export interface NotificationInput {
  readonly source: string;
  readonly type: string;
  readonly content: JsonObject;
  /** Control frames: "BACKGROUND"; call events and reports: null. */
  readonly usage?: string | null;
  /** Control frames carry null `timestamp` and `bypassDoNotDisturb` (channel fixtures). */
  readonly control?: boolean;
  /** When the event happened (simulated epoch ms); default: now. */
  readonly at?: number;
}

export type NotificationData = { readonly [key: string]: Json };

export function notificationData(input: NotificationInput, now: number): NotificationData {
  return {
    id: uuidV4(),
    source: input.source,
    type: input.type,
    usage: input.usage ?? null,
    timestamp: input.control === true ? null : liveTimestamp(input.at ?? now),
    ttl: 600,
    topic: null,
    displayNotification: null,
    contentVersion: null,
    content: input.content,
    bypassDoNotDisturb: input.control === true ? null : false,
  };
}

export function webSocketFrame(data: NotificationData, eventId: number, now: number): string {
  return JSON.stringify({ event: 'Notification', eventId, timestamp: envelopeTimestamp(now), data });
}

/** Webhook bodies are the bare `data` with null members left out (§5.7, fixtures README). */
export function webhookBody(data: NotificationData): string {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value !== null) {
      out[key] = value;
    }
  }
  return JSON.stringify(out);
}
