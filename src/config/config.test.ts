import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.ts';

test('an empty environment gives demo mode with defaults', () => {
  const c = loadConfig({});
  assert.equal(c.demo.enabled, true);
  assert.equal(c.server.port, 3000);
  assert.equal(c.goto.apiUrl, 'https://api.goto.com');
});

test('GoTo credentials switch demo mode off', () => {
  const c = loadConfig({ GOTO_CLIENT_ID: 'id', GOTO_CLIENT_SECRET: 'secret' });
  assert.equal(c.demo.enabled, false);
});

test('every bad variable is listed at once', () => {
  assert.throws(
    () => loadConfig({ SCREENPOP_PORT: 'x', GOTO_API_URL: 'not a url', GOTO_EVENT_SOURCE: 'pigeon' }),
    (e: unknown) => e instanceof ConfigError && e.problems.length === 3,
  );
});

test('a lone client id is refused', () => {
  assert.throws(() => loadConfig({ GOTO_CLIENT_ID: 'id' }), /set both or neither/);
});
