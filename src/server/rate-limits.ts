// Per-client request limits on /auth/* and /api/* (@fastify/rate-limit): generous enough never to slow an
// agent, low enough that a script cannot hammer sign-in or the API.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { AppError } from './errors.ts';
import { SESSION_COOKIE, sessionKey } from './session.ts';

export interface RateLimits {
  /** Requests per minute to /auth/* from one address. */
  readonly authPerMinute: number;
  /** Requests per minute to /api/* from one session (or, without a session, one address). */
  readonly apiPerMinute: number;
}

/**
 * Sign-in is a handful of requests per agent per day; behind one proxy address a whole shift may sign in within
 * minutes, hence hundreds. The web app makes a few API calls per action (search is debounced); 1,200 a minute
 * is 20 a second, sustained, per tab set.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { authPerMinute: 300, apiPerMinute: 1200 };

function bucket(request: FastifyRequest): 'auth' | 'api' | null {
  const path = request.url;
  if (path.startsWith('/auth/')) {
    return 'auth';
  }
  return path.startsWith('/api/') ? 'api' : null;
}

export async function registerRateLimits(app: FastifyInstance, limits: RateLimits): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: true,
    timeWindow: 60_000,
    // Only /auth and /api count: the web app's files, health and metrics are left alone.
    allowList: (request) => bucket(request) === null,
    // One agent's tabs share a budget and agents behind one proxy address do not share theirs.
    keyGenerator: (request) => {
      const session = request.cookies[SESSION_COOKIE];
      return bucket(request) === 'api' && session !== undefined && session !== ''
        ? `api:s:${sessionKey(session)}`
        : `${bucket(request) ?? 'other'}:ip:${request.ip}`;
    },
    max: (_request, key) => (key.startsWith('auth:') ? limits.authPerMinute : limits.apiPerMinute),
    errorResponseBuilder: () => new AppError('rate_limited'),
  });
}
