// GoTo REST calls: Bearer auth through the token manager, a refresh on 401 (bounded), bounded back-off on 429 / 5xx.
import type { Logger } from 'pino';
import type { z } from 'zod';
import { GoToApiError, parseApiError, redactPath } from './api-error.ts';
import { backoffDelay, sleep } from '../backoff.ts';
import { RequestSlots, followSignal } from './request-slots.ts';
import { httpRequest } from './transport.ts';
import type { HttpAnswer } from './transport.ts';
import type { AccessTokenSource } from '../auth/token-manager.ts';

/** The GoTo hosts (config.goto.*), all configurable so the simulator can stand in (§0.3). */
export interface GoToBaseUrls {
  readonly api: string;
  readonly admin: string;
  readonly realtime: string;
}

export type Host = keyof GoToBaseUrls;

export interface RequestOptions<T> {
  readonly body?: unknown;
  /** Parses the JSON answer; without it the body is ignored. */
  readonly schema?: z.ZodType<T>;
  readonly signal?: AbortSignal;
}

export interface GoToResponse<T> {
  readonly status: number;
  readonly body: T;
}

export interface GoToApi {
  readonly urls: GoToBaseUrls;
  /** An absolute URL on one of the hosts. */
  url(host: Host, path: string, query?: Record<string, string>): string;
  /** Any 2xx resolves; other statuses throw GoToApiError (after retries for 429 / 5xx). */
  request<T = undefined>(method: string, url: string, options?: RequestOptions<T>): Promise<GoToResponse<T>>;
}

export interface GoToApiSettings {
  readonly urls: GoToBaseUrls;
  readonly tokens: AccessTokenSource;
  readonly logger: Logger;
  /** Retries after the first attempt for 429 / 5xx (and network errors on idempotent methods). */
  readonly retries?: number;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Requests of this client in flight at once; the rest wait their turn (default 16). */
  readonly concurrency?: number;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE', 'HEAD']);
/**
 * Refreshes per request on 401. One is the rule (§1.4), but a new token can be refused too: it expired or was
 * revoked before the retry reached GoTo (a slow, busy host; many requests sharing one refresh). Each try sends a
 * token newer than the one refused; a 401 that outlasts them is GoTo's answer, not a race.
 */
const MAX_REFRESHES = 3;

export function createGoToApi(settings: GoToApiSettings): GoToApi {
  const retries = settings.retries ?? 3;
  const backoff = settings.backoff ?? { baseMs: 250, maxMs: 5_000 };
  const log = settings.logger.child({ component: 'goto-rest' });
  const trim = (u: string): string => u.replace(/\/+$/, '');
  const slots = new RequestSlots(settings.concurrency ?? 16);

  function send(
    method: string,
    url: string,
    token: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    return httpRequest(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: signal ?? null,
    });
  }

  async function attempt(
    method: string,
    url: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    let token = await settings.tokens.accessToken();
    let response = await send(method, url, token, body, signal);
    for (let n = 0; response.status === 401 && n < MAX_REFRESHES; n++) {
      token = await settings.tokens.refreshAfterRejection(token);
      response = await send(method, url, token, body, signal);
    }
    return response;
  }

  return {
    urls: settings.urls,
    url(host, path, query) {
      const url = new URL(`${trim(settings.urls[host])}${path}`);
      for (const [key, value] of Object.entries(query ?? {})) {
        url.searchParams.append(key, value);
      }
      return url.href;
    },
    request<T>(method: string, url: string, options: RequestOptions<T> = {}): Promise<GoToResponse<T>> {
      return slots.run(async () => {
        const link = options.signal === undefined ? null : followSignal(options.signal);
        try {
          return await requestNow(method, url, options, link?.signal);
        } finally {
          link?.release();
        }
      });
    },
  };

  async function requestNow<T>(
    method: string,
    url: string,
    options: RequestOptions<T>,
    signal: AbortSignal | undefined,
  ): Promise<GoToResponse<T>> {
    const path = redactPath(new URL(url).pathname);
    for (let n = 0; ; n++) {
      let response: HttpAnswer;
      try {
        response = await attempt(method, url, options.body, signal);
      } catch (error) {
        if (
          error instanceof TypeError &&
          IDEMPOTENT.has(method) &&
          n < retries &&
          options.signal?.aborted !== true
        ) {
          log.warn({ method, path, attempt: n + 1 }, 'GoTo request failed on the network; retrying');
          await sleep(backoffDelay(n, backoff), options.signal);
          continue;
        }
        if (error instanceof TypeError) {
          throw new GoToApiError(method, path, 0, null, null, [], error.message);
        }
        throw error;
      }
      if (RETRY_STATUS.has(response.status) && n < retries) {
        const delay = backoffDelay(n, backoff);
        log.warn(
          { method, path, status: response.status, attempt: n + 1, delay },
          'GoTo answered; backing off',
        );
        await sleep(delay, options.signal);
        continue;
      }
      const text = response.text;
      if (response.status < 200 || response.status > 299) {
        throw parseApiError(method, path, response.status, text);
      }
      if (options.schema === undefined) {
        return { status: response.status, body: undefined as T };
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new GoToApiError(method, path, response.status, null, null, [], 'answer is not JSON');
      }
      const parsed = options.schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new GoToApiError(
          method,
          path,
          response.status,
          'UNEXPECTED_BODY',
          null,
          [],
          `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
        );
      }
      return { status: response.status, body: parsed.data };
    }
  }
}
