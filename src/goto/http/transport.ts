// The HTTP requests of the GoTo client (REST and the OAuth token endpoint) over node:http / node:https with
// keep-alive, each answer read whole as text. Node 20's fetch cost ~200 µs of CPU per request on loopback
// against ~55 µs here (its WHATWG streams, Request / Response objects and abort plumbing): two of them per
// agent sign-in were a quarter of screenpop's CPU at 500 sign-ins/s (issue 12).
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export interface HttpRequest {
  readonly method: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal | null;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
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

/**
 * Idle connections close after 4 s, or a second before the server's Keep-Alive hint, whichever is sooner
 * (fetch's own default): a request never goes out on a socket the server is about to drop.
 */
const IDLE_MS = 4_000;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
};
/** No bytes for this long ends the request (fetch waits as long for headers, then for each part of the body). */
const STALL_MS = 300_000;

/** Content codings fetch would undo; anything else is returned as sent. */
const DECODERS: Readonly<Record<string, (body: Buffer) => Promise<Buffer>>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) {
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const coding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decode = DECODERS[coding];
  return (decode === undefined || body.length === 0 ? body : await decode(body)).toString('utf8');
}

/** Sends one request and reads the whole answer, whatever its status. Redirects are answers, not followed. */
export function httpRequest(url: string, request: HttpRequest): Promise<HttpAnswer> {
  const target = new URL(url);
  const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
  const signal = request.signal ?? null;
  return new Promise<HttpAnswer>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', ...request.headers };
    if (request.body !== undefined) {
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    const send = target.protocol === 'https:' ? https.request : http.request;
    const outgoing = send(target, { method: request.method, headers, agent });
    const onAbort = () => {
      outgoing.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);
    outgoing.setTimeout(STALL_MS, () => {
      outgoing.destroy(new NetworkError(`no answer from ${target.host} within ${STALL_MS / 1000} s`));
    });
    outgoing.on('error', (error) => {
      settle();
      reject(error instanceof NetworkError ? error : new NetworkError(error.message, { cause: error }));
    });
    outgoing.on('response', (response) => {
      readText(response).then(
        (text) => {
          settle();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
        },
        (error: unknown) => {
          settle();
          reject(new NetworkError(`unreadable answer from ${target.host}`, { cause: error }));
        },
      );
    });
    outgoing.end(request.body);
  });
}
