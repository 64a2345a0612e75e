// Test helper: a real HTTP webhook receiver on loopback that verifies every request with standardwebhooks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A Standard Webhooks secret: whsec_ + base64 of 32 bytes. */
export const testSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

export interface Received {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  /** Webhook.verify accepted the signature and timestamp. */
  readonly verified: boolean;
}

export interface Receiver {
  readonly url: string;
  readonly got: Received[];
  /** The most requests it ever had open at once. */
  readonly maxInFlight: number;
  /** The status every next request answers with. */
  status: number;
  /** While true, requests are recorded but never answered (a receiver that hangs). */
  hold: boolean;
  /** Stops listening: attempts meet a refused connection. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(secret = testSecret): Promise<Receiver> {
  const verifier = new Webhook(secret);
  const got: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((request, response) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on('close', () => {
      inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = true;
      try {
        verifier.verify(body, request.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      got.push({ id: String(request.headers['webhook-id']), type: parsed.type, data: parsed.data, verified });
      if (!receiver.hold) {
        response.statusCode = receiver.status;
        response.end();
      }
    });
  });
  const listen = (port: number): Promise<void> =>
    new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/screenpop`,
    got,
    get maxInFlight() {
      return maxInFlight;
    },
    status: 204,
    hold: false,
    down: stop,
    up: () => listen(port),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
  return receiver;
}
