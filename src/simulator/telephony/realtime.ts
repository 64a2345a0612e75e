// Legacy Realtime API v2 (§4, §11 #18, #19): sessions, dialog subscriptions, the session WebSocket with
// announce / replace / withdraw / keepalive frames, idle expiry and the 30-session cap per user.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { SimContext, TokenInfo } from '../context.ts';
import type { CallListener, CallRecord } from './call-hub.ts';
import type { Timers } from './flow-context.ts';
import { opaqueId } from './format.ts';
import { DialogTracker } from './realtime-dialogs.ts';
import type { DialogEvent } from './realtime-dialogs.ts';

const SCOPES = ['users.v1.lines.read', 'users.v1.read'] as const;
const MAX_SESSIONS_PER_USER = 30;

const subscriptionSchema = z.array(
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('dialog'),
    entity: z.object({
      id: z.string().min(1),
      type: z.enum(['line.v2', 'line']),
      account: z.string().min(1),
    }),
  }),
);
type Subscription = z.infer<typeof subscriptionSchema>[number];

interface Session {
  readonly id: string;
  readonly userKey: string;
  subscriptions: Subscription[];
  readonly sockets: Set<WebSocket>;
  cancelIdle: () => void;
  cancelKeepalive: (() => void) | null;
}

export class RealtimeService implements CallListener {
  readonly sessions = new Map<string, Session>();
  /**
   * lineId → the sessions with a dialog subscription on it: a dialog change reaches its line's watchers without a
   * walk over every session (1,000 agents' sessions × every call state cost the simulator more than the frames).
   */
  private readonly watchers = new Map<string, Set<Session>>();
  private readonly dialogs = new DialogTracker();

  constructor(
    private readonly ctx: SimContext,
    private readonly timers: Timers,
  ) {}

  onCallChanged(call: CallRecord): void {
    for (const event of this.dialogs.changes(call)) {
      this.dispatch(event);
    }
  }

  private dispatch(event: DialogEvent): void {
    for (const session of this.watchers.get(event.lineId) ?? []) {
      for (const sub of session.subscriptions) {
        if (sub.entity.id !== event.lineId) {
          continue;
        }
        const frame =
          event.type === 'replace'
            ? {
                type: 'replace',
                subId: sub.id,
                oldId: event.oldId,
                newId: event.entityId,
                entityId: event.entityId,
                data: event.data,
              }
            : { type: event.type, subId: sub.id, entityId: event.entityId, data: event.data };
        // Events while no socket is open are lost, as on the channel socket.
        if (session.sockets.size > 0) {
          const text = JSON.stringify(frame);
          session.sockets.forEach((socket) => socket.send(text));
        }
      }
    }
  }

  /** Replaces a session's dialog subscriptions and keeps the line → sessions index in step. */
  subscribe(session: Session, subscriptions: Subscription[]): void {
    this.unwatch(session);
    session.subscriptions = subscriptions;
    for (const sub of subscriptions) {
      let sessions = this.watchers.get(sub.entity.id);
      if (sessions === undefined) {
        sessions = new Set();
        this.watchers.set(sub.entity.id, sessions);
      }
      sessions.add(session);
    }
  }

  private unwatch(session: Session): void {
    for (const sub of session.subscriptions) {
      const sessions = this.watchers.get(sub.entity.id);
      sessions?.delete(session);
      if (sessions?.size === 0) {
        this.watchers.delete(sub.entity.id);
      }
    }
  }

  create(userKey: string): Session | null {
    const mine = [...this.sessions.values()].filter((s) => s.userKey === userKey);
    if (mine.length >= MAX_SESSIONS_PER_USER) {
      return null;
    }
    const session: Session = {
      id: opaqueId(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
      userKey,
      subscriptions: [],
      sockets: new Set(),
      cancelIdle: () => undefined,
      cancelKeepalive: null,
    };
    this.sessions.set(session.id, session);
    this.touch(session);
    return session;
  }

  /** Restarts the idle clock: a session with no socket expires after realtimeIdleSeconds (§4.1). */
  touch(session: Session): void {
    session.cancelIdle();
    session.cancelIdle = () => undefined;
    if (session.sockets.size > 0) {
      return;
    }
    session.cancelIdle = this.timers.after(this.ctx.options.realtimeIdleSeconds * 1000, () =>
      this.delete(session.id),
    );
  }

  attach(session: Session, socket: WebSocket): void {
    session.sockets.add(socket);
    this.touch(session);
    if (session.cancelKeepalive === null) {
      this.keepalive(session);
    }
    const detach = () => {
      session.sockets.delete(socket);
      if (session.sockets.size === 0) {
        session.cancelKeepalive?.();
        session.cancelKeepalive = null;
        if (this.sessions.has(session.id)) {
          this.touch(session);
        }
      }
    };
    socket.on('close', detach);
    socket.on('error', detach);
  }

  /** `{"type":"keepalive"}` every keepaliveSeconds while a socket is open, unless faults.keepalives is off. */
  private keepalive(session: Session): void {
    session.cancelKeepalive = this.timers.after(this.ctx.options.keepaliveSeconds * 1000, () => {
      if (this.ctx.faults.keepalives) {
        session.sockets.forEach((socket) => socket.send(JSON.stringify({ type: 'keepalive' })));
      }
      this.keepalive(session);
    });
  }

  delete(id: string): boolean {
    const session = this.sessions.get(id);
    if (session === undefined) {
      return false;
    }
    this.sessions.delete(id);
    this.unwatch(session);
    session.cancelIdle();
    session.cancelKeepalive?.();
    session.sockets.forEach((socket) => socket.close(1000));
    return true;
  }

  /** Lines watched by a session with an open socket (a load test waits for its agents' sessions). */
  watchedLines(): number {
    const lines = new Set<string>();
    for (const session of this.sessions.values()) {
      if (session.sockets.size > 0) {
        session.subscriptions.forEach((sub) => lines.add(sub.entity.id));
      }
    }
    return lines.size;
  }

  closeSockets(): number {
    let closed = 0;
    for (const session of this.sessions.values()) {
      for (const socket of session.sockets) {
        socket.terminate();
        closed += 1;
      }
    }
    return closed;
  }

  close(): void {
    for (const id of [...this.sessions.keys()]) {
      const session = this.sessions.get(id);
      session?.sockets.forEach((socket) => socket.terminate());
      this.delete(id);
    }
  }
}

/** self, ws and subscriptions on the host `request` reached, as GoTo answers them (§4.1). */
function sessionJson(ctx: SimContext, request: FastifyRequest, session: Session) {
  const self = `${ctx.baseUrl(request)}/v2/session/${session.id}`;
  return {
    self,
    ws: `${ctx.wsBaseUrl(request)}/ws/v2/${session.id}`,
    subscriptions: `${self}/subscriptions`,
  };
}

export function registerRealtimeRoutes(
  app: FastifyInstance,
  ctx: SimContext,
  realtime: RealtimeService,
): void {
  const notFound = (reply: FastifyReply, id: string) =>
    ctx.sendError(reply, 404, 'NOT_FOUND', `Session not found ${id}`);
  type WithId = FastifyRequest<{ Params: { id: string } }>;
  /** The session of this request's user, or null after answering 401/403/404. */
  const owned = (request: WithId, reply: FastifyReply): { session: Session; token: TokenInfo } | null => {
    const token = ctx.authorize(request, reply, SCOPES);
    if (token === null) {
      return null;
    }
    const session = realtime.sessions.get(request.params.id);
    if (session === undefined || session.userKey !== token.user.userKey) {
      void notFound(reply, request.params.id);
      return null;
    }
    realtime.touch(session);
    return { session, token };
  };

  app.post('/v2/session', async (request, reply) => {
    const token = ctx.authorize(request, reply, SCOPES);
    if (token === null) {
      return reply;
    }
    const session = realtime.create(token.user.userKey);
    if (session === null) {
      return ctx.sendError(
        reply,
        400,
        'BAD_REQUEST',
        `At most ${MAX_SESSIONS_PER_USER} active sessions per user`,
      );
    }
    return reply.code(200).send(sessionJson(ctx, request, session));
  });

  app.get<{ Params: { id: string } }>('/v2/session/:id', async (request, reply) => {
    const found = owned(request, reply);
    return found === null ? reply : reply.send(sessionJson(ctx, request, found.session));
  });

  app.delete<{ Params: { id: string } }>('/v2/session/:id', async (request, reply) => {
    const found = owned(request, reply);
    if (found === null) {
      return reply;
    }
    realtime.delete(found.session.id);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/v2/session/:id/subscriptions', async (request, reply) => {
    const found = owned(request, reply);
    if (found === null) {
      return reply;
    }
    const parsed = subscriptionSchema.safeParse(request.body);
    if (!parsed.success) {
      return ctx.sendError(
        reply,
        400,
        'BAD_REQUEST',
        'Subscriptions must be an array of dialog subscriptions',
        {
          constraintViolations: parsed.error.issues.map((i) => ({
            field: i.path.join('.') || 'body',
            constraint: 'INVALID',
          })),
        },
      );
    }
    for (const [index, sub] of parsed.data.entries()) {
      const line = ctx.directory.lines.find((l) => l.id === sub.entity.id);
      const account = ctx.directory.accounts.find((a) => a.key === line?.accountKey);
      const user = found.token.user;
      const visible =
        line !== undefined &&
        (user.lineIds.includes(line.id) || (user.admin && user.accountKey === line.accountKey));
      if (!visible || account?.organizationId !== sub.entity.account) {
        return ctx.sendError(
          reply,
          400,
          'BAD_REQUEST',
          `Unknown line or organization in subscription ${sub.id}`,
          {
            constraintViolations: [{ field: `${index}.entity`, constraint: 'INVALID' }],
          },
        );
      }
    }
    const session = found.session;
    const ids = new Set(parsed.data.map((s) => s.id));
    realtime.subscribe(session, [...session.subscriptions.filter((s) => !ids.has(s.id)), ...parsed.data]);
    return reply.code(200).send(parsed.data);
  });

  app.delete<{ Params: { id: string } }>('/v2/session/:id/subscriptions', async (request, reply) => {
    const found = owned(request, reply);
    if (found === null) {
      return reply;
    }
    realtime.subscribe(found.session, []);
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>(
    '/ws/v2/:id',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (!realtime.sessions.has(request.params.id)) {
          await notFound(reply, request.params.id);
        }
      },
    },
    (socket, request) => {
      const session = realtime.sessions.get(request.params.id);
      if (session === undefined) {
        socket.close(1008);
        return;
      }
      realtime.attach(session, socket);
    },
  );
}
