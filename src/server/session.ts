// Browser sessions: a random cookie value; only its SHA-256 reaches the SessionStore, so a leaked database holds no
// usable session.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore, WebSession } from '../pops/ports.ts';
import { errorBody } from './errors.ts';

export const SESSION_COOKIE = 'screenpop_session';
const DEFAULT_TTL_MS = 12 * 60 * 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in agent's principal, set by the session guard; null on public routes. */
    principal: string | null;
    /** The session's store key, set with `principal`. */
    sessionId: string | null;
  }
}

export function sessionKey(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('hex');
}

export interface SessionOptions {
  readonly sessions: SessionStore;
  readonly secure: () => boolean;
  readonly ttlMs?: number;
  readonly now: () => number;
}

export class Sessions {
  constructor(private readonly options: SessionOptions) {}

  /** Starts a session for the principal and sets the httpOnly cookie. */
  async start(reply: FastifyReply, principal: string): Promise<WebSession> {
    const value = randomBytes(32).toString('base64url');
    const now = this.options.now();
    const ttl = this.options.ttlMs ?? DEFAULT_TTL_MS;
    const session = { id: sessionKey(value), principal, createdAt: now, expiresAt: now + ttl };
    await this.options.sessions.createSession(session);
    reply.setCookie(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.options.secure(),
      path: '/',
      maxAge: Math.floor(ttl / 1000),
    });
    return session;
  }

  /** The live session of this request's cookie, or null. */
  async read(request: FastifyRequest): Promise<WebSession | null> {
    const value = request.cookies[SESSION_COOKIE];
    if (value === undefined || value === '') {
      return null;
    }
    const session = await this.options.sessions.getSession(sessionKey(value));
    if (session === null) {
      return null;
    }
    if (session.expiresAt <= this.options.now()) {
      await this.options.sessions.deleteSession(session.id);
      return null;
    }
    return session;
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const value = request.cookies[SESSION_COOKIE];
    if (value !== undefined && value !== '') {
      await this.options.sessions.deleteSession(sessionKey(value));
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}

/** A preHandler that answers 401 unless the request carries a live session; sets request.principal. */
export function requireSession(sessions: Sessions, publicPaths: readonly string[] = []) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (publicPaths.includes(request.url.split('?')[0] ?? '')) {
      return;
    }
    const session = await sessions.read(request);
    if (session === null) {
      await reply.status(401).send(errorBody('unauthenticated'));
      return reply;
    }
    request.principal = session.principal;
    request.sessionId = session.id;
  };
}
