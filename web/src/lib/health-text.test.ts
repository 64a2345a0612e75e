import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderHealth, WebhookEndpointStatus } from '../../../src/shared/trace.ts';
import { latencyText, providerState, webhookState } from './health-text.ts';

const now = 1_800_000_000_000;
const MIN = 60_000;

const provider: ProviderHealth = {
  name: 'hubspot',
  type: 'hubspot',
  lastSuccessAt: null,
  lastErrorAt: null,
  lastError: null,
  latencyMs: { last: null, p50: null, p95: null },
  requestsLastHour: 0,
  failuresLastHour: 0,
};

test('a provider: no requests yet, OK, or failing since its last error', () => {
  assert.deepEqual(providerState(provider, now), { text: 'No requests yet', ok: true });
  assert.deepEqual(providerState({ ...provider, lastSuccessAt: now - 5 * MIN }, now), {
    text: 'OK, last answer 5 min ago',
    ok: true,
  });
  const failing = {
    ...provider,
    lastSuccessAt: now - 9 * MIN,
    lastErrorAt: now - 2 * MIN,
    lastError: 'HTTP 503',
  };
  assert.deepEqual(providerState(failing, now), { text: 'Failing: HTTP 503 (2 min ago)', ok: false });
  assert.equal(providerState({ ...failing, lastSuccessAt: now - MIN }, now).ok, true, 'answered again since');
});

test('request times read as percentiles', () => {
  assert.equal(latencyText(provider), '—');
  assert.equal(
    latencyText({ ...provider, latencyMs: { last: 30.4, p50: 12.2, p95: 80.9 } }),
    'p50 12 ms · p95 81 ms · last 30 ms',
  );
});

test('a webhook endpoint: paused, failing with its last status, or OK', () => {
  const e: WebhookEndpointStatus = {
    name: 'ops',
    url: 'https://hooks.example/in',
    events: ['call.ended'],
    failing: false,
    paused: false,
    failingSince: null,
    pausedUntil: null,
    lastAttemptAt: null,
    lastStatus: null,
    lastSuccessAt: null,
    pending: 0,
    dead: 0,
  };
  assert.deepEqual(webhookState(e, now), { text: 'Nothing delivered yet', ok: true });
  assert.deepEqual(
    webhookState({ ...e, failing: true, failingSince: now - 30 * MIN, lastStatus: 500 }, now),
    {
      text: 'Failing since 30 min ago (HTTP 500)',
      ok: false,
    },
  );
  assert.equal(
    webhookState({ ...e, failing: true, paused: true, failingSince: now - 3 * 3_600_000 }, now).text,
    'Paused: failing since 3 h ago',
  );
  assert.equal(webhookState({ ...e, lastSuccessAt: now - 10_000 }, now).text, 'OK, last delivery just now');
});
