import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpProvider, fillUrl } from './http-provider.ts';
import { parseProviders } from './provider-config.ts';
import { ProviderError } from '../provider.ts';
import { hang, json, startCrm, text } from '../testing/crm.ts';
import type { TestCrm } from '../testing/crm.ts';
import { TestClock } from '../testing/values.ts';

const number = { e164: '+13125550140', national: '3125550140', raw: '(312) 555-0140' };
let crm: TestCrm;

before(async () => {
  crm = await startCrm();
});
after(() => crm.close());

function provider(path: string, extra: Record<string, unknown> = {}) {
  const entry = {
    name: 'crm',
    url: `${crm.base}${path}`,
    fields: { name: 'results[].name' },
    timeoutMs: 5000, // roomy: a busy machine must not turn these answers into timeouts
    ...extra,
  };
  const [config] = parseProviders(JSON.stringify([entry]), { CRM_TOKEN: 'tok-123' });
  assert.ok(config?.type === 'http');
  return createHttpProvider(config, new TestClock(1000));
}

const signal = new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProviderError);
  return error.message;
}

test('the URL template gets the number in each format, URL-encoded', () => {
  const url = fillUrl('http://h/x?a={e164}&b={e164_digits}&c={national}&d={raw}', number);
  assert.equal(url, 'http://h/x?a=%2B13125550140&b=13125550140&c=3125550140&d=(312)%20555-0140');
});

test('a good answer becomes contacts; headers carry the env secret', async () => {
  crm.route('/ok', json({ results: [{ name: 'Ann' }, { name: 'Bob' }] }));
  const p = provider('/ok?phone={e164}', { headers: { authorization: 'Bearer ${CRM_TOKEN}' } });
  const contacts = await p.find(number, signal);
  assert.deepEqual(
    contacts.map((c) => c.name),
    ['Ann', 'Bob'],
  );
  const req = crm.seen.find((r) => r.url.startsWith('/ok'));
  assert.equal(req?.url, '/ok?phone=%2B13125550140');
  assert.equal(req?.headers.authorization, 'Bearer tok-123');
});

test('HTTP 500 is a failure named by its status', async () => {
  crm.route('/fail', json({ error: 'boom' }, 0, 500));
  assert.equal(await failure(provider('/fail').find(number, signal)), 'HTTP 500');
});

test('404 means the CRM does not know the number: no contacts, no failure', async () => {
  assert.deepEqual(await provider('/nowhere').find(number, signal), []);
});

test('malformed JSON is a failure, not a crash', async () => {
  crm.route('/malformed', text('{"results": [{"name": "Ann"'));
  assert.equal(await failure(provider('/malformed').find(number, signal)), 'malformed JSON');
});

test('a CRM that never answers times out after the provider timeout', async () => {
  crm.route('/hang', hang);
  const started = Date.now();
  assert.equal(
    await failure(provider('/hang', { timeoutMs: 100 }).find(number, signal)),
    'timed out after 100 ms',
  );
  const took = Date.now() - started;
  assert.ok(took >= 90, `took ${took} ms`); // a provider that hung instead would fail on the test's own timeout
});

test('a slow answer within the timeout still counts', async () => {
  crm.route('/slow', json({ results: [{ name: 'Slow Sam' }] }, 80));
  const contacts = await provider('/slow', { timeoutMs: 1000 }).find(number, signal);
  assert.equal(contacts[0]?.name, 'Slow Sam');
});

test('an oversized body is refused', async () => {
  crm.route('/huge', text(JSON.stringify({ results: [{ name: 'x'.repeat(1_100_000) }] })));
  assert.match(await failure(provider('/huge').find(number, signal)), /response too large/);
});

test('a refused connection is a failure', async () => {
  const closed = await startCrm();
  await closed.close();
  const [config] = parseProviders(
    JSON.stringify([{ name: 'gone', url: `${closed.base}/x`, fields: { name: 'name' } }]),
    {},
  );
  assert.ok(config?.type === 'http');
  assert.match(
    await failure(createHttpProvider(config, new TestClock(0)).find(number, signal)),
    /^request failed/,
  );
});

test('cancelling (shutdown) aborts the request', async () => {
  crm.route('/hang2', hang);
  const controller = new AbortController();
  const pending = provider('/hang2', { timeoutMs: 5000 }).find(number, controller.signal);
  controller.abort();
  assert.equal(await failure(pending), 'cancelled');
});
