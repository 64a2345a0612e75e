// Notification Channel API (goto-protocol.md §5) and the Call Events subscription on it (§6.2).
import { z } from 'zod';
import { GoToApiError } from '../http/api-error.ts';
import type { GoToApi } from '../http/rest-client.ts';

/** A WebSocket channel. `url` is a bearer capability: never log it. */
export interface Channel {
  readonly nickname: string;
  readonly id: string;
  readonly url: string;
  /** Seconds, as returned (1200 live, 10800 in the README example). */
  readonly lifetimeSeconds: number | null;
}

const channelSchema = z.object({
  channelId: z.string(),
  channelData: z.object({ channelURL: z.string().nullish() }).nullish(),
  channelURL: z.string().nullish(),
  channelLifetime: z.number().nullish(),
});

const subscribeSchema = z.object({
  accountKeys: z
    .array(
      z.object({
        id: z.union([z.string(), z.number()]).nullish(),
        status: z.number().nullish(),
        message: z.string().nullish(),
        errorCode: z.string().nullish(),
      }),
    )
    .nullish(),
});

export class SubscriptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubscriptionError';
  }
}

const base = '/notification-channel/v1/channels';

export async function createChannel(api: GoToApi, nickname: string): Promise<Channel> {
  const { body } = await api.request('POST', api.url('api', `${base}/${encodeURIComponent(nickname)}`), {
    body: { channelType: 'WebSockets' },
    schema: channelSchema,
  });
  // Live answers nest channelURL under channelData; a portal example had it at the top level (§5.1, §9.4 #4).
  const url = body.channelData?.channelURL ?? body.channelURL ?? null;
  if (url === null) {
    throw new GoToApiError(
      'POST',
      base,
      201,
      'NO_CHANNEL_URL',
      null,
      [],
      'the channel answer has no channelURL',
    );
  }
  return { nickname, id: body.channelId, url, lifetimeSeconds: body.channelLifetime ?? null };
}

/** PUT refresh, the answer to WEBSOCKET_REFRESH_REQUIRED (§5.6). */
export async function refreshChannel(api: GoToApi, channel: Channel): Promise<void> {
  const path = `${base}/${encodeURIComponent(channel.nickname)}/${encodeURIComponent(channel.id)}`;
  await api.request('PUT', api.url('api', path), { body: { channelType: 'WebSockets' } });
}

/** DELETE; a 404 means it is already gone, which is what we wanted (§5.4). Also removes its subscriptions. */
export async function deleteChannel(api: GoToApi, channel: Channel): Promise<void> {
  const path = `${base}/${encodeURIComponent(channel.nickname)}/${encodeURIComponent(channel.id)}`;
  try {
    await api.request('DELETE', api.url('api', path));
  } catch (error) {
    if (error instanceof GoToApiError && error.status === 404) {
      return;
    }
    throw error;
  }
}

export const CALL_EVENT_TYPES = ['STARTING', 'ACTIVE', 'ENDING'] as const;

/** POST /call-events/v1/subscriptions; every entry of the 207 is checked (a 207 can hold only failures, §6.2). */
export async function subscribeCallEvents(
  api: GoToApi,
  channel: Channel,
  accountKeys: readonly string[],
): Promise<void> {
  const { body } = await api.request('POST', api.url('api', '/call-events/v1/subscriptions'), {
    body: {
      channelId: channel.id,
      accountKeys: accountKeys.map((id) => ({ id, events: [...CALL_EVENT_TYPES] })),
    },
    schema: subscribeSchema,
  });
  const entries = body.accountKeys ?? [];
  const failed = entries.filter((e) => e.status == null || e.status < 200 || e.status > 299);
  const missing = accountKeys.filter((key) => !entries.some((e) => String(e.id) === key));
  if (failed.length > 0 || missing.length > 0) {
    const why = [
      ...failed.map((e) =>
        `account ${String(e.id)}: ${e.status ?? '?'} ${e.errorCode ?? ''} ${e.message ?? ''}`.replace(
          /\s+/g,
          ' ',
        ),
      ),
      ...missing.map((key) => `account ${key}: not in the answer`),
    ];
    throw new SubscriptionError(
      `GoTo refused the Call Events subscription (${why.join('; ')}). The token's user must be a super admin ` +
        'of the account, with the call-events.v1.notifications.manage scope.',
    );
  }
}
