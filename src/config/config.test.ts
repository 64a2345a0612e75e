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

// Moved from store.test.ts: the store now receives phone options the config built (and checked) once.
test('refuses an unknown default region', () => {
  assert.throws(
    () => loadConfig({ SCREENPOP_DEFAULT_REGION: 'ZZ' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.some((p) => /^SCREENPOP_DEFAULT_REGION: unsupported default region ZZ$/.test(p)),
  );
});

test('every part receives one frozen, parsed piece: phone options and lookup settings', () => {
  const c = loadConfig({
    SCREENPOP_DEFAULT_REGION: 'GB',
    SCREENPOP_MATCH_SUFFIX_DIGITS: '8',
    SCREENPOP_LOOKUP_PROVIDERS: JSON.stringify([
      { name: 'crm', url: 'http://127.0.0.1/{e164}', headers: { x: '${TOKEN}' }, fields: { name: 'n' } },
    ]),
    TOKEN: 't-1',
  });
  assert.deepEqual(c.phone, { defaultRegion: 'GB', suffixDigits: 8 });
  const crm = c.lookup.providers[0];
  assert.ok(crm?.type === 'http');
  assert.equal(crm.headers.x, 't-1'); // env references resolved once, from the env given
  assert.equal(c.lookup.budgetMs, 300);
  assert.ok(Object.isFrozen(c.phone) && Object.isFrozen(crm.fields));
  assert.throws(() => {
    (c.lookup.linkTemplates as unknown[]).push({});
  }, TypeError);
});

test('lookup problems and schema problems of other variables are listed in one error', () => {
  assert.throws(
    () =>
      loadConfig({
        GOTO_CLIENT_ID: 'id',
        SCREENPOP_DEFAULT_REGION: 'ZZ',
        SCREENPOP_LINK_TEMPLATES: '{',
      }),
    (e: unknown) => e instanceof ConfigError && e.problems.length === 3,
  );
});
