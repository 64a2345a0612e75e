// A loopback stand-in for the front of a real deployment: forwards HTTP requests and WebSocket upgrades to the
// simulator, naming the host the client asked for in X-Forwarded-Host, and counts what passed through it.
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface Front {
  /** http://127.0.0.1:PORT of the front itself. */
  readonly url: string;
  /** HTTP requests forwarded so far, and WebSocket handshakes the simulator answered through the front. */
  readonly counts: { requests: number; upgrades: number };
  close(): Promise<void>;
}

function forwardedHeaders(request: IncomingMessage, targetPort: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    headers[(request.rawHeaders[i] ?? '').toLowerCase()] = request.rawHeaders[i + 1] ?? '';
  }
  headers['x-forwarded-host'] = request.headers.host ?? '';
  headers['host'] = `127.0.0.1:${targetPort}`;
  return headers;
}

/** Starts a front on a free loopback port that forwards everything to the simulator on `targetPort`. */
export async function startFront(targetPort: number): Promise<Front> {
  const counts = { requests: 0, upgrades: 0 };
  const tunnels = new Set<Socket>();
  const server = createServer((request, response) => {
    counts.requests += 1;
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: request.method,
        path: request.url,
        headers: forwardedHeaders(request, targetPort),
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('upgrade', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const upstream = connect(targetPort, '127.0.0.1', () => {
      // Counted once the simulator has answered the handshake: by then it has registered the socket.
      upstream.once('data', () => (counts.upgrades += 1));
      const lines = Object.entries(forwardedHeaders(request, targetPort)).map(([k, v]) => `${k}: ${v}`);
      upstream.write(
        `${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`,
      );
      upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    for (const socket of [client, upstream]) {
      tunnels.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => tunnels.delete(socket));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        tunnels.forEach((socket) => socket.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
