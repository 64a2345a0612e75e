import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../provider.ts';
import { startPipedriveFake } from '../testing/crm-fakes/pipedrive-fake.ts';
import type { PipedriveFake } from '../testing/crm-fakes/pipedrive-fake.ts';
import { TestClock } from '../testing/values.ts';
import { CrmWriteError } from './call-record.ts';
import { createPipedriveProvider, createPipedriveWriter } from './pipedrive.ts';
import type { PipedriveConfig } from './pipedrive.ts';
import { parseProviders, providerProblems } from './provider-config.ts';
import { callRecord, failureOf, numberOf } from '../testing/crm-fakes/records.ts';

const TOKEN = 'pd-token-123';
let fake: PipedriveFake;

before(async () => {
  fake = await startPipedriveFake({
    token: TOKEN,
    persons: [
      {
        id: 1,
        name: 'Ann Lee',
        phones: ['+1 (312) 555-0140'],
        emails: ['ann@acme.test'],
        ownerId: 9,
        org: { id: 5, name: 'Acme' },
      },
      { id: 2, name: 'Bob Ray', phones: ['312.555.0177'], ownerId: 404 },
      { id: 3, name: 'Cy Twin', phones: ['3125550177'] },
      ...[10, 11, 12, 13, 14].map((id) => ({ id, name: `Shared ${id}`, phones: ['+1 312 555 0199'] })),
    ],
    deals: [
      { id: 70, personId: 1, title: 'Renewal 2027', status: 'open' },
      { id: 71, personId: 1, title: 'Old deal', status: 'won' },
    ],
    users: [{ id: 9, name: 'Olga Owner' }],
  });
});
after(() => fake.close());

function config(extra: Record<string, unknown> = {}, env: Record<string, string> = { PD_TOKEN: TOKEN }) {
  const entry = {
    type: 'pipedrive',
    name: 'pipedrive',
    companyDomain: 'acme',
    apiUrl: fake.api,
    timeoutMs: 5000,
  };
  const [c] = parseProviders(JSON.stringify([{ ...entry, apiToken: '${PD_TOKEN}', ...extra }]), env);
  assert.ok(c?.type === 'pipedrive');
  return c as PipedriveConfig;
}

const signal = new AbortController().signal;
const provider = (c = config()) => createPipedriveProvider(c, new TestClock(1000));

test('config: token as an env reference, one auth kind, a plain company domain', () => {
  assert.deepEqual(
    providerProblems(
      JSON.stringify([
        { type: 'pipedrive', name: 'pd', companyDomain: 'acme.pipedrive.com', apiToken: 'raw' },
      ]),
      {},
    ),
    [
      'SCREENPOP_LOOKUP_PROVIDERS[0] ("pd").companyDomain: the account name only (acme for acme.example.com)',
      'SCREENPOP_LOOKUP_PROVIDERS[0] ("pd").apiToken: must be an ${ENV_VAR} reference, not the secret itself',
    ],
  );
  assert.deepEqual(
    providerProblems(JSON.stringify([{ type: 'pipedrive', name: 'pd', companyDomain: 'a' }]), {}),
    ['SCREENPOP_LOOKUP_PROVIDERS[0] ("pd").apiToken: set exactly one of apiToken and accessToken'],
  );
  assert.deepEqual(
    providerProblems(
      JSON.stringify([{ type: 'pipedrive', name: 'pd', companyDomain: 'a', apiToken: '${NOPE}' }]),
      {},
    ),
    ['SCREENPOP_LOOKUP_PROVIDERS[0] ("pd").apiToken: environment variable NOPE is not set'],
  );
  const c = config();
  assert.equal(c.api, fake.api);
  assert.equal(c.web, 'https://acme.pipedrive.com');
  assert.equal(config({ apiUrl: undefined }).api, 'https://acme.pipedrive.com/api/v1');
});

test('lookup: the person with org, owner, open deals only, link and Pipedrive id', async () => {
  const [ann, ...rest] = await provider().find(numberOf('+13125550140'), signal);
  assert.equal(rest.length, 0);
  assert.equal(ann?.name, 'Ann Lee');
  assert.equal(ann?.company, 'Acme');
  assert.equal(ann?.email, 'ann@acme.test');
  assert.deepEqual(ann?.custom, { owner: 'Olga Owner' });
  assert.equal(ann?.externalId, '1');
  assert.equal(ann?.id, 'provider:pipedrive:1');
  assert.equal(ann?.recordUrl, 'https://acme.pipedrive.com/person/1');
  assert.deepEqual(ann?.tickets, [
    { id: '70', title: 'Renewal 2027', status: 'open', url: 'https://acme.pipedrive.com/deal/70' },
  ]);
  const search = fake.http.seen.find((r) => r.path.endsWith('/persons/search'));
  assert.equal(search?.query.get('term'), '3125550140');
  assert.equal(search?.query.get('fields'), 'phone');
  assert.equal(search?.headers['x-api-token'], TOKEN);
});

test('lookup: an unknown number is no contacts, not a failure', async () => {
  assert.deepEqual(await provider().find(numberOf('+13125550000'), signal), []);
});

test('lookup: two people sharing a number are both returned', async () => {
  const names = (await provider().find(numberOf('+13125550177'), signal)).map((c) => c.name);
  assert.deepEqual(names.sort(), ['Bob Ray', 'Cy Twin']);
});

test('lookup: an owner Pipedrive will not show (a deleted user, no users:read) leaves the owner out, not the card', async () => {
  const bob = (await provider().find(numberOf('+13125550177'), signal)).find((c) => c.name === 'Bob Ray');
  assert.deepEqual(bob?.custom, {});
});

test('lookup: search pages are followed (next_start)', async () => {
  fake.pageSize = 2;
  try {
    const found = await provider().find(numberOf('+13125550199'), signal);
    assert.equal(found.length, 5);
    const pages = fake.http.seen.filter(
      (r) => r.path.endsWith('/persons/search') && r.query.get('term') === '3125550199',
    );
    assert.deepEqual(
      pages.map((r) => r.query.get('start')),
      ['0', '2', '4'],
    );
  } finally {
    fake.pageSize = 100;
  }
});

test('lookup: an OAuth access token goes as a bearer token', async () => {
  const c = config({ apiToken: undefined, accessToken: '${PD_OAUTH}' }, { PD_OAUTH: TOKEN });
  assert.equal((await provider(c).find(numberOf('+13125550140'), signal)).length, 1);
});

test('lookup: a wrong token is a ProviderError naming the status, without the token', async () => {
  const error = await failureOf(
    provider(config({}, { PD_TOKEN: 'wrong' })).find(numberOf('+13125550140'), signal),
  );
  assert.ok(error instanceof ProviderError);
  assert.equal(error.message, 'HTTP 401');
  assert.equal(error.retryable, false);
});

test('lookup: 429 is a retryable ProviderError with the reset from x-ratelimit-reset', async () => {
  fake.rateLimit(1, 2);
  const error = await failureOf(provider().find(numberOf('+13125550140'), signal));
  assert.ok(error instanceof ProviderError);
  assert.equal(error.retryable, true);
  assert.equal(error.retryAfterSeconds, 2);
  assert.equal(error.message, 'rate limited (HTTP 429, retry after 2 s)');
});

test('write: a call activity is created, then updated in place with the notes', async () => {
  const writer = createPipedriveWriter(config());
  assert.ok(writer);
  const before = fake.activities.size;
  const ref = await writer.write(callRecord({ contact: { externalId: '1', name: 'Ann Lee' } }), null, signal);
  assert.equal(fake.activities.size, before + 1);
  const created = fake.activities.get(Number(ref.id));
  assert.equal(created?.body.type, 'call');
  assert.equal(created?.body.done, 1);
  assert.equal(created?.body.person_id, 1);
  assert.equal(created?.body.duration, '00:02');
  assert.equal(created?.body.due_date, '2026-12-04');
  assert.equal(ref.url, 'https://acme.pipedrive.com/person/1');

  const again = await writer.write(
    callRecord({ contact: { externalId: '1', name: 'Ann Lee' }, notes: 'Wants <b>a</b> call back\nTuesday' }),
    ref,
    signal,
  );
  assert.equal(again.id, ref.id);
  assert.equal(fake.activities.size, before + 1, 'an update, never a second activity');
  assert.equal(created?.updates, 1);
  assert.match(String(created?.body.note), /Wants &lt;b&gt;a&lt;\/b&gt; call back<br>Tuesday/);
});

test('write: a caller not in Pipedrive is logged without a person', async () => {
  const writer = createPipedriveWriter(config());
  const ref = await writer!.write(callRecord({ contact: null }), null, signal);
  assert.equal(fake.activities.get(Number(ref.id))?.body.person_id, undefined);
  assert.equal(ref.url, null);
});

test('write: 429 is a retryable CrmWriteError carrying the wait', async () => {
  fake.rateLimit(1, 7);
  const error = await failureOf(createPipedriveWriter(config())!.write(callRecord(), null, signal));
  assert.ok(error instanceof CrmWriteError);
  assert.deepEqual([error.retryable, error.status, error.retryAfterSeconds], [true, 429, 7]);
});

test('write: 400 and 404 are not retryable', async () => {
  fake.http.inject(1, { status: 400, body: { success: false, error: 'Invalid subject', errorCode: 400 } });
  const bad = await failureOf(createPipedriveWriter(config())!.write(callRecord(), null, signal));
  assert.ok(bad instanceof CrmWriteError);
  assert.deepEqual([bad.retryable, bad.status], [false, 400]);
  const gone = await failureOf(
    createPipedriveWriter(config())!.write(callRecord(), { id: '424242', url: null }, signal),
  );
  assert.ok(gone instanceof CrmWriteError);
  assert.deepEqual([gone.retryable, gone.status], [false, 404]);
});

test('write: "log": false means no writer', () => {
  assert.equal(createPipedriveWriter(config({ log: false })), null);
});

test('find: the activity a lost create made is found by its note; none for another call or without a person', async () => {
  const writer = createPipedriveWriter(config())!;
  const record = callRecord({ callId: 'call-lost-answer', contact: { externalId: '2', name: 'Bob Ray' } });
  assert.equal(await writer.find!(record, signal), null);
  await writer.write({ ...record, callId: 'call-lost-answer-2' }, null, signal);
  assert.equal(await writer.find!(record, signal), null, 'a longer call id is another call');
  const ref = await writer.write(record, null, signal);
  assert.deepEqual(await writer.find!(record, signal), ref);
  assert.equal(await writer.find!({ ...record, callId: 'call-other' }, signal), null);
  assert.equal(await writer.find!({ ...record, contact: null }, signal), null);
});
