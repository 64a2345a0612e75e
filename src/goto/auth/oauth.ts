// GoTo OAuth (goto-protocol.md §1) through oauth4webapi: authorization URL with state + PKCE, code, refresh and PAT grants.
import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { httpRequest } from '../http/transport.ts';
import type { HttpAnswer } from '../http/transport.ts';
import type { StoredTokens } from '../ports.ts';

export interface GoToOAuthSettings {
  /** config.goto.authUrl, e.g. https://authentication.logmeininc.com */
  readonly authUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly now?: () => number;
}

/** What the server keeps (in the user's pre-login session) between redirecting and the callback. */
export interface PendingAuthorization {
  readonly url: string;
  readonly state: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

/** The token endpoint refused or failed. `status` 0 = no usable HTTP answer. */
export class OAuthError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** RFC 6749 error code ("invalid_grant", "invalid_client"...) or "invalid_response" / "network". */
    readonly code: string,
  ) {
    super(message);
    this.name = 'OAuthError';
  }

  /** 400/401 from the token endpoint: the grant (code, refresh token, PAT) or the client is dead. */
  get rejected(): boolean {
    return this.status === 400 || this.status === 401;
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const DEFAULT_LIFETIME_S = 3600; // GoTo access tokens live 60 minutes (§1.2)

export interface GoToOAuth {
  authorizationRequest(redirectUri: string, scopes: readonly string[]): Promise<PendingAuthorization>;
  /** Validates `state` from the callback URL and exchanges the code (ClientSecretBasic + PKCE verifier). */
  exchangeCode(callback: URL, pending: PendingAuthorization): Promise<StoredTokens>;
  /** refresh_token grant. The result's refreshToken is null when GoTo sent none: keep the old one (§1.4). */
  refresh(refreshToken: string): Promise<StoredTokens>;
  /** personal_access_token grant (§1.5), via oauth4webapi genericTokenEndpointRequest. */
  exchangePersonalAccessToken(pat: string): Promise<StoredTokens>;
}

/**
 * oauth4webapi's fetch: the request goes through the GoTo client's transport (../http/transport.ts, far cheaper
 * than fetch), and oauth4webapi reads the answer as a Response built from its text. GoTo's refresh answer may
 * lack token_type (one doc example, §1.4); oauth4webapi requires it, so a 200 JSON token answer without it gets
 * "Bearer" added here. Nothing else is changed.
 */
async function tokenEndpointFetch(url: string, options: RequestInit): Promise<Response> {
  const headers = new Headers(options.headers);
  const answer = await httpRequest(url, {
    method: options.method ?? 'GET',
    headers: Object.fromEntries(headers),
    ...(options.body === undefined || options.body === null ? {} : { body: String(options.body) }),
    signal: options.signal ?? null,
  });
  const type = answer.headers['content-type'] ?? '';
  let text = answer.text;
  if (answer.status === 200 && type.includes('json')) {
    const body = parseJson(text);
    if (body !== null && typeof body === 'object' && !('token_type' in body)) {
      text = JSON.stringify({ ...body, token_type: 'Bearer' });
    }
  }
  // 204 / 304 answers carry no body; Response refuses one for them.
  const empty = answer.status === 204 || answer.status === 304;
  return new Response(empty ? null : text, {
    status: answer.status,
    headers: responseHeaders(answer.headers),
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null; // oauth4webapi reports the unparsable body itself
  }
}

/** The answer's headers for a Response: repeated ones joined, as fetch does (set-cookie aside, unused here). */
function responseHeaders(raw: HttpAnswer['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) {
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  return headers;
}

export function createGoToOAuth(settings: GoToOAuthSettings): GoToOAuth {
  const base = settings.authUrl.replace(/\/+$/, '');
  const now = settings.now ?? Date.now;
  // GoTo publishes no discovery document: the metadata is built from the configured base URL.
  const as: oauth.AuthorizationServer = {
    issuer: base,
    authorization_endpoint: `${base}/oauth/authorize`,
    token_endpoint: `${base}/oauth/token`,
  };
  const client: oauth.Client = { client_id: settings.clientId };
  const clientAuth = oauth.ClientSecretBasic(settings.clientSecret);
  // Plain http only towards loopback (the built-in simulator); a remote http URL fails in oauth4webapi.
  const options: oauth.TokenEndpointRequestOptions = {
    [oauth.customFetch]: tokenEndpointFetch,
    [oauth.allowInsecureRequests]: LOOPBACK.has(new URL(base).hostname),
  };

  function toTokens(response: oauth.TokenEndpointResponse, requestedScope: string): StoredTokens {
    const principal = response['principal'];
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? null,
      expiresAt: now() + (response.expires_in ?? DEFAULT_LIFETIME_S) * 1000,
      scope: response.scope ?? requestedScope,
      principal: typeof principal === 'string' ? principal : null,
    };
  }

  async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toOAuthError(what, error);
    }
  }

  return {
    async authorizationRequest(redirectUri, scopes) {
      const state = oauth.generateRandomState();
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const url = new URL(as.authorization_endpoint!);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', settings.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', scopes.join(' '));
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', pkceChallenge(codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      return { url: url.href, state, codeVerifier, redirectUri };
    },

    exchangeCode: (callback, pending) =>
      guarded('code exchange', async () => {
        const params = oauth.validateAuthResponse(as, client, callback, pending.state);
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          params,
          pending.redirectUri, // must equal the one sent to /authorize (§1.2)
          pending.codeVerifier,
          options,
        );
        return toTokens(await oauth.processAuthorizationCodeResponse(as, client, response), '');
      }),

    refresh: (refreshToken) =>
      guarded('refresh', async () => {
        const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, options);
        return toTokens(await oauth.processRefreshTokenResponse(as, client, response), '');
      }),

    exchangePersonalAccessToken: (pat) =>
      guarded('personal access token exchange', async () => {
        const response = await oauth.genericTokenEndpointRequest(
          as,
          client,
          clientAuth,
          'personal_access_token',
          { pat },
          options,
        );
        return toTokens(await oauth.processGenericTokenEndpointResponse(as, client, response), '');
      }),
  };
}

function toOAuthError(what: string, error: unknown): OAuthError {
  if (error instanceof OAuthError) {
    return error;
  }
  if (error instanceof oauth.ResponseBodyError) {
    const detail = error.error_description === undefined ? '' : `: ${error.error_description}`;
    return new OAuthError(`GoTo ${what} refused (${error.error}${detail})`, error.status, error.error);
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new OAuthError(`GoTo ${what} refused (HTTP ${error.status})`, error.status, 'invalid_client');
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return new OAuthError(`GoTo sign-in was refused (${error.error})`, 400, error.error);
  }
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? error.cause.status : 0;
    return new OAuthError(`GoTo ${what} failed: ${error.message}`, status, 'invalid_response');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OAuthError(`GoTo ${what} failed: ${message}`, 0, 'network');
}

/**
 * RFC 7636 S256: BASE64URL(SHA-256(verifier)), the same value as oauth4webapi's calculatePKCECodeChallenge, on
 * node:crypto's synchronous hash. WebCrypto's digest sends each one to the thread pool and back (~0.5 ms of the
 * main thread per sign-in under load, issue 12); this is a few microseconds.
 */
export function pkceChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}
