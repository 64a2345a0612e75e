import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../provider.ts';
import { hang, json, startCrm, text } from '../testing/crm.ts';
import type { TestCrm } from '../testing/crm.ts';
import { failureOf } from '../testing/crm-fakes/records.ts';
import { TestClock } from '../testing/values.ts';
import { CrmWriteError } from './call-record.ts';
import { CrmHttpError, crmFetch, rateLimitedLookup, retryAfter, writeError } from './crm-fetch.ts';

let crm: TestCrm;
before(async () => {
  crm = await startCrm();
});
after(() => crm.close());

const signal = new AbortController().signal;
const get = (path: string, timeoutMs = 5000) =>
  crmFetch({ url: `${crm.base}${path}`, headers: {}, timeoutMs, signal });

test('Retry-After in seconds or as an HTTP date, capped at an hour; Pipedrive x-ratelimit-reset as a fallback', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  assert.equal(retryAfter(new Headers({ 'retry-after': '30' }), now), 30);
  assert.equal(retryAfter(new Headers({ 'retry-after': 'Fri, 04 Dec 2026 12:01:00 GMT' }), now), 60);
  assert.equal(retryAfter(new Headers({ 'retry-after': '999999' }), now), 3600);
  assert.equal(retryAfter(new Headers({ 'retry-after': 'soon' }), now), null);
  assert.equal(retryAfter(new Headers({ 'x-ratelimit-reset': '2' }), now), 2);
  assert.equal(retryAfter(new Headers(), now), null);
});

test('failures are sorted: 5xx and timeouts retryable, 4xx not; the vendor code is kept, its text is not', async () => {
  crm.route('/500', json({ error: 'boom' }, 0, 500));
  crm.route(
    '/403',
    json([{ errorCode: 'INSUFFICIENT_ACCESS', message: 'secret detail about ann@x.test' }], 0, 403),
  );
  crm.route('/hang', hang);
  const e500 = await failureOf(get('/500'));
  assert.ok(e500 instanceof CrmHttpError);
  assert.deepEqual([e500.message, e500.retryable], ['HTTP 500 boom', true]);
  const e403 = await failureOf(get('/403'));
  assert.ok(e403 instanceof CrmHttpError);
  assert.deepEqual(
    [e403.message, e403.retryable, e403.code],
    ['HTTP 403 INSUFFICIENT_ACCESS', false, 'INSUFFICIENT_ACCESS'],
  );
  const slow = await failureOf(get('/hang', 100));
  assert.ok(slow instanceof CrmHttpError);
  assert.deepEqual([slow.message, slow.retryable, slow.status], ['timed out after 100 ms', true, null]);
});

test('malformed and oversized answers are clear, non-retryable failures', async () => {
  crm.route('/bad', text('{"half": '));
  crm.route('/big', text(JSON.stringify({ x: 'y'.repeat(1_100_000) })));
  assert.equal(((await failureOf(get('/bad'))) as Error).message, 'malformed JSON');
  assert.match(((await failureOf(get('/big'))) as Error).message, /^response too large/);
});

test('a write failure keeps the status and the wait for the outbox', () => {
  const e = writeError('crm', new CrmHttpError('rate limited (HTTP 429, retry after 9 s)', 429, true, 9));
  assert.ok(e instanceof CrmWriteError);
  assert.deepEqual([e.provider, e.retryable, e.status, e.retryAfterSeconds], ['crm', true, 429, 9]);
  assert.equal(writeError('crm', new Error('not a Freshdesk record id: x')).retryable, false);
});

test('after a 429 with Retry-After, lookups fail at once without a request until the wait is over', async () => {
  const clock = new TestClock(1_000_000);
  const gate = rateLimitedLookup('crm', clock);
  let calls = 0;
  const limited = async (): Promise<string> => {
    calls += 1;
    throw new CrmHttpError('rate limited (HTTP 429, retry after 30 s)', 429, true, 30);
  };
  const first = await failureOf(gate(limited));
  assert.ok(first instanceof ProviderError);
  assert.equal(first.retryAfterSeconds, 30);
  clock.advance(10_000);
  const waiting = await failureOf(gate(limited));
  assert.ok(waiting instanceof ProviderError);
  assert.deepEqual(
    [waiting.message, waiting.retryable, waiting.retryAfterSeconds],
    ['rate limited (waiting 20 s more)', true, 20],
  );
  assert.equal(calls, 1, 'no request while waiting');
  clock.advance(20_000);
  assert.equal(
    await gate(async () => {
      calls += 1;
      return 'answered';
    }),
    'answered',
  );
  assert.equal(calls, 2);
});
