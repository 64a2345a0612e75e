// Parses an /oauth/authorize request and finishes it for a chosen user (code or implicit token redirect).
import type { SimDirectory, SimOAuthClient, SimUser } from '../context.ts';
import { directoryLookups } from '../directory/lookups.ts';
import { redirectUriAllowed } from './clients.ts';
import type { TokenStore } from './token-store.ts';

export interface AuthorizationRequest {
  readonly client: SimOAuthClient;
  readonly responseType: 'code' | 'token';
  /** Where the browser goes back to: the one sent, else the client's first registered URI. */
  readonly redirectUri: string;
  readonly redirectUriSent: string | null;
  readonly scopes: ReadonlySet<string>;
  readonly state: string | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: 'S256' | 'plain' | null;
  readonly loginHint: string | null;
}

export type ParsedAuthorization =
  | { readonly kind: 'ok'; readonly request: AuthorizationRequest }
  /** Client or redirect URI cannot be trusted: show an error page, never redirect (RFC 6749 §4.1.2.1). */
  | { readonly kind: 'page'; readonly message: string }
  | { readonly kind: 'redirect'; readonly location: string };

function param(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  return value === null || value === '' ? null : value;
}

export function parseAuthorization(params: URLSearchParams, directory: SimDirectory): ParsedAuthorization {
  const clientId = param(params, 'client_id');
  const client = directory.clients.find((c) => c.clientId === clientId);
  if (client === undefined) {
    return { kind: 'page', message: `unknown client_id ${JSON.stringify(clientId ?? '')}` };
  }
  const redirectUriSent = param(params, 'redirect_uri');
  if (redirectUriSent !== null && !redirectUriAllowed(client, redirectUriSent)) {
    return { kind: 'page', message: `redirect_uri ${redirectUriSent} is not registered for this client` };
  }
  const redirectUri = redirectUriSent ?? client.redirectUris[0] ?? '';
  const responseType = param(params, 'response_type');
  const state = param(params, 'state');
  const fail = (error: string, description: string): ParsedAuthorization => ({
    kind: 'redirect',
    location: errorLocation(redirectUri, responseType === 'token', error, description, state),
  });
  if (responseType !== 'code' && responseType !== 'token') {
    return fail('unsupported_response_type', 'response_type must be code or token');
  }
  const requested = param(params, 'scope')?.split(/\s+/).filter(Boolean) ?? client.scopes;
  const scopes = new Set(requested.filter((scope) => client.scopes.includes(scope)));
  if (scopes.size === 0) {
    return fail('invalid_scope', 'none of the requested scopes is enabled for this client');
  }
  const codeChallenge = param(params, 'code_challenge');
  const method = param(params, 'code_challenge_method') ?? (codeChallenge === null ? null : 'plain');
  if (method !== null && method !== 'S256' && method !== 'plain') {
    return fail('invalid_request', 'code_challenge_method must be S256 or plain');
  }
  if (method !== null && codeChallenge === null) {
    return fail('invalid_request', 'code_challenge_method without code_challenge');
  }
  return {
    kind: 'ok',
    request: {
      client,
      responseType,
      redirectUri,
      redirectUriSent,
      scopes,
      state,
      codeChallenge,
      codeChallengeMethod: method,
      loginHint: param(params, 'login_hint'),
    },
  };
}

/** The user a login_hint names (e-mail, case-insensitive, or user key), else undefined. */
export function findUserByHint(directory: SimDirectory, hint: string): SimUser | undefined {
  return directoryLookups(directory).userByHint(hint);
}

/** Issues the code (query) or the implicit-grant token (fragment, no refresh token) and returns the Location. */
export function completeAuthorization(
  request: AuthorizationRequest,
  user: SimUser,
  tokens: TokenStore,
): string {
  const url = new URL(request.redirectUri);
  if (request.responseType === 'code') {
    const code = tokens.issueCode({
      clientId: request.client.clientId,
      user,
      scopes: request.scopes,
      redirectUri: request.redirectUriSent,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
    });
    url.searchParams.set('code', code);
    if (request.state !== null) {
      url.searchParams.set('state', request.state);
    }
    return url.toString();
  }
  const info = tokens.issueAccess(user, request.client.clientId, request.scopes);
  const fragment = new URLSearchParams({
    access_token: info.accessToken,
    token_type: 'Bearer',
    expires_in: String(tokens.ttl),
    scope: scopeString(request.scopes),
    principal: user.email,
  });
  if (request.state !== null) {
    fragment.set('state', request.state);
  }
  url.hash = fragment.toString();
  return url.toString();
}

/** The redirect for a refusal: error and error_description in the query (code) or the fragment (token). */
export function errorLocation(
  redirectUri: string,
  fragment: boolean,
  error: string,
  description: string,
  state: string | null,
): string {
  const url = new URL(redirectUri);
  const params = new URLSearchParams({ error, error_description: description });
  if (state !== null) {
    params.set('state', state);
  }
  if (fragment) {
    url.hash = params.toString();
  } else {
    for (const [key, value] of params) {
      url.searchParams.set(key, value);
    }
  }
  return url.toString();
}

/** Granted scopes as the token response spells them: space-separated, sorted (fixtures oauth/). */
export function scopeString(scopes: ReadonlySet<string>): string {
  return [...scopes].sort().join(' ');
}
