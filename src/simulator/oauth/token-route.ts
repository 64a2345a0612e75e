// POST /oauth/token: authorization_code (+PKCE when sent), refresh_token, personal_access_token (goto-protocol.md §1).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimContext, SimOAuthClient, SimUser } from '../context.ts';
import { sendOAuthError } from '../http/errors.ts';
import { scopeString } from './authorization-request.ts';
import { authenticateClient } from './clients.ts';
import type { CodeGrant, TokenStore } from './token-store.ts';

export interface TokenRouteOptions {
  readonly tokens: TokenStore;
  /** Issue a new refresh token on every refresh (and retire the old one); off by default (§11 #14). */
  readonly rotateRefreshTokens: boolean;
}

/** Level of assurance the live PAT exchange reports (fixtures oauth/token-personal-access-token.json). */
const PAT_LOA = 3;

function formBody(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string') {
        out[key] = value;
      }
    }
  }
  return out;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** RFC 7636 §4.6; a code issued without a challenge ignores any verifier. */
function pkceVerified(grant: CodeGrant, verifier: string | undefined): boolean {
  if (grant.codeChallenge === null) {
    return true;
  }
  if (verifier === undefined || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) {
    return false;
  }
  const derived =
    grant.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  return safeEqual(derived, grant.codeChallenge);
}

export function registerTokenRoute(app: FastifyInstance, ctx: SimContext, options: TokenRouteOptions): void {
  const { tokens } = options;

  const tokenResponse = (
    reply: FastifyReply,
    client: SimOAuthClient,
    user: SimUser,
    scopes: ReadonlySet<string>,
    extra: { refreshToken?: string; loa?: number },
  ): FastifyReply => {
    const info = tokens.issueAccess(user, client.clientId, scopes);
    // Member order as in fixtures oauth/*.json; no account key (goto-protocol.md §1.2).
    const body: Record<string, unknown> = { access_token: info.accessToken, token_type: 'Bearer' };
    if (extra.refreshToken !== undefined) {
      body['refresh_token'] = extra.refreshToken;
    }
    Object.assign(body, { expires_in: tokens.ttl, scope: scopeString(scopes), principal: user.email });
    if (extra.loa !== undefined) {
      body['loa'] = extra.loa;
    }
    return reply.header('cache-control', 'no-store').type('application/json').send(body);
  };

  app.post('/oauth/token', async (request, reply) => {
    const body = formBody(request.body);
    const auth = authenticateClient(ctx.directory.clients, request.headers.authorization, body);
    if (!auth.ok) {
      return sendOAuthError(
        reply,
        auth.status === 401 ? 'invalid_client' : 'invalid_request',
        auth.description,
      );
    }
    const { client } = auth;
    const grantType = body['grant_type'];
    switch (grantType) {
      case 'authorization_code': {
        const code = body['code'];
        if (code === undefined) {
          return sendOAuthError(reply, 'invalid_request', 'code is required');
        }
        const grant = tokens.takeCode(code);
        if (grant === undefined || grant.clientId !== client.clientId) {
          return sendOAuthError(reply, 'invalid_grant', 'the code is invalid, expired or already used');
        }
        if (grant.redirectUri !== null && body['redirect_uri'] !== grant.redirectUri) {
          return sendOAuthError(
            reply,
            'invalid_grant',
            'redirect_uri differs from the one sent to /oauth/authorize',
          );
        }
        if (!pkceVerified(grant, body['code_verifier'])) {
          return sendOAuthError(reply, 'invalid_grant', 'code_verifier does not match the code_challenge');
        }
        const refreshToken = tokens.issueRefresh({
          clientId: client.clientId,
          user: grant.user,
          scopes: grant.scopes,
        });
        return tokenResponse(reply, client, grant.user, grant.scopes, { refreshToken });
      }
      case 'refresh_token': {
        const token = body['refresh_token'];
        const grant = token === undefined ? undefined : tokens.findRefresh(token);
        if (token === undefined || grant === undefined || grant.clientId !== client.clientId) {
          // The live answer for a dead refresh token (fixtures oauth/error-invalid-request.json).
          return sendOAuthError(reply, 'invalid_request', 'Required parameter(s) missing or wrong.');
        }
        let refreshToken: string | undefined;
        if (options.rotateRefreshTokens) {
          tokens.revokeRefresh(token);
          refreshToken = tokens.issueRefresh(grant);
        }
        return tokenResponse(
          reply,
          client,
          grant.user,
          grant.scopes,
          refreshToken === undefined ? {} : { refreshToken },
        );
      }
      case 'personal_access_token': {
        const pat = body['pat'];
        if (pat === undefined) {
          return sendOAuthError(reply, 'invalid_request', 'pat is required');
        }
        const user = ctx.directory.users.find((u) => u.personalAccessTokens.includes(pat));
        if (user === undefined) {
          return sendOAuthError(reply, 'invalid_grant', 'unknown personal access token');
        }
        const requested = body['scope']?.split(/\s+/).filter(Boolean) ?? client.scopes;
        const scopes = new Set(requested.filter((scope) => client.scopes.includes(scope)));
        if (scopes.size === 0) {
          return sendOAuthError(
            reply,
            'invalid_scope',
            'none of the requested scopes is enabled for this client',
          );
        }
        return tokenResponse(reply, client, user, scopes, { loa: PAT_LOA });
      }
      case 'client_credentials':
      case 'password':
        // Live probe: 401 "Unauthorized grant type" (goto-protocol.md §1.5).
        return sendOAuthError(reply, 'unauthorized_client', 'Unauthorized grant type', 401);
      case undefined:
        return sendOAuthError(reply, 'invalid_request', 'grant_type is required');
      default:
        return sendOAuthError(reply, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
    }
  });
}
