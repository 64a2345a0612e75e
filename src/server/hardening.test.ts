import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { harness } from './testing/harness.ts';
import { MAX_SOCKETS_PER_SESSION } from './routes/push.ts';

test('/metrics wants the bearer token when one is configured', async () => {
  const h = await harness({ metricsToken: 'metrics-token-0123456789' });
  const get = (authorization?: string) =>
    h.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: authorization === undefined ? {} : { authorization },
    });
  const none = await get();
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().error, 'metrics_token_required');
  assert.equal((await get('Bearer wrong')).statusCode, 401);
  const ok = await get('Bearer metrics-token-0123456789');
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /screenpop_http_requests_total/);
  await h.close();
  const open = await harness();
  assert.equal((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
  await open.close();
});

test('API and sign-in answers are never cached; HSTS only behind https', async () => {
  const h = await harness();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const me = await h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  assert.equal(me.headers['cache-control'], 'no-store');
  assert.equal((await h.app.inject({ method: 'GET', url: '/api/me' })).headers['cache-control'], 'no-store');
  assert.equal(
    (await h.app.inject({ method: 'GET', url: '/auth/login' })).headers['cache-control'],
    'no-store',
  );
  assert.equal(me.headers['strict-transport-security'], undefined);
  h.publicUrl = 'https://pop.example.com';
  const secure = await h.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(secure.headers['strict-transport-security'], 'max-age=31536000');
  await h.close();
});

test('sign-out has the GoTo client delete the agent’s tokens', async () => {
  const signedOut: string[] = [];
  const h = await harness({ onSignedOut: async (principal) => void signedOut.push(principal) });
  const cookie = await h.signInAs('dana@x', ['line-1']);
  await h.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
  assert.deepEqual(signedOut, ['dana@x']);
  await h.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
  assert.deepEqual(signedOut, ['dana@x'], 'a second sign-out with the dead cookie deletes nothing more');
  await h.close();
});

test(`one sign-in may hold ${MAX_SOCKETS_PER_SESSION} push sockets, not more`, async () => {
  const h = await harness();
  h.publicUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const url = `${h.publicUrl.replace('http', 'ws')}/api/push`;
  const open = (headers: Record<string, string>) =>
    new Promise<{ status: number; socket: WebSocket }>((resolve) => {
      const socket = new WebSocket(url, { headers: { origin: h.publicUrl, ...headers } });
      socket.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, socket }));
      socket.on('open', () => resolve({ status: 101, socket }));
    });
  const sockets = [];
  for (let i = 0; i < MAX_SOCKETS_PER_SESSION; i += 1) {
    sockets.push(await open({ cookie }));
  }
  assert.ok(sockets.every((s) => s.status === 101));
  assert.equal((await open({ cookie })).status, 429);
  // Another sign-in of the same agent has its own allowance.
  assert.equal((await open({ cookie: await h.signInAs('dana@x', ['line-1']) })).status, 101);
  await h.close();
});
