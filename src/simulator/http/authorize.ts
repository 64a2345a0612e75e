// SimContext.authorize: REST faults (429 / 5xx), then the Bearer token (401), then the scope (403).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimClock, SimFaults, TokenInfo } from '../context.ts';
import type { TokenStore } from '../oauth/token-store.ts';
import { sendGoToError } from './errors.ts';

export type Authorize = (
  request: FastifyRequest,
  reply: FastifyReply,
  scopes: readonly string[],
) => TokenInfo | null;

const SERVER_ERRORS = [500, 502, 503] as const;

/** Bodies follow fixtures errors/ (401 and 403 shapes inferred there; 429 is `{}`, goto-protocol.md §11 #13). */
export function createAuthorize(
  tokens: TokenStore,
  clock: SimClock,
  faults: SimFaults,
  random: () => number = Math.random,
): Authorize {
  return (request, reply, scopes) => {
    if (random() < faults.http429) {
      reply.code(429).type('application/json').send({});
      return null;
    }
    if (random() < faults.http5xx) {
      const status = SERVER_ERRORS[Math.floor(random() * SERVER_ERRORS.length)] ?? 500;
      sendGoToError(
        reply,
        status,
        'UNKNOWN_ERROR',
        'An unexpected error occurred (injected by the simulator)',
      );
      return null;
    }
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      sendGoToError(reply, 401, 'AUTHN_INVALID_TOKEN', 'No access token was provided');
      return null;
    }
    const token = bearerToken(header);
    if (token === null) {
      sendGoToError(reply, 401, 'AUTHN_MALFORMED_TOKEN', 'The Authorization header must be "Bearer <token>"');
      return null;
    }
    const info = tokens.findAccess(token);
    if (info === undefined) {
      sendGoToError(reply, 401, 'AUTHN_INVALID_TOKEN', 'The provided access token is invalid');
      return null;
    }
    if (info.expiresAt <= clock.now()) {
      sendGoToError(reply, 401, 'AUTHN_EXPIRED_TOKEN', 'The provided access token has expired');
      return null;
    }
    if (scopes.length > 0 && !scopes.some((scope) => info.scopes.has(scope))) {
      sendGoToError(
        reply,
        403,
        'AUTHZ_INSUFFICIENT_SCOPE',
        'The access token does not have the required scope(s)',
      );
      return null;
    }
    return info;
  };
}

function bearerToken(header: string): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
