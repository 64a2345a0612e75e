import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterFailure, defaultRetryPolicy, retryDelayMs } from './retry-policy.ts';

const policy = defaultRetryPolicy;
const middle = (): number => 0.5;

test('the delay doubles from 5 s after each failure and stops at an hour', () => {
  const delays = Array.from({ length: 13 }, (_, i) => retryDelayMs(i + 1, middle, policy) / 1000);
  assert.deepEqual(delays, [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600]);
});

test('jitter spreads each delay by at most 20 % either way', () => {
  assert.equal(
    retryDelayMs(1, () => 0, policy),
    4_000,
  );
  assert.equal(
    retryDelayMs(1, () => 0.999_999, policy),
    6_000,
  );
  assert.equal(
    retryDelayMs(20, () => 0, policy),
    2_880_000,
  );
});

test('retries span a day: 33 attempts, then the event is given up', () => {
  const created = 0;
  let now = 0;
  let failures = 0;
  let verdict = afterFailure({ now, createdAt: created, failures: 1, failingSince: null }, middle, policy);
  while (verdict.outcome === 'retry') {
    failures += 1;
    now = verdict.nextAttemptAt;
    verdict = afterFailure(
      { now, createdAt: created, failures: failures + 1, failingSince: 0 },
      middle,
      policy,
    );
  }
  assert.equal(failures + 1, 33);
  assert.ok(now <= policy.giveUpAfterMs);
  assert.ok(verdict.nextAttemptAt > policy.giveUpAfterMs);
});

test('an endpoint is paused once it has failed for three hours, and probed every 15 minutes', () => {
  const early = afterFailure({ now: 10_000, createdAt: 0, failures: 3, failingSince: null }, middle, policy);
  assert.equal(early.failingSince, 10_000, 'the first failure starts the failing period');
  assert.equal(early.pausedUntil, null);
  const late = afterFailure(
    { now: 3 * 3_600_000, createdAt: 3 * 3_600_000, failures: 1, failingSince: 0 },
    middle,
    policy,
  );
  assert.equal(late.pausedUntil, 3 * 3_600_000 + 15 * 60_000);
  assert.equal(late.failingSince, 0);
});
