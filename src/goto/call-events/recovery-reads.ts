// Recovery reads (goto-protocol.md §6.7): the latest state of every active call, and the states of one call by sequence.
import { conversationEventsSchema, conversationSpacesSchema } from './schema.ts';
import type { CallMetadata, CallState } from './schema.ts';
import type { GoToApi } from '../http/rest-client.ts';

export interface ActiveCall {
  readonly metadata: CallMetadata;
  readonly state: CallState;
}

const MAX_PAGES = 50;

/** Whose active calls: the account's (an admin token), or one line's (any token that sees the line). */
export type ActiveCallFilter = { readonly accountKey: string } | { readonly lineId: string };

/** GET /call-events/v1/conversation-spaces?accountKey= or ?lineId= (paged by nextPageMarker). */
export async function fetchActiveCalls(
  api: GoToApi,
  filter: string | ActiveCallFilter,
  signal?: AbortSignal,
): Promise<ActiveCall[]> {
  const by = typeof filter === 'string' ? { accountKey: filter } : filter;
  const calls: ActiveCall[] = [];
  let marker: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: Record<string, string> = { ...by, ...(marker === null ? {} : { pageMarker: marker }) };
    const url = api.url('api', '/call-events/v1/conversation-spaces', query);
    const { body } = await api.request('GET', url, { schema: conversationSpacesSchema, signal });
    calls.push(...(body.items ?? []));
    marker = body.nextPageMarker ?? null;
    if (marker === null) {
      break;
    }
  }
  return calls;
}

/** GET /conversation-spaces/{id}/events?sequenceFrom=&sequenceTo=, sorted by sequence number. */
export async function fetchCallStates(
  api: GoToApi,
  conversationSpaceId: string,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<CallState[]> {
  const states: CallState[] = [];
  let marker: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: Record<string, string> = {
      sequenceFrom: String(from),
      sequenceTo: String(to),
      ...(marker === null ? {} : { pageMarker: marker }),
    };
    const path = `/call-events/v1/conversation-spaces/${encodeURIComponent(conversationSpaceId)}/events`;
    const { body } = await api.request('GET', api.url('api', path, query), {
      schema: conversationEventsSchema,
      signal,
    });
    states.push(...(body.items ?? []));
    marker = body.nextPageMarker ?? null;
    if (marker === null) {
      break;
    }
  }
  return states
    .filter((s) => s.sequenceNumber >= from && s.sequenceNumber <= to)
    .sort((a, b) => a.sequenceNumber - b.sequenceNumber);
}
