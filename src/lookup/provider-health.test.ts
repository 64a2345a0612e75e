import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderHealthLog, percentile } from './provider-health.ts';
import { TestClock } from './testing/values.ts';

test('percentiles are nearest-rank over sorted values', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([7], 0.95), 7);
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(hundred, 0.5), 50);
  assert.equal(percentile(hundred, 0.95), 95);
});

test('request times keep the last 200; counts cover the last hour by minute', () => {
  const clock = new TestClock(1_800_000_000_000);
  const log = new ProviderHealthLog(['crm'], clock);
  for (let i = 0; i < 300; i++) {
    log.record('crm', i < 100 ? 1_000 : 10, null); // the 100 slow ones fall out of the window
  }
  log.record('nobody', 5, 'ignored: not a configured provider');
  let [crm] = log.snapshot();
  assert.deepEqual(crm?.latencyMs, { last: 10, p50: 10, p95: 10 });
  assert.equal(crm?.requestsLastHour, 300);
  clock.advance(30 * 60_000);
  log.record('crm', 20, 'HTTP 502');
  [crm] = log.snapshot();
  assert.equal(crm?.requestsLastHour, 301);
  assert.equal(crm?.failuresLastHour, 1);
  clock.advance(31 * 60_000);
  [crm] = log.snapshot();
  assert.equal(crm?.requestsLastHour, 1, 'the first 300 are more than an hour old');
  assert.equal(crm?.lastError, 'HTTP 502');
  assert.equal(log.snapshot().length, 1);
});
