// A Salesforce API session: the bearer token (given, or from the OAuth 2.0 client credentials flow), re-fetched
// once when Salesforce says it expired, and Salesforce's own error shapes sorted into retryable or not.
// Plain fetch, not jsforce or oauth4webapi: the flow is one form POST whose answer has no expires_in (the token
// lives as long as the org's session timeout), so "fetch, use until INVALID_SESSION_ID, fetch again" is all of it.
import { z } from 'zod';
import { CrmHttpError, crmFetch, shape } from './crm-fetch.ts';
import type { CrmAnswer, CrmRequest } from './crm-fetch.ts';

export type SalesforceAuth =
  | { readonly kind: 'token'; readonly accessToken: string }
  | { readonly kind: 'client'; readonly clientId: string; readonly clientSecret: string };

/** A Salesforce record id (15 or 18 characters): checked before it goes into a query or a Task. */
export const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

const tokenSchema = z.object({ access_token: z.string().min(1) });

export interface SalesforceSession {
  /** One API request with the session's token; a 401 gets one fresh token (client credentials) and one retry. */
  request(req: Omit<CrmRequest, 'headers'>): Promise<CrmAnswer>;
}

/**
 * Salesforce reports its API limits as 403 REQUEST_LIMIT_EXCEEDED (no 429, no Retry-After: the 24-hour
 * allocation frees up as it rolls): that one 403 may succeed later; other 403s (permissions) will not.
 */
function sorted(error: unknown): unknown {
  if (error instanceof CrmHttpError && error.code === 'REQUEST_LIMIT_EXCEEDED') {
    return new CrmHttpError(
      'API request limit exceeded (HTTP 403 REQUEST_LIMIT_EXCEEDED)',
      403,
      true,
      null,
      error.code,
    );
  }
  return error;
}

export function salesforceSession(instanceUrl: string, auth: SalesforceAuth): SalesforceSession {
  let token: Promise<string> | null = auth.kind === 'token' ? Promise.resolve(auth.accessToken) : null;

  async function fetchToken(signal: AbortSignal, timeoutMs: number): Promise<string> {
    if (auth.kind === 'token') {
      return auth.accessToken;
    }
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
    });
    try {
      const answer = await crmFetch({
        method: 'POST',
        url: `${instanceUrl}/services/oauth2/token`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeoutMs,
        signal,
      });
      return shape(tokenSchema, answer.body, 'token').access_token;
    } catch (error) {
      if (error instanceof CrmHttpError) {
        throw new CrmHttpError(
          `token request failed: ${error.message}`,
          error.status,
          error.retryable,
          error.retryAfterSeconds,
        );
      }
      throw error;
    }
  }

  function current(signal: AbortSignal, timeoutMs: number): Promise<string> {
    if (token === null) {
      const pending = fetchToken(signal, timeoutMs);
      token = pending;
      // A failed token request is not kept: the next call asks again.
      pending.catch(() => {
        if (token === pending) {
          token = null;
        }
      });
    }
    return token;
  }

  async function once(req: Omit<CrmRequest, 'headers'>, bearer: string): Promise<CrmAnswer> {
    return crmFetch({ ...req, headers: { authorization: `Bearer ${bearer}` } });
  }

  return {
    async request(req) {
      const bearer = await current(req.signal, req.timeoutMs);
      try {
        return await once(req, bearer);
      } catch (error) {
        if (!(error instanceof CrmHttpError) || error.status !== 401 || auth.kind === 'token') {
          throw sorted(error);
        }
        if (token !== null && (await token.catch(() => null)) === bearer) {
          token = null; // expired: the next current() fetches a new one (once, however many requests saw the 401)
        }
        try {
          return await once(req, await current(req.signal, req.timeoutMs));
        } catch (retryError) {
          throw sorted(retryError);
        }
      }
    },
  };
}

/** The lookup and the writer of one config share a session, so they share one token. */
const sessions = new WeakMap<object, SalesforceSession>();
export function sharedSession(config: {
  readonly api: string;
  readonly auth: SalesforceAuth;
}): SalesforceSession {
  let session = sessions.get(config);
  if (session === undefined) {
    session = salesforceSession(config.api, config.auth);
    sessions.set(config, session);
  }
  return session;
}
