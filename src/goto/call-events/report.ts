// Call Events Report API (goto-protocol.md §7): REPORT_SUMMARY subscription, one call's report, report summaries.
import { z } from 'zod';
import { GoToApiError } from '../http/api-error.ts';
import { metadataSchema, participantSchema, stateSchema } from './schema.ts';
import type { CallMetadata, CallState } from './schema.ts';
import type { Channel } from './notification-channel.ts';
import type { GoToApi } from '../http/rest-client.ts';

const BASE = '/call-events-report/v1';
const MAX_PAGES = 50;

const subscriptionSchema = z.object({ items: z.array(z.object({ value: z.string().nullish() })).nullish() });

// The report repeats the conversation metadata at its top level; callStates have the §6.4.2 shape (§7.5).
export const reportSchema = metadataSchema.extend({
  participants: z.array(participantSchema).nullish(),
  callStates: z.array(stateSchema).nullish(),
});

const summariesSchema = z.object({
  items: z.array(z.object({ conversationSpaceId: z.string() })).nullish(),
  nextPageMarker: z.string().nullish(),
});

/** A finished call's history, ready for the normalizer. */
export interface CallReport {
  readonly metadata: CallMetadata;
  /** Sorted by sequence number. */
  readonly states: readonly CallState[];
}

/**
 * POST /subscriptions, flat grammar (§7.1): 201 with the subscribed keys in `items`. Throws GoToApiError, or
 * an Error naming the keys left out (an empty `items` means nothing was subscribed).
 */
export async function subscribeReportSummaries(
  api: GoToApi,
  channel: Channel,
  accountKeys: readonly string[],
): Promise<void> {
  const { body } = await api.request('POST', api.url('api', `${BASE}/subscriptions`), {
    body: { channelId: channel.id, accountKeys: [...accountKeys], eventTypes: ['REPORT_SUMMARY'] },
    schema: subscriptionSchema,
  });
  const subscribed = new Set((body.items ?? []).map((item) => item.value));
  const missing = accountKeys.filter((key) => !subscribed.has(key));
  if (missing.length > 0) {
    throw new Error(`REPORT_SUMMARY not subscribed for account(s) ${missing.join(', ')}`);
  }
}

/**
 * A report as the normalizer's input. Its states parse with the live schema: member order, 3-digit timestamps
 * and AGENT participants (legs, like LINE) are the normalizer's business, not a second code path.
 */
export function toCallReport(body: z.infer<typeof reportSchema>): CallReport {
  const { callStates, participants: _participants, ...metadata } = body;
  const states = [...(callStates ?? [])].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  return { metadata: { ...metadata, dialString: dialStringOf(body) }, states };
}

/**
 * Reports carry no dialString, which tells an internal call from an outbound one before the callee shows
 * (§6.0 #2): rebuilt from the report's participants, the called party of an OUTBOUND call.
 */
function dialStringOf(body: z.infer<typeof reportSchema>): string | null {
  if (body.dialString != null || body.direction !== 'OUTBOUND') {
    return body.dialString ?? null;
  }
  const parties = body.participants ?? [];
  const phone = parties.find((p) => p.type.value === 'PHONE_NUMBER');
  if (phone !== undefined) {
    return phone.type.callee?.number ?? null;
  }
  const line = parties.find(
    (p) => (p.type.value === 'LINE' || p.type.value === 'AGENT') && p.originator !== p.id,
  );
  return line?.type.extensionNumber ?? null;
}

/** GET /reports/{id}: null while the report is not ready (404, §7.5). */
export async function fetchReport(
  api: GoToApi,
  conversationSpaceId: string,
  signal?: AbortSignal,
): Promise<CallReport | null> {
  const path = `${BASE}/reports/${encodeURIComponent(conversationSpaceId)}`;
  try {
    const { body } = await api.request('GET', api.url('api', path), { schema: reportSchema, signal });
    return toCallReport(body);
  } catch (error) {
    if (error instanceof GoToApiError && error.status === 404) {
      return null;
    }
    throw error;
  }
}

/** GET /report-summaries for one account and window (≤ 31 days, §7.6): the conversation ids, every page. */
export async function fetchReportSummaryIds(
  api: GoToApi,
  accountKey: string,
  window: { readonly start: number; readonly end: number },
  signal?: AbortSignal,
): Promise<string[]> {
  const ids: string[] = [];
  let marker: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: Record<string, string> = {
      accountKey,
      startTime: new Date(window.start).toISOString(),
      endTime: new Date(window.end).toISOString(),
      pageSize: '100',
      ...(marker === null ? {} : { pageMarker: marker }),
    };
    const url = api.url('api', `${BASE}/report-summaries`, query);
    const { body } = await api.request('GET', url, { schema: summariesSchema, signal });
    ids.push(...(body.items ?? []).map((item) => item.conversationSpaceId));
    marker = body.nextPageMarker ?? null;
    if (marker === null) {
      break;
    }
  }
  return ids;
}
