import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../testing/harness.ts';
import type { Harness } from '../testing/harness.ts';

/** PUT /api/me/settings with the session cookie (and any extra headers). */
function putSettings(h: Harness, cookie: string, payload: object, headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'PUT', url: '/api/me/settings', headers: { cookie, ...headers }, payload });
}

test('GET /api/me without a session is 401 unauthenticated', async () => {
  const h = await harness();
  const res = await h.app.inject({ method: 'GET', url: '/api/me' });
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().error, 'unauthenticated');
  await h.close();
});

test('GET /api/me returns the agent with their GoTo lines and all lines popping', async () => {
  const h = await harness();
  const cookie = await h.signInAs('dana@x', ['line-1', 'line-2']);
  const res = await h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  assert.equal(res.statusCode, 200);
  const me = res.json();
  assert.equal(me.principal, 'dana@x');
  assert.equal(me.role, 'agent');
  assert.deepEqual(
    me.lines.map((l: { id: string }) => l.id),
    ['line-1', 'line-2'],
  );
  assert.equal(me.popLines, null);
  await h.close();
});

test('PUT /api/me/settings saves pop lines among the agent’s own lines', async () => {
  const h = await harness();
  const cookie = await h.signInAs('dana@x', ['line-1', 'line-2']);
  const res = await putSettings(h, cookie, { popLines: ['line-2'], desktopNotifications: true });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json().popLines, ['line-2']);
  assert.deepEqual((await h.agents.getAgent('dana@x'))?.popLines, ['line-2']);
  await h.close();
});

test('PUT /api/me/settings refuses someone else’s line', async () => {
  const h = await harness();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const res = await putSettings(h, cookie, { popLines: ['line-9'], desktopNotifications: false });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().error, 'line_not_yours');
  await h.close();
});

test('PUT /api/me/settings with a malformed body is a validation error with details', async () => {
  const h = await harness();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const res = await putSettings(h, cookie, { popLines: 'all' });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().error, 'invalid_body');
  assert.ok(res.json().details.length >= 1);
  await h.close();
});

test('a state-changing request from another origin is refused', async () => {
  const h = await harness();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const res = await putSettings(
    h,
    cookie,
    { popLines: null, desktopNotifications: false },
    { origin: 'https://evil.example' },
  );
  assert.equal(res.statusCode, 403);
  assert.equal(res.json().error, 'forbidden_origin');
  await h.close();
});

test('signing in again keeps the chosen pop lines that still exist', async () => {
  const h = await harness();
  const cookie = await h.signInAs('dana@x', ['line-1', 'line-2']);
  await putSettings(h, cookie, { popLines: ['line-2'], desktopNotifications: true });
  await h.signInAs('dana@x', ['line-2', 'line-3']);
  const agent = await h.agents.getAgent('dana@x');
  assert.deepEqual(agent?.popLines, ['line-2']);
  assert.equal(agent?.desktopNotifications, true);
  await h.close();
});
