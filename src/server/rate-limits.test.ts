import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './testing/harness.ts';

test('sign-in requests from one client past the limit get 429 rate_limited with Retry-After', async () => {
  const h = await harness({ rateLimit: { authPerMinute: 3, apiPerMinute: 1000 } });
  for (let i = 0; i < 3; i += 1) {
    assert.equal((await h.app.inject({ method: 'GET', url: '/auth/login' })).statusCode, 302);
  }
  const limited = await h.app.inject({ method: 'GET', url: '/auth/login' });
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  // Another address has its own budget; the web app's files and health checks are not counted.
  const other = await h.app.inject({ method: 'GET', url: '/auth/login', remoteAddress: '127.0.0.2' });
  assert.equal(other.statusCode, 302);
  assert.equal((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  await h.close();
});

test('API requests are limited per session, so one agent’s flood does not block another', async () => {
  const h = await harness({ rateLimit: { authPerMinute: 1000, apiPerMinute: 5 } });
  const dana = await h.signInAs('dana@x', ['line-1']);
  const eli = await h.signInAs('eli@x', ['line-2']);
  const me = (cookie: string) => h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  for (let i = 0; i < 5; i += 1) {
    assert.equal((await me(dana)).statusCode, 200);
  }
  assert.equal((await me(dana)).statusCode, 429);
  assert.equal((await me(eli)).statusCode, 200);
  await h.close();
});

test('the default limits leave a busy agent alone', async () => {
  const h = await harness();
  const dana = await h.signInAs('dana@x', ['line-1']);
  for (let i = 0; i < 300; i += 1) {
    const res = await h.app.inject({ method: 'GET', url: '/api/cards', headers: { cookie: dana } });
    assert.equal(res.statusCode, 200);
  }
  await h.close();
});
