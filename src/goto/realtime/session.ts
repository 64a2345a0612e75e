// Realtime v2 session REST (goto-protocol.md §4.1–4.3): create, subscribe dialogs per line, check, delete.
import { z } from 'zod';
import { GoToApiError } from '../http/api-error.ts';
import type { GoToApi } from '../http/rest-client.ts';
import type { GoToLine } from '../http/account.ts';

export interface RealtimeSession {
  /** Session resource URL (on the configured realtime host). */
  readonly self: string;
  /** Socket URL: a bearer capability, never logged. */
  readonly ws: string;
  readonly subscriptions: string;
}

const sessionSchema = z.object({
  self: z.string(),
  ws: z.string().nullish(),
  subscriptions: z.string().nullish(),
});

/** More than 30 active sessions for one user: GoTo answers 400 (§4.1). */
export class RealtimeSessionLimitError extends Error {
  constructor(cause: GoToApiError) {
    super(
      `GoTo refused a new Realtime session (${cause.message}); a user may hold at most 30 active sessions`,
    );
    this.name = 'RealtimeSessionLimitError';
  }
}

/**
 * The answer names absolute URLs; only their paths are used, on the configured realtime host, so the Bearer
 * token never goes to a host that config did not name.
 */
function onRealtimeHost(api: GoToApi, url: string): string {
  const parsed = new URL(url, api.urls.realtime);
  return api.url('realtime', parsed.pathname + parsed.search);
}

export async function createSession(api: GoToApi): Promise<RealtimeSession> {
  try {
    const { body } = await api.request('POST', api.url('realtime', '/v2/session'), { schema: sessionSchema });
    const self = onRealtimeHost(api, body.self);
    if (body.ws == null) {
      throw new GoToApiError(
        'POST',
        '/v2/session',
        200,
        'NO_WS_URL',
        null,
        [],
        'the session answer has no ws URL',
      );
    }
    return {
      self,
      ws: body.ws,
      subscriptions: onRealtimeHost(api, body.subscriptions ?? `${body.self}/subscriptions`),
    };
  } catch (error) {
    if (error instanceof GoToApiError && error.status === 400) {
      throw new RealtimeSessionLimitError(error);
    }
    throw error;
  }
}

/** The subscription id chosen per line; it comes back as `subId` on every frame. */
export const subIdOf = (lineId: string): string => `line-${lineId}`;

export async function subscribeDialogs(
  api: GoToApi,
  session: RealtimeSession,
  lines: readonly GoToLine[],
): Promise<void> {
  const body = lines.map((line) => ({
    id: subIdOf(line.id),
    type: 'dialog',
    // entity.account is the line's organization id, not the numeric account key (§4.2).
    entity: { id: line.id, type: 'line.v2', account: line.organizationId },
  }));
  await api.request('POST', session.subscriptions, { body });
}

/** true while the session lives; false on 404 (idle expiry, §4.1). */
export async function sessionAlive(api: GoToApi, session: RealtimeSession): Promise<boolean> {
  try {
    await api.request('GET', session.self);
    return true;
  } catch (error) {
    if (error instanceof GoToApiError && error.status === 404) {
      return false;
    }
    throw error;
  }
}

export async function deleteSession(api: GoToApi, session: RealtimeSession): Promise<void> {
  try {
    await api.request('DELETE', session.self);
  } catch (error) {
    if (error instanceof GoToApiError && error.status === 404) {
      return;
    }
    throw error;
  }
}
