// A real local HTTP server standing in for a CRM in tests: each route is slow, failing or malformed on purpose.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestCrm {
  /** http://127.0.0.1:PORT */
  readonly base: string;
  readonly seen: SeenRequest[];
  /** Replaces the handler of a path ("/contacts"). */
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

export function json(body: unknown, delayMs = 0, status = 200): Route {
  return (_req, res) => {
    const send = (): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (delayMs === 0) {
      send();
      return;
    }
    const timer = setTimeout(send, delayMs);
    res.on('close', () => clearTimeout(timer));
  };
}

export function text(body: string, status = 200): Route {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  };
}

/** Accepts the request and never answers (until the client gives up or the server closes). */
export const hang: Route = () => {};

export async function startCrm(): Promise<TestCrm> {
  const routes = new Map<string, Route>();
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    seen.push({ url, headers: req.headers });
    const handler = routes.get(url.split('?')[0] ?? '/');
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
