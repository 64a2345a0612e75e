// The HTTP part every CRM fake shares: a real loopback server, routes by method and path pattern, an auth check,
// and answers injected on demand (the vendor's 429 with its headers, a 500) so tests can drive every branch.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON, the raw text for other content types, null when empty. */
  readonly body: unknown;
}

export interface FakeReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type FakeHandler = (req: FakeRequest, params: readonly string[]) => FakeReply;

export interface FakeHttp {
  /** http://127.0.0.1:PORT */
  readonly base: string;
  readonly seen: FakeRequest[];
  /** The next `count` requests (after auth) get `reply` instead of their route's answer. */
  inject(count: number, reply: FakeReply): void;
  close(): Promise<void>;
}

export interface FakeSpec {
  readonly routes: readonly { method: string; path: RegExp; handler: FakeHandler }[];
  /** The vendor's answer to a request without valid credentials; null lets it through. */
  readonly authorize: (req: FakeRequest) => FakeReply | null;
  /** The vendor's answer for an unknown path. */
  readonly notFound: FakeReply;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') {
    return null;
  }
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function route(spec: FakeSpec, req: FakeRequest): FakeReply {
  for (const r of spec.routes) {
    const m = r.method === req.method ? r.path.exec(req.path) : null;
    if (m !== null) {
      return r.handler(
        req,
        m.slice(1).map((p) => decodeURIComponent(p)),
      );
    }
  }
  return spec.notFound;
}

export async function startFakeHttp(spec: FakeSpec): Promise<FakeHttp> {
  const seen: FakeRequest[] = [];
  const injected: FakeReply[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const request = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      };
      seen.push(request);
      const reply = spec.authorize(request) ?? injected.shift() ?? route(spec, request);
      const headers = { ...reply.headers };
      if (reply.body !== undefined) {
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
      res.writeHead(reply.status, headers);
      res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    inject(count, reply) {
      for (let i = 0; i < count; i += 1) {
        injected.push(reply);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Digits only, for the fakes' phone matching. */
export function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

/** Whether a stored phone (as typed) is the searched number: digits equal, or one ends with the other. */
export function phoneMatches(stored: string, searched: string): boolean {
  const a = digitsOf(stored);
  const b = digitsOf(searched);
  return a.length >= 7 && b.length >= 7 && (a.endsWith(b) || b.endsWith(a));
}
