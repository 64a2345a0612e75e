// The HTTP requests of the GoTo client (REST and the OAuth token endpoint) through undici's request API, over
// kept-alive connections, each answer read whole as text. Node 20's fetch (undici's fetch: WHATWG streams,
// Request / Response objects, abort plumbing) cost ~200 µs of CPU per request on loopback against ~55 µs for
// request(): two of them per agent sign-in were a quarter of screenpop's CPU at 500 sign-ins/s (issue 12).
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';

export interface HttpRequest {
  readonly method: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal | null;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/**
 * No answer (refused, reset, timed out, unreadable body). A TypeError, as fetch's network failures are: the
 * callers' retry rules (rest-client.ts, isTransient) tell network failures from GoTo's answers by that.
 */
export class NetworkError extends TypeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

/** No bytes for this long ends the request: fetch's own limits, for the headers and then between body parts. */
const STALL_MS = 300_000;
/** Idle connections close after 4 s, or sooner when the server's Keep-Alive hint says so (fetch's default). */
const dispatcher = new Agent({ keepAliveTimeout: 4_000, headersTimeout: STALL_MS, bodyTimeout: STALL_MS });

/**
 * Sends one request and reads the whole answer, whatever its status. Redirects are answers, not followed. The
 * answer comes uncompressed (`accept-encoding: identity`): GoTo's JSON answers are small, and a request reads
 * no content coding it would have to undo.
 */
export async function httpRequest(url: string, options: HttpRequest): Promise<HttpAnswer> {
  const signal = options.signal ?? undefined;
  signal?.throwIfAborted();
  try {
    const answer = await request(url, {
      method: options.method as Dispatcher.HttpMethod,
      headers: { 'accept-encoding': 'identity', ...options.headers },
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(signal === undefined ? {} : { signal }),
      dispatcher,
    });
    return { status: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
  } catch (error) {
    if (signal?.aborted === true) {
      throw signal.reason;
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new NetworkError(`no answer from ${new URL(url).host}: ${message}`, { cause: error });
  }
}
