import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './testing/harness.ts';

test('an unexpected error is a 500 with a correlation id and no stack', async () => {
  const h = await harness({
    extraRoutes: async (scope) => {
      scope.get('/api/boom', async () => {
        throw new Error('database exploded at /secret/path');
      });
    },
  });
  const cookie = await h.signInAs('dana@x', []);
  const res = await h.app.inject({ method: 'GET', url: '/api/boom', headers: { cookie } });
  assert.equal(res.statusCode, 500);
  const body = res.json();
  assert.equal(body.error, 'internal_error');
  assert.match(body.correlationId, /^[0-9a-f-]{36}$/);
  assert.doesNotMatch(res.body, /exploded|secret|at /);
  await h.close();
});

test('an unknown API path is a JSON 404', async () => {
  const h = await harness();
  const res = await h.app.inject({ method: 'GET', url: '/api/nope' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error, 'not_found');
  await h.close();
});

test('extra routes sit behind the session guard, except the listed public paths', async () => {
  const h = await harness({
    publicPaths: ['/api/openapi.json'],
    extraRoutes: async (scope) => {
      scope.get('/api/contacts', async () => ({ items: [] }));
      scope.get('/api/openapi.json', async () => ({ openapi: '3.1.0' }));
    },
  });
  assert.equal((await h.app.inject({ method: 'GET', url: '/api/contacts' })).statusCode, 401);
  assert.equal((await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode, 200);
  await h.close();
});

test('/healthz and /metrics answer without a session', async () => {
  const h = await harness();
  assert.deepEqual((await h.app.inject({ method: 'GET', url: '/healthz' })).json(), { ok: true });
  const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /screenpop_push_sockets 0/);
  await h.close();
});

test('responses carry a CSP that forbids inline script', async () => {
  const h = await harness();
  const res = await h.app.inject({ method: 'GET', url: '/healthz' });
  assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
  await h.close();
});
