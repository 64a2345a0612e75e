// OAuth client checks: redirect URI matching (RFC 8252 loopback rule) and client authentication (RFC 6749 §2.3).
import type { SimOAuthClient } from '../context.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Exact match, except that a loopback redirect URI matches on any port (RFC 8252 §7.3). */
export function redirectUriAllowed(client: SimOAuthClient, uri: string): boolean {
  let candidate: URL;
  try {
    candidate = new URL(uri);
  } catch {
    return false;
  }
  return client.redirectUris.some((registered) => {
    if (registered === uri) {
      return true;
    }
    const allowed = new URL(registered);
    if (!LOOPBACK_HOSTS.has(allowed.hostname) || allowed.hostname !== candidate.hostname) {
      return false;
    }
    return (
      allowed.protocol === candidate.protocol &&
      allowed.pathname === candidate.pathname &&
      allowed.search === candidate.search &&
      candidate.hash === ''
    );
  });
}

export type ClientAuthResult =
  | { readonly ok: true; readonly client: SimOAuthClient }
  | { readonly ok: false; readonly status: 400 | 401; readonly description: string };

/** Basic auth header first, else client_id and client_secret in the form body. */
export function authenticateClient(
  clients: readonly SimOAuthClient[],
  authorization: string | undefined,
  body: Readonly<Record<string, string>>,
): ClientAuthResult {
  const basic = parseBasic(authorization);
  if (basic === 'malformed') {
    return { ok: false, status: 401, description: 'malformed Basic authorization header' };
  }
  const bodyId = body['client_id'];
  if (basic !== null && bodyId !== undefined && bodyId !== basic.id) {
    return {
      ok: false,
      status: 400,
      description: 'client_id in the body differs from the Basic credentials',
    };
  }
  const id = basic?.id ?? bodyId;
  const secret = basic?.secret ?? body['client_secret'];
  if (id === undefined || secret === undefined) {
    return { ok: false, status: 401, description: 'client authentication required' };
  }
  const client = clients.find((c) => c.clientId === id);
  if (client === undefined || client.clientSecret !== secret) {
    // The live service says "client not found" for a bad secret too (fixtures oauth/error-invalid-client.json).
    return { ok: false, status: 401, description: 'client not found' };
  }
  return { ok: true, client };
}

function parseBasic(header: string | undefined): { id: string; secret: string } | null | 'malformed' {
  if (header === undefined || !/^basic\s/i.test(header)) {
    return null;
  }
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return 'malformed';
  }
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return 'malformed';
  }
}
