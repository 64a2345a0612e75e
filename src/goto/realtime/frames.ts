// Legacy Realtime v2 session frames (goto-protocol.md §4.4–4.5): announce / replace / withdraw → LegEvent; keepalive.
import { z } from 'zod';
import type { CallDirection, LegEvent, LegState } from '../../calls/types.ts';
import type { PhoneOptions } from '../../phone/phone.ts';
import { phoneCacheFor } from '../party.ts';

const optStr = z.string().nullish();
const nameNumber = z.object({ name: optStr, number: optStr }).nullish();

const realtimeFrameSchema = z.object({
  type: z.string(),
  subId: optStr,
  entityId: optStr,
  newId: optStr,
  data: z
    .object({
      legId: optStr,
      created: z.number().nullish(),
      caller: nameNumber,
      callee: nameNumber,
      direction: optStr,
      state: optStr,
      ani: optStr,
      originatorId: optStr,
    })
    .nullish(),
});

/** What a subscription id stands for: the source subscribed `dialog` on this line. */
export interface SubscribedLine {
  readonly lineId: string;
  readonly extension: string | null;
  readonly name: string | null;
}

export interface RealtimeFrameContext {
  readonly phone: PhoneOptions;
  /** subId → the line it was created for; null when the subId is not ours. */
  readonly lineOf: (subId: string) => SubscribedLine | null;
  /** The account key, when known (Realtime frames carry only the organization id). */
  readonly accountKey: string | null;
  /** Receive time (Realtime frames carry no state time). */
  readonly now: () => number;
}

export type RealtimeFrameResult =
  /** `legId` (one line's device leg) lets the source keep one callId per dialog. */
  | { readonly kind: 'event'; readonly event: LegEvent; readonly legId: string | null }
  | { readonly kind: 'keepalive' }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: RealtimeRejectReason; readonly error: string };

/** Why a frame was rejected: stable ids, the label of screenpop_goto_rejected_frames_total. */
export type RealtimeRejectReason = 'not_json' | 'bad_envelope' | 'no_originator' | 'normalizer_error';

/** Dialog states (§4.5). More than one BRIDGED ↔ UNBRIDGED cycle is possible. */
function legStateOf(frameType: string, state: string | null | undefined): LegState {
  if (frameType === 'withdraw') {
    return 'gone';
  }
  switch (state) {
    case 'CREATED':
    case 'RINGING':
      return 'ringing';
    case 'UNBRIDGED':
      return 'held';
    case 'HUNGUP':
      return 'gone';
    default:
      return 'connected'; // ANSWERED, BRIDGED and values GoTo adds later
  }
}

/** `ani` is "+13125550140 <+13125550140>" or "Main Line <+13125550140>": the number in brackets wins. */
function aniNumber(ani: string | null | undefined): string | null {
  if (ani == null || ani === '') {
    return null;
  }
  const bracket = /<([^>]*)>/.exec(ani);
  return (bracket?.[1] ?? ani).trim();
}

export function normalizeRealtimeFrame(text: string, ctx: RealtimeFrameContext): RealtimeFrameResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not_json', error: 'realtime frame is not JSON' };
  }
  const parsed = realtimeFrameSchema.safeParse(json);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      reason: 'bad_envelope',
      error: `realtime frame: ${parsed.error.issues[0]?.message ?? 'bad shape'}`,
    };
  }
  const frame = parsed.data;
  if (frame.type === 'keepalive') {
    return { kind: 'keepalive' };
  }
  if (frame.type !== 'announce' && frame.type !== 'replace' && frame.type !== 'withdraw') {
    return { kind: 'ignored', reason: `realtime type ${frame.type}` };
  }
  const line = frame.subId == null ? null : ctx.lineOf(frame.subId);
  if (line === null) {
    return { kind: 'ignored', reason: `unknown subscription ${frame.subId ?? '(none)'}` };
  }
  const data = frame.data;
  const callId = data?.originatorId ?? data?.legId;
  if (data == null || callId == null) {
    return {
      kind: 'invalid',
      reason: 'no_originator',
      error: `realtime ${frame.type} without data.originatorId`,
    };
  }
  const phones = phoneCacheFor(ctx.phone);
  const caller = phones.party(data.caller?.number ?? null, data.caller?.name ?? null);
  const callee =
    data.callee == null ? null : phones.party(data.callee.number ?? null, data.callee.name ?? null);
  const inbound = data.direction !== 'initiator';
  // The far party is the caller when the line receives, the callee when it dials; an extension there = internal.
  const far = inbound ? caller : callee;
  const direction: CallDirection = far?.extension != null ? 'internal' : inbound ? 'inbound' : 'outbound';
  const at = ctx.now();
  return {
    kind: 'event',
    legId: data.legId ?? null,
    event: {
      kind: 'leg',
      source: 'realtime',
      callId,
      entityId: frame.entityId ?? frame.newId ?? '',
      legId: data.legId ?? null,
      accountKey: ctx.accountKey,
      createdAt: data.created ?? at,
      at,
      direction,
      caller,
      callee,
      dialed: phones.e164(aniNumber(data.ani)),
      leg: {
        lineId: line.lineId,
        extension: line.extension,
        name: line.name,
        state: legStateOf(frame.type, data.state),
      },
    },
  };
}
