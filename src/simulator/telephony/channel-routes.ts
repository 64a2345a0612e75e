// Notification Channel REST API and the channel WebSocket (§5, §11 #1–6, #21, #22).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimContext } from '../context.ts';
import type { Channel, ChannelStore } from './channels.ts';
import type { JsonObject } from './conversation.ts';
import { liveTimestamp } from './format.ts';
import { pageOf } from './paging.ts';

const BASE = '/notification-channel/v1/channels';
/** Any `*.notifications.manage` scope may manage channels (§11 #22). */
export const NOTIFICATION_SCOPES = [
  'call-events.v1.notifications.manage',
  'notification-channel.v1.manage',
  'messaging.v1.notifications.manage',
  'voicemail.v1.notifications.manage',
  'presence.v1.notifications.manage',
  'recording.v1.notifications.manage',
  'calls.v2.notifications.manage',
] as const;
const NICKNAME = /^[A-Za-z0-9._-]{1,64}$/;

const createSchema = z.object({
  channelType: z.enum(['WebSockets', 'WebSocket', 'Webhook']),
  channelLifetime: z.number().int().positive().max(2_147_483_647).optional(),
  webhookChannelData: z.object({ webhook: z.object({ url: z.string().url() }) }).optional(),
});

const refreshSchema = z.object({ channelType: z.enum(['WebSockets', 'WebSocket', 'Webhook']) }).optional();

/** Only loopback receivers: the simulator must never send traffic anywhere else. */
export function isLoopbackUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && ['127.0.0.1', '[::1]'].includes(url.hostname)
    );
  } catch {
    return false;
  }
}

/** A channel as GoTo shows it; its URLs are on the host `request` reached (§5.1). */
export function channelJson(ctx: SimContext, request: FastifyRequest, channel: Channel): JsonObject {
  if (channel.kind === 'WebSockets') {
    return {
      channelId: channel.id,
      channelNickname: channel.nickname,
      channelData: {
        channelType: 'WebSockets',
        channelURL: `${ctx.wsBaseUrl(request)}${BASE}/${channel.id}/channelId/ws`,
        isConnected: channel.sockets.size > 0,
      },
      channelLifetime: channel.lifetimeSeconds,
    };
  }
  return {
    channelId: channel.id,
    channelNickname: channel.nickname,
    webhookChannelData:
      channel.unreachableSince === null
        ? { webhook: { url: channel.webhookUrl ?? '' }, channelType: 'Webhook' }
        : {
            webhook: { url: channel.webhookUrl ?? '' },
            channelType: 'Webhook',
            unreachableTimestamp: liveTimestamp(channel.unreachableSince),
          },
    channelLifetime: channel.lifetimeSeconds,
    resourceURL: `${ctx.baseUrl(request)}${BASE}/${channel.nickname}/${channel.id}`,
    doNotDisturbAware: false,
  };
}

function violations(error: z.ZodError): { field: string; constraint: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.join('.') || 'body',
    constraint: issue.code === 'invalid_type' && issue.input === undefined ? 'REQUIRED' : 'INVALID',
  }));
}

async function acceptsPost(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'OPTIONS', signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer().catch(() => undefined);
    return response.status >= 200 && response.status < 300;
  } catch {
    return false;
  }
}

/** Routes that name one channel: /:nickname/:channelId. */
type One = { Params: { nickname: string; channelId: string } };

export function registerChannelRoutes(app: FastifyInstance, ctx: SimContext, store: ChannelStore): void {
  const notFound = (reply: FastifyReply, id: string) =>
    ctx.sendError(
      reply,
      404,
      'RTC-NOTIFICATION-CHANNEL-NOT-FOUND',
      `Notification channel does not exist ${id}`,
      {
        constraintViolations: [],
      },
    );
  const badRequest = (reply: FastifyReply, message: string, list: { field: string; constraint: string }[]) =>
    ctx.sendError(reply, 400, 'BAD_REQUEST', message, { constraintViolations: list });
  /** The caller's channel named in the path; null once a 401/403 (token, scope) or a 404 has been sent. */
  const ownedChannel = (request: FastifyRequest<One>, reply: FastifyReply): Channel | null => {
    const token = ctx.authorize(request, reply, NOTIFICATION_SCOPES);
    if (token === null) {
      return null;
    }
    const channel = store.get(request.params.channelId);
    if (channel === undefined || channel.ownerUserKey !== token.user.userKey) {
      notFound(reply, request.params.channelId);
      return null;
    }
    return channel;
  };

  app.post<{ Params: { nickname: string } }>(`${BASE}/:nickname`, async (request, reply) => {
    const token = ctx.authorize(request, reply, NOTIFICATION_SCOPES);
    if (token === null) {
      return reply;
    }
    const nickname = request.params.nickname;
    if (!NICKNAME.test(nickname)) {
      return badRequest(reply, 'Invalid channel nickname', [
        { field: 'channelNickname', constraint: 'INVALID' },
      ]);
    }
    const parsed = createSchema.safeParse(request.body);
    if (!parsed.success) {
      return badRequest(reply, 'Invalid notification channel', violations(parsed.error));
    }
    const body = parsed.data;
    let webhookUrl: string | null = null;
    if (body.channelType === 'Webhook') {
      const url = body.webhookChannelData?.webhook.url;
      if (url === undefined) {
        return badRequest(reply, 'A Webhook channel needs a webhook URL', [
          { field: 'webhookChannelData.webhook.url', constraint: 'REQUIRED' },
        ]);
      }
      // GoTo checks with OPTIONS that the receiver accepts POST before it creates the channel (§5.2).
      if (!isLoopbackUrl(url) || !(await acceptsPost(url))) {
        return badRequest(reply, `The webhook ${url} did not accept the OPTIONS check`, [
          { field: 'webhookChannelData.webhook.url', constraint: 'INVALID' },
        ]);
      }
      webhookUrl = url;
    }
    const channel = store.create({
      nickname,
      ownerUserKey: token.user.userKey,
      kind: body.channelType === 'Webhook' ? 'Webhook' : 'WebSockets',
      webhookUrl,
      lifetimeSeconds: body.channelLifetime ?? null,
    });
    return reply.code(201).send(channelJson(ctx, request, channel));
  });

  app.get<{ Querystring: { pageSize?: string; pageMarker?: string } }>(BASE, async (request, reply) => {
    const token = ctx.authorize(request, reply, NOTIFICATION_SCOPES);
    if (token === null) {
      return reply;
    }
    const page = pageOf(store.list(token.user.userKey), request.query);
    if (page === null) {
      return badRequest(reply, 'Invalid paging', [{ field: 'pageSize', constraint: 'INVALID' }]);
    }
    const items = page.items.map((c) => channelJson(ctx, request, c));
    return reply.send(page.next === null ? { items } : { nextPageMarker: page.next, items });
  });

  app.get<One>(`${BASE}/:nickname/:channelId`, async (request, reply) => {
    const channel = ownedChannel(request, reply);
    return channel === null ? reply : reply.send(channelJson(ctx, request, channel));
  });

  app.put<One>(`${BASE}/:nickname/:channelId`, async (request, reply) => {
    const channel = ownedChannel(request, reply);
    if (channel === null) {
      return reply;
    }
    const parsed = refreshSchema.safeParse(request.body ?? undefined);
    if (!parsed.success) {
      return badRequest(reply, 'Invalid refresh', violations(parsed.error));
    }
    store.refresh(channel);
    return reply.code(200).send(channelJson(ctx, request, channel));
  });

  const lifetime = async (request: FastifyRequest<One>, reply: FastifyReply, extend: boolean) => {
    const channel = ownedChannel(request, reply);
    if (channel === null) {
      return reply;
    }
    if (extend) {
      store.refresh(channel);
    }
    return reply.send({ channelLifetime: channel.lifetimeSeconds });
  };
  app.put<One>(`${BASE}/:nickname/:channelId/channel-lifetime`, (request, reply) =>
    lifetime(request, reply, true),
  );
  app.get<One>(`${BASE}/:nickname/:channelId/channel-lifetime`, (request, reply) =>
    lifetime(request, reply, false),
  );

  app.delete<One>(`${BASE}/:nickname/:channelId`, async (request, reply) => {
    const channel = ownedChannel(request, reply);
    if (channel === null) {
      return reply;
    }
    store.delete(channel.id);
    return reply.code(204).send();
  });

  // The channel WebSocket: no auth, the URL is the credential; nothing is expected from the client (§5.5).
  app.get<{ Params: { channelId: string } }>(
    `${BASE}/:channelId/channelId/ws`,
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (store.get(request.params.channelId)?.kind !== 'WebSockets') {
          await notFound(reply, request.params.channelId);
        }
      },
    },
    (socket, request) => {
      const channel = store.get(request.params.channelId);
      if (channel === undefined) {
        socket.close(1008);
        return;
      }
      channel.sockets.add(socket);
      socket.on('close', () => channel.sockets.delete(socket));
      socket.on('error', () => channel.sockets.delete(socket));
    },
  );
}
