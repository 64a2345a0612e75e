import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebhooks, webhookConfigProblems, WebhookConfigError } from './webhook-config.ts';
import { ConfigError, loadConfig } from '../config/config.ts';
import { testSecret } from './testing/receiver.ts';

const env = { HOOK_SECRET: testSecret, SHORT_SECRET: `whsec_${Buffer.alloc(8, 1).toString('base64')}` };

test('a valid entry: events default to all four, the secret comes from the environment, the name from the URL', () => {
  const [endpoint] = parseWebhooks(
    '[{"url":"https://hooks.example/screenpop","secret":"${HOOK_SECRET}"}]',
    env,
  );
  assert.deepEqual(endpoint, {
    name: 'https://hooks.example/screenpop',
    url: 'https://hooks.example/screenpop',
    events: ['call.ringing', 'call.answered', 'call.ended', 'call.notes'],
    secret: testSecret,
    timeoutMs: 10_000,
  });
});

test('an empty array means no webhooks', () => {
  assert.deepEqual(parseWebhooks('[]', {}), []);
});

test('not JSON, not an array, or too many entries: one clear line', () => {
  assert.deepEqual(webhookConfigProblems('{"url":', env), ['SCREENPOP_WEBHOOKS: not valid JSON']);
  assert.deepEqual(webhookConfigProblems('{"url":"x"}', env), ['SCREENPOP_WEBHOOKS: must be a JSON array']);
  const many = JSON.stringify(
    Array.from({ length: 21 }, (_, i) => ({ url: `https://h.example/${i}`, secret: '${HOOK_SECRET}' })),
  );
  assert.deepEqual(webhookConfigProblems(many, env), ['SCREENPOP_WEBHOOKS: at most 20 endpoints']);
});

test('hostile entries: every problem is named, with the entry and field', () => {
  const json = JSON.stringify([
    { url: 'file:///etc/passwd', secret: '${HOOK_SECRET}' },
    {
      url: 'https://user:pw@h.example/',
      secret: '${HOOK_SECRET}',
      events: ['call.ringing', 'call.exploded'],
    },
    { url: 'https://h.example/', secret: 'whsec_literal-secret-in-the-json' },
    { url: 'https://h.example/', secret: '${MISSING_SECRET}', extra: 1 },
    { url: 'https://h.example/a', secret: '${SHORT_SECRET}', name: '../../etc' },
    { url: 'https://h.example/b', secret: '${HOOK_SECRET}', events: [] },
    'not an object',
  ]).replace('"extra":1', '"__proto__":{"polluted":true},"extra":1');
  const problems = webhookConfigProblems(json, env);
  assert.deepEqual(problems, [
    'SCREENPOP_WEBHOOKS[0].url: must be an http(s) URL',
    'SCREENPOP_WEBHOOKS[1].events.1: Invalid option: expected one of "call.ringing"|"call.answered"|"call.ended"|"call.notes"',
    'SCREENPOP_WEBHOOKS[2].secret: must be an environment reference like "${WEBHOOK_SECRET}"',
    'SCREENPOP_WEBHOOKS[3]: Unrecognized keys: "__proto__", "extra"',
    'SCREENPOP_WEBHOOKS[4].name: letters, digits, ., - and _ (max 40)',
    'SCREENPOP_WEBHOOKS[5].events: Too small: expected array to have >=1 items',
    'SCREENPOP_WEBHOOKS[6]: Invalid input: expected object, received string',
  ]);
  assert.ok(!problems.join('\n').includes('literal-secret'), 'a secret is never echoed');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('secrets: unset, not a Standard Webhooks secret, or too short', () => {
  assert.deepEqual(
    webhookConfigProblems(
      JSON.stringify([
        { url: 'https://h.example/a', secret: '${MISSING_SECRET}' },
        { url: 'https://h.example/b', secret: '${SHORT_SECRET}' },
        { url: 'https://h.example/c', secret: '${BAD_SECRET}' },
      ]),
      { ...env, BAD_SECRET: 'whsec_***not base64***' },
    ),
    [
      'SCREENPOP_WEBHOOKS[0].secret: environment variable MISSING_SECRET is not set',
      'SCREENPOP_WEBHOOKS[1].secret: SHORT_SECRET must hold 24 to 64 random bytes (it holds 8)',
      'SCREENPOP_WEBHOOKS[2].secret: BAD_SECRET must be "whsec_" + base64 (Standard Webhooks secret)',
    ],
  );
});

test('two endpoints with one name are refused; parseWebhooks throws the whole list', () => {
  const json = JSON.stringify([
    { url: 'https://h.example/a', secret: '${HOOK_SECRET}', name: 'crm' },
    { url: 'https://h.example/b', secret: '${HOOK_SECRET}', name: 'crm' },
  ]);
  assert.throws(
    () => parseWebhooks(json, env),
    (error: unknown) =>
      error instanceof WebhookConfigError &&
      error.problems.join() ===
        'SCREENPOP_WEBHOOKS: endpoint "crm" appears more than once; give each a distinct name',
  );
});

test('the config loader lists bad SCREENPOP_WEBHOOKS entries with every other bad variable', () => {
  assert.throws(
    () =>
      loadConfig({
        GOTO_CLIENT_ID: 'only-the-id',
        SCREENPOP_WEBHOOKS: '[{"url":"javascript:alert(1)","secret":"${NOT_SET}"}]',
      }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.problems.join('\n') ===
        [
          'GOTO_CLIENT_ID and GOTO_CLIENT_SECRET: set both or neither',
          'SCREENPOP_WEBHOOKS[0].url: must be an http(s) URL',
          'SCREENPOP_WEBHOOKS[0].secret: environment variable NOT_SET is not set',
        ].join('\n'),
  );
  assert.deepEqual(loadConfig({}).webhooks, []);
});
