// Channel frames and webhook bodies → what they mean: a call snapshot, a channel control message, or nothing for us.
import type { CallSnapshotEvent } from '../../calls/types.ts';
import type { PhoneOptions } from '../../phone/phone.ts';
import { phoneCacheFor } from '../party.ts';
import {
  callStateContentSchema,
  frameSchema,
  notificationSchema,
  reportSummaryContentSchema,
} from './schema.ts';
import type { CallMetadata } from './schema.ts';
import { CallStateError, normalizeCallState } from './state-normalizer.ts';
import { inPlaceParser } from '../../util/zod-in-place.ts';
import type { z } from 'zod';

export type ChannelControl = 'refresh-required' | 'to-be-closed';

export type FrameResult =
  /** `metadata` is the raw conversation metadata, kept by the source to normalize recovered states. */
  | { readonly kind: 'event'; readonly event: CallSnapshotEvent; readonly metadata: CallMetadata }
  | { readonly kind: 'control'; readonly control: ChannelControl }
  /** REPORT_SUMMARY (§7.4): the report of this finished conversation is ready. */
  | { readonly kind: 'report'; readonly conversationSpaceId: string }
  /** A notification of another source or type on the same channel (§9.4 #6): not an error. */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** Not parseable or not meaningful: counted (by reason) and logged by the caller, never thrown. */
  | { readonly kind: 'invalid'; readonly reason: RejectReason; readonly error: string };

/** Why a frame was rejected: stable ids, the label of screenpop_goto_rejected_frames_total. */
export type RejectReason =
  | 'not_json'
  | 'bad_envelope'
  | 'bad_webhook_body'
  | 'bad_report_summary'
  | 'bad_call_state'
  | 'bad_call_value'
  /** Set by the source: the normalizer threw (a bug), the frame was dropped. */
  | 'normalizer_error';

const CONTROL: Readonly<Record<string, ChannelControl>> = {
  WEBSOCKET_REFRESH_REQUIRED: 'refresh-required',
  WEBSOCKET_TO_BE_CLOSED: 'to-be-closed',
};

// Frames are checked in place: a well-formed one is not copied (zod's own parse copies every object it checks).
const parseFrame = inPlaceParser(frameSchema);
const parseNotification = inPlaceParser(notificationSchema);
const parseCallStateContent = inPlaceParser(callStateContentSchema);

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Normalizes the notification object itself (`frame.data`, or a webhook body). */
function fromNotification(data: z.infer<typeof notificationSchema>, phone: PhoneOptions): FrameResult {
  const control = data.type == null ? undefined : CONTROL[data.type];
  if (control !== undefined) {
    return { kind: 'control', control };
  }
  if (data.source === 'call-events-report' && data.type === 'REPORT_SUMMARY') {
    const content = reportSummaryContentSchema.safeParse(data.content);
    return content.success
      ? { kind: 'report', conversationSpaceId: content.data.conversationSpaceId }
      : {
          kind: 'invalid',
          reason: 'bad_report_summary',
          error: `REPORT_SUMMARY content: ${issues(content.error)}`,
        };
  }
  if (data.source !== 'call-events' || data.type !== 'call-state') {
    return { kind: 'ignored', reason: `${data.source ?? '?'}/${data.type ?? '?'}` };
  }
  const content = parseCallStateContent(data.content);
  if (!content.success) {
    return {
      kind: 'invalid',
      reason: 'bad_call_state',
      error: `call-state content: ${issues(content.error)}`,
    };
  }
  try {
    const { metadata, state } = content.data;
    const event = normalizeCallState(metadata, state, data.id ?? null, phoneCacheFor(phone));
    return { kind: 'event', event, metadata };
  } catch (error) {
    if (error instanceof CallStateError) {
      return { kind: 'invalid', reason: 'bad_call_value', error: error.message };
    }
    throw error;
  }
}

/**
 * One WebSocket text frame of a notification channel (§5.6). Control messages may come as bare strings
 * ("WEBSOCKET_REFRESH_REQUIRED", possibly quoted) instead of JSON envelopes [3P]; both are accepted.
 */
export function normalizeCallEventsFrame(text: string, phone: PhoneOptions): FrameResult {
  if (text.charCodeAt(0) !== 123 /* "{" */) {
    const control = CONTROL[text.trim().replace(/^"(.*)"$/, '$1')];
    if (control !== undefined) {
      return { kind: 'control', control };
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not_json', error: 'frame is not JSON' };
  }
  const frame = parseFrame(json);
  if (!frame.success) {
    return { kind: 'invalid', reason: 'bad_envelope', error: `frame: ${issues(frame.error)}` };
  }
  if (frame.data.data == null) {
    return { kind: 'ignored', reason: 'frame without data' };
  }
  return fromNotification(frame.data.data, phone);
}

/**
 * A webhook POST body: the bare `data` object, null members left out (§5.7). screenpop subscribes over a WebSocket
 * channel only (a webhook needs a URL GoTo can reach, and gives no ordering or pings); this stays so the fixture
 * check and the fuzzing prove both spellings of a notification mean the same thing.
 */
export function normalizeWebhookBody(body: unknown, phone: PhoneOptions): FrameResult {
  const data = parseNotification(body);
  if (!data.success) {
    return { kind: 'invalid', reason: 'bad_webhook_body', error: `webhook body: ${issues(data.error)}` };
  }
  return fromNotification(data.data, phone);
}
