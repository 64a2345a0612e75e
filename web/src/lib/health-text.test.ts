import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallLoggingHealth, ProviderHealth, WebhookEndpointStatus } from '../../../src/shared/trace.ts';
import {
  callLoggingCounts,
  callLoggingState,
  latencyText,
  providerState,
  webhookState,
} from './health-text.ts';

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
  callLogging: null,
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

test('call logging: OK with its last record, failing since when and why, paused, or not used yet', () => {
  const c: CallLoggingHealth = {
    failing: false,
    paused: false,
    failingSince: null,
    pausedUntil: null,
    lastAttemptAt: null,
    lastStatus: null,
    lastSuccessAt: null,
    lastError: null,
    pending: 0,
    dead: 0,
    last24h: { logged: 0, failed: 0, pending: 0 },
  };
  assert.deepEqual(callLoggingState(c, now), { text: 'Call logging: nothing logged yet', ok: true });
  const ok = { ...c, lastAttemptAt: now - 2 * MIN, lastStatus: 201, lastSuccessAt: now - 2 * MIN };
  assert.deepEqual(callLoggingState(ok, now), { text: 'Call logging: OK, last logged 2 min ago', ok: true });
  const failing = {
    ...ok,
    failing: true,
    failingSince: now - 30 * MIN,
    lastAttemptAt: now - MIN,
    lastStatus: 503,
    lastError: 'HubSpot answered 503: service unavailable',
  };
  assert.deepEqual(callLoggingState(failing, now), {
    text: 'Call logging: failing since 30 min ago: HubSpot answered 503: service unavailable',
    ok: false,
  });
  assert.equal(
    callLoggingState({ ...failing, lastError: null, lastStatus: null }, now).text,
    'Call logging: failing since 30 min ago: no answer',
  );
  assert.equal(
    callLoggingState({ ...failing, lastError: null }, now).text,
    'Call logging: failing since 30 min ago: HTTP 503',
  );
  const paused = { ...failing, paused: true, failingSince: now - 3 * 3_600_000, pausedUntil: now + MIN };
  assert.deepEqual(callLoggingState(paused, now), {
    text: 'Call logging: paused, failing since 3 h ago: HubSpot answered 503: service unavailable',
    ok: false,
  });
  const long = callLoggingState({ ...failing, lastError: 'x'.repeat(1000) }, now).text;
  assert.ok(long.length < 250 && long.endsWith('…'), 'a long CRM error is cut');
});

test('call logging counts: the last 24 hours, then what waits or was given up', () => {
  const c = {
    failing: false,
    paused: false,
    failingSince: null,
    pausedUntil: null,
    lastAttemptAt: null,
    lastStatus: null,
    lastSuccessAt: null,
    lastError: null,
    pending: 0,
    dead: 0,
    last24h: { logged: 0, failed: 0, pending: 0 },
  };
  assert.equal(callLoggingCounts(c), 'last 24 h: 0 logged');
  assert.equal(
    callLoggingCounts({ ...c, pending: 2, dead: 1, last24h: { logged: 12, failed: 1, pending: 2 } }),
    'last 24 h: 12 logged, 1 failed, 2 pending · 2 waiting, 1 given up',
  );
});
