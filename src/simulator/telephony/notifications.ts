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

/** JSON of content objects handed to several channels (one call state to every subscriber): encoded once. */
const contentJson = new WeakMap<object, string>();

function encodedContent(content: Json): string {
  if (typeof content !== 'object' || content === null) {
    return JSON.stringify(content);
  }
  let json = contentJson.get(content);
  if (json === undefined) {
    json = JSON.stringify(content);
    contentJson.set(content, json);
  }
  return json;
}

/** Exactly JSON.stringify({event, eventId, timestamp, data}), with `data.content` encoded once per object. */
export function webSocketFrame(data: NotificationData, eventId: number, now: number): string {
  const members = Object.entries(data).map(
    ([key, value]) =>
      `${JSON.stringify(key)}:${key === 'content' ? encodedContent(value) : JSON.stringify(value)}`,
  );
  const timestamp = JSON.stringify(envelopeTimestamp(now));
  return `{"event":"Notification","eventId":${eventId},"timestamp":${timestamp},"data":{${members.join(',')}}}`;
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
