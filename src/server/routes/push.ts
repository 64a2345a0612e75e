// GET /api/push: the agent's card stream over a WebSocket, authenticated by the session cookie.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Auditor } from '../audit.ts';
import { errorBody } from '../errors.ts';
import { originAllowed } from '../origin.ts';
import { sendFrame, sendMessage, type PushChannels } from '../push-channels.ts';
import type { Sessions } from '../session.ts';
import type { ServerDeps } from '../ports.ts';
import { clientMessageSchema, parseJson } from '../../shared/messages.ts';

const HEARTBEAT_MS = 30_000;
/** Tabs one sign-in may keep open: far above a real agent's, far below a script's (each socket holds memory). */
export const MAX_SOCKETS_PER_SESSION = 20;

/** Open sockets by session, so sign-out can close them. */
export class SocketRegistry {
  private readonly bySession = new Map<string, Set<WebSocket>>();

  add(sessionId: string, socket: WebSocket): void {
    const set = this.bySession.get(sessionId) ?? new Set<WebSocket>();
    set.add(socket);
    this.bySession.set(sessionId, set);
  }

  remove(sessionId: string, socket: WebSocket): void {
    const set = this.bySession.get(sessionId);
    set?.delete(socket);
    if (set?.size === 0) {
      this.bySession.delete(sessionId);
    }
  }

  count(sessionId: string): number {
    return this.bySession.get(sessionId)?.size ?? 0;
  }

  closeSession(sessionId: string): void {
    for (const socket of this.bySession.get(sessionId) ?? []) {
      socket.close(4401, 'signed out');
    }
    this.bySession.delete(sessionId);
  }

  closeAll(): void {
    for (const set of this.bySession.values()) {
      for (const socket of set) {
        socket.close(1001, 'server shutting down');
      }
    }
    this.bySession.clear();
  }
}

function heartbeat(socket: WebSocket): () => void {
  let alive = true;
  socket.on('pong', () => {
    alive = true;
  });
  const timer = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

export async function pushRoutes(
  app: FastifyInstance,
  ctx: {
    deps: ServerDeps;
    sessions: Sessions;
    sockets: SocketRegistry;
    channels: PushChannels;
    auditor: Auditor;
  },
): Promise<void> {
  const { deps, sessions, sockets, channels, auditor } = ctx;

  /** Session expiry per admitted upgrade request, so the socket closes when the session does. */
  const expiries = new WeakMap<FastifyRequest, number>();
  const now = deps.now ?? Date.now;

  const admit = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!originAllowed(request.headers.origin, deps.publicUrl(), true)) {
      request.log.warn({ origin: request.headers.origin ?? null }, 'push refused: origin');
      return reply.status(403).send(errorBody('forbidden_origin'));
    }
    const session = await sessions.read(request);
    if (session === null) {
      return reply.status(401).send(errorBody('unauthenticated'));
    }
    if (sockets.count(session.id) >= MAX_SOCKETS_PER_SESSION) {
      return reply.status(429).send(errorBody('too_many_sockets'));
    }
    request.principal = session.principal;
    request.sessionId = session.id;
    expiries.set(request, session.expiresAt);
  };

  /** Replays what the browser missed after its cursor, then tells it where the replay ended. */
  const resume = async (socket: WebSocket, principal: string, cursor: number): Promise<void> => {
    const missed = await deps.hub.since(principal, cursor);
    for (const entry of missed) {
      if (sendFrame(socket, channels.cardFrame(entry))) {
        auditor.cardShown(principal, entry.card);
      }
    }
    const end = missed.reduce((max, entry) => Math.max(max, entry.cursor), channels.cursor(principal));
    sendMessage(socket, { type: 'resumed', cursor: end, replayed: missed.length });
  };

  app.get('/api/push', { websocket: true, preValidation: admit }, (socket, request) => {
    const principal = request.principal ?? '';
    const sessionId = request.sessionId ?? '';
    // Upgrades admitted at the same moment all passed the check above: count again now that they are open.
    if (sockets.count(sessionId) >= MAX_SOCKETS_PER_SESSION) {
      socket.close(4429, 'too many sockets');
      return;
    }
    sockets.add(sessionId, socket);
    const stopHeartbeat = heartbeat(socket);
    // An open socket must not outlive its session: the browser reconnects and gets a 401, then signs in again.
    const expiresIn = Math.min((expiries.get(request) ?? now()) - now(), 2_147_483_647);
    const expiry = setTimeout(() => socket.close(4401, 'session expired'), Math.max(0, expiresIn));
    expiry.unref();
    request.log.info({ principal }, 'push socket opened');
    const joined = channels
      .join(principal, socket, (cursor) => sendMessage(socket, { type: 'hello', principal, cursor }))
      .catch((error: unknown) => {
        request.log.error({ principal, err: error }, 'push subscription failed');
        socket.close(1011, 'push unavailable');
      });

    socket.on('message', (data) => {
      const parsed = clientMessageSchema.safeParse(parseJson(String(data)));
      if (!parsed.success) {
        sendMessage(socket, {
          type: 'error',
          code: 'bad_message',
          message: 'Expected {type:"resume",cursor} or ping.',
        });
        return;
      }
      if (parsed.data.type === 'resume') {
        const cursor = parsed.data.cursor;
        joined
          .then(() => resume(socket, principal, cursor))
          .catch((error: unknown) => {
            request.log.error({ principal, err: error }, 'push replay failed');
            sendMessage(socket, { type: 'error', code: 'resume_failed', message: 'Reload the cards.' });
          });
      }
    });
    socket.on('close', () => {
      channels.leave(principal, socket);
      stopHeartbeat();
      clearTimeout(expiry);
      sockets.remove(sessionId, socket);
      request.log.info({ principal }, 'push socket closed');
    });
  });
}
