// The one HTTP call every CRM connector makes: JSON in and out, capped, timed out, and its failures sorted into
// retryable (429, 5xx, network, timeout) or not, with the vendor's Retry-After — never a secret or a body in text.
import type { z } from 'zod';
import type { Clock } from '../../calls/ports.ts';
import { ProviderError } from '../provider.ts';
import type { LookupProvider, ProviderNumber } from '../provider.ts';
import type { Contact } from '../types.ts';
import type { ProviderBase } from './provider-entry.ts';
import { CrmWriteError } from './call-record.ts';

/** A CRM answer bigger than this is a misconfiguration (or hostile), not a contact. */
const MAX_BODY_BYTES = 1_000_000;
/** A Retry-After past this is treated as this: the outbox's own back-off takes over from there. */
const MAX_RETRY_AFTER_SECONDS = 3600;

/** A failed CRM call: the status (null when no answer came) and what the vendor said about waiting. */
export class CrmHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    readonly retryAfterSeconds: number | null = null,
    /** The vendor's machine-readable error code when it sent one (Salesforce "INVALID_SESSION_ID"). */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'CrmHttpError';
  }
}

export interface CrmRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON; a string is sent as is (form bodies set their own content type). */
  readonly body?: unknown;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface CrmAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON; null for an empty body (204). */
  readonly body: unknown;
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfter(headers: Headers, now = Date.now()): number | null {
  const value = headers.get('retry-after');
  if (value === null) {
    // Pipedrive's own spelling: seconds until the window resets, sent with every answer.
    const reset = headers.get('x-ratelimit-reset');
    return reset !== null && /^\d+$/.test(reset) ? Math.min(MAX_RETRY_AFTER_SECONDS, Number(reset)) : null;
  }
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : (Date.parse(value) - now) / 1000;
  return Number.isFinite(seconds) ? Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(seconds))) : null;
}

async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new CrmHttpError(`response too large (${declared} bytes)`, response.status, false);
  }
  if (response.body === null) {
    return '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      throw new CrmHttpError(`response too large (over ${MAX_BODY_BYTES} bytes)`, response.status, false);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, status: number): unknown {
  if (text.trim() === '') {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CrmHttpError('malformed JSON', status, false);
  }
}

/** The vendor's error code, read from the shapes these four CRMs use; never its free text. */
function errorCode(body: unknown): string | null {
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  if (first === null || typeof first !== 'object') {
    return null;
  }
  const record = first as Record<string, unknown>;
  const code = record.errorCode ?? record.code ?? record.error;
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,60}$/.test(code) ? code : null;
}

async function failure(response: Response): Promise<CrmHttpError> {
  const status = response.status;
  const text = await readCapped(response).catch(() => '');
  let code: string | null = null;
  try {
    code = errorCode(parseJson(text, status));
  } catch {
    // an error page that is not JSON: the status says enough
  }
  const wait = retryAfter(response.headers);
  const retryable = status === 429 || status >= 500;
  const said = code === null ? '' : ` ${code}`;
  if (status === 429) {
    return new CrmHttpError(
      `rate limited (HTTP 429${wait === null ? '' : `, retry after ${wait} s`})`,
      status,
      true,
      wait,
      code,
    );
  }
  return new CrmHttpError(`HTTP ${status}${said}`, status, retryable, wait, code);
}

function describe(error: unknown, timeout: AbortSignal, timeoutMs: number): CrmHttpError {
  if (error instanceof CrmHttpError) {
    return error;
  }
  if (timeout.aborted) {
    return new CrmHttpError(`timed out after ${timeoutMs} ms`, null, true);
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new CrmHttpError('cancelled', null, true);
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
  return new CrmHttpError(`request failed${cause === null ? '' : ` (${cause})`}`, null, true);
}

/** One request; rejects with CrmHttpError (non-2xx, timeout, network, oversized or malformed answer). */
export async function crmFetch(request: CrmRequest): Promise<CrmAnswer> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const body = request.body;
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (body !== undefined && typeof body !== 'string') {
    headers['content-type'] = 'application/json';
  }
  try {
    const response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.any([request.signal, timeout]),
      redirect: 'error',
    });
    if (!response.ok) {
      throw await failure(response);
    }
    return {
      status: response.status,
      headers: response.headers,
      body: parseJson(await readCapped(response), response.status),
    };
  } catch (error) {
    throw describe(error, timeout, request.timeoutMs);
  }
}

/** A CRM's JSON through its schema; an unexpected shape is one clear, non-retryable error (no body dump). */
export function shape<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new CrmHttpError(`unexpected ${what} answer${where === '' ? '' : ` (at ${where})`}`, null, false);
  }
  return parsed.data;
}

/** Any failure of a lookup → the ProviderError the runner records (429 and 5xx marked retryable). */
export function lookupError(provider: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) {
    return error;
  }
  if (error instanceof CrmHttpError) {
    return new ProviderError(provider, error.message, error.retryable, error.retryAfterSeconds);
  }
  return new ProviderError(provider, error instanceof Error ? error.message : 'lookup failed');
}

/**
 * A lookup that honours the CRM's Retry-After: after a 429 that said "wait N s", lookups fail at once (retryable,
 * no request) until then, so a queue of ringing calls does not keep a rate-limited CRM limited.
 */
export function rateLimitedLookup(provider: string, clock: Clock) {
  let until = 0;
  return async <T>(lookup: () => Promise<T>): Promise<T> => {
    const wait = Math.ceil((until - clock.now()) / 1000);
    if (wait > 0) {
      throw new ProviderError(provider, `rate limited (waiting ${wait} s more)`, true, wait);
    }
    try {
      return await lookup();
    } catch (error) {
      const failure = lookupError(provider, error);
      if (failure.retryable && failure.retryAfterSeconds !== null && failure.retryAfterSeconds > 0) {
        until = clock.now() + failure.retryAfterSeconds * 1000;
      }
      throw failure;
    }
  };
}

/** A connector's lookup as the provider the lookup runs: its config's name and cache times, behind the rate-limit gate. */
export function connectorProvider(
  config: ProviderBase,
  clock: Clock,
  find: (n: ProviderNumber, signal: AbortSignal) => Promise<Contact[]>,
): LookupProvider {
  const gate = rateLimitedLookup(config.name, clock);
  return {
    name: config.name,
    priority: config.priority,
    cacheTtlMs: config.cacheTtlMs,
    staleMs: config.staleMs,
    find: (n, signal) => gate(() => find(n, signal)),
  };
}

/** Any failure of a write → the CrmWriteError the outbox retries (or gives up on). */
export function writeError(provider: string, error: unknown): CrmWriteError {
  if (error instanceof CrmWriteError) {
    return error;
  }
  if (error instanceof CrmHttpError) {
    return new CrmWriteError(provider, error.message, error.retryable, error.status, error.retryAfterSeconds);
  }
  return new CrmWriteError(provider, error instanceof Error ? error.message : 'write failed', false);
}

/** Basic auth header value. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
