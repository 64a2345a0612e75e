// Spec of the GoTo client's HTTP transport, against real local servers: one kept-alive connection, the answers
// fetch would give (uncompressed bodies, redirects not followed), and fetch's kinds of failure.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import pino from 'pino';
import { createGoToApi } from './rest-client.ts';
import { NetworkError, httpRequest } from './transport.ts';
import { countFetches } from '../testing/fetch-counter.ts';

async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ server: Server; base: string; connections: () => number }> {
  let connections = 0;
  const server = createServer(handler);
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base, connections: () => connections };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
  });
}

test('requests one after another share kept-alive connections', async (t) => {
  const { server, base, connections } = await serve((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  t.after(() => server.close());
  for (let i = 0; i < 50; i += 1) {
    const answer = await httpRequest(`${base}/x/${i}`, { method: 'GET', headers: {} });
    assert.equal(answer.text, '{"ok":true}');
  }
  // Kept alive: a handful at most (undici may open a second while the first finishes an answer), not 50.
  assert.ok(connections() < 10, `${connections()} connections for 50 requests`);
});

test('the body, method and headers are sent; status, headers and text come back whatever the status', async (t) => {
  const { server, base } = await serve((request, response) => {
    void readBody(request).then((body) => {
      response.writeHead(409, { 'content-type': 'application/json', 'x-seen': request.headers['x-id'] });
      response.end(
        JSON.stringify({ method: request.method, body, length: request.headers['content-length'] }),
      );
    });
  });
  t.after(() => server.close());
  const answer = await httpRequest(`${base}/y`, {
    method: 'PUT',
    headers: { 'x-id': 'abc', 'content-type': 'application/json' },
    body: '{"é":1}',
  });
  assert.equal(answer.status, 409);
  assert.equal(answer.headers['x-seen'], 'abc');
  assert.deepEqual(JSON.parse(answer.text), { method: 'PUT', body: '{"é":1}', length: '8' });
});

test('the answer is asked for uncompressed: no content coding to undo', async (t) => {
  const { server, base } = await serve((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ acceptEncoding: request.headers['accept-encoding'] }));
  });
  t.after(() => server.close());
  const answer = await httpRequest(base, { method: 'GET', headers: {} });
  assert.deepEqual(JSON.parse(answer.text), { acceptEncoding: 'identity' });
});

test('a redirect is an answer, not followed', async (t) => {
  const { server, base } = await serve((_request, response) => {
    response.writeHead(302, { location: '/elsewhere' }).end();
  });
  t.after(() => server.close());
  const answer = await httpRequest(base, { method: 'GET', headers: {} });
  assert.equal(answer.status, 302);
  assert.equal(answer.headers.location, '/elsewhere');
});

test('no server is a NetworkError, which is a TypeError like fetch’s', async () => {
  const { server, base } = await serve(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  const error = await httpRequest(base, { method: 'GET', headers: {} }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof NetworkError);
  assert.ok(error instanceof TypeError);
});

test('an abort rejects with the signal’s reason and drops the request', async (t) => {
  let closed = 0;
  const { server, base } = await serve((request) => {
    request.socket.on('close', () => (closed += 1));
  });
  t.after(() => server.close());
  const controller = new AbortController();
  const pending = httpRequest(base, { method: 'GET', headers: {}, signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const reason = new Error('stopped');
  controller.abort(reason);
  await assert.rejects(pending, (e) => e === reason);
  while (closed === 0) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  const aborted = AbortSignal.abort(reason);
  await assert.rejects(
    httpRequest(base, { method: 'GET', headers: {}, signal: aborted }),
    (e) => e === reason,
  );
});

test('the REST client sends its requests through this transport, never through fetch', async (t) => {
  const { server, base } = await serve((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  t.after(() => server.close());
  const fetches = countFetches(t);
  const api = createGoToApi({
    urls: { api: base, admin: base, realtime: base },
    tokens: { accessToken: async () => 't', refreshAfterRejection: async () => 't' },
    logger: pino({ level: 'silent' }),
  });
  for (let i = 0; i < 10; i += 1) {
    assert.equal((await api.request('GET', api.url('api', '/users/v1/lines'))).status, 200);
  }
  assert.equal(fetches(), 0);
});
