import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../provider.ts';
import { startZendeskFake } from '../testing/crm-fakes/zendesk-fake.ts';
import type { ZendeskFake } from '../testing/crm-fakes/zendesk-fake.ts';
import { callRecord, failureOf, numberOf } from '../testing/crm-fakes/records.ts';
import { TestClock } from '../testing/values.ts';
import { CrmWriteError } from './call-record.ts';
import { parseProviders, providerProblems } from './provider-config.ts';
import { createZendeskProvider, createZendeskWriter } from './zendesk.ts';
import type { ZendeskConfig } from './zendesk.ts';

const EMAIL = 'bot@acme.test';
const TOKEN = 'zd-token-456';
let fake: ZendeskFake;

before(async () => {
  fake = await startZendeskFake({
    email: EMAIL,
    token: TOKEN,
    users: [
      { id: 1, name: 'Ann Lee', phone: '+1 (312) 555-0140', email: 'ann@acme.test', organizationId: 50 },
      { id: 2, name: 'Bob Ray', phone: '312-555-0177' },
      { id: 3, name: 'Cy Twin', phone: '+13125550177' },
      ...[10, 11, 12, 13, 14].map((id) => ({ id, name: `Shared ${id}`, phone: '312 555 0199' })),
    ],
    tickets: [
      { id: 900, requesterId: 1, subject: 'Dryer broken', status: 'open' },
      { id: 901, requesterId: 1, subject: 'Waiting on parts', status: 'pending' },
      { id: 902, requesterId: 1, subject: 'Old question', status: 'solved' },
    ],
    organizations: [{ id: 50, name: 'Acme' }],
  });
});
after(() => fake.close());

function config(extra: Record<string, unknown> = {}, env: Record<string, string> = { ZD_TOKEN: TOKEN }) {
  const entry = { type: 'zendesk', name: 'zendesk', subdomain: 'acme', apiUrl: fake.base, timeoutMs: 5000 };
  const [c] = parseProviders(
    JSON.stringify([{ ...entry, email: EMAIL, apiToken: '${ZD_TOKEN}', ...extra }]),
    env,
  );
  assert.ok(c?.type === 'zendesk');
  return c as ZendeskConfig;
}

const signal = new AbortController().signal;
const provider = (c = config()) => createZendeskProvider(c, new TestClock(1000));

test('config: email and token, or an OAuth token; secrets only as env references', () => {
  const where = 'SCREENPOP_LOOKUP_PROVIDERS[0] ("zd")';
  assert.deepEqual(
    providerProblems(JSON.stringify([{ type: 'zendesk', name: 'zd', subdomain: 'acme' }]), {}),
    [`${where}.apiToken: set either email and apiToken, or oauthToken`],
  );
  assert.deepEqual(
    providerProblems(
      JSON.stringify([
        { type: 'zendesk', name: 'zd', subdomain: 'acme', oauthToken: 'abc', ticketStatus: 'closed' },
      ]),
      {},
    ),
    [
      `${where}.oauthToken: must be an \${ENV_VAR} reference, not the secret itself`,
      `${where}.ticketStatus: Invalid option: expected one of "new"|"open"|"pending"|"solved"`,
    ],
  );
  assert.equal(config({ apiUrl: undefined }).api, 'https://acme.zendesk.com');
});

test('lookup: the user with organization, open tickets only, link and Zendesk id', async () => {
  const [ann, ...rest] = await provider().find(numberOf('+13125550140'), signal);
  assert.equal(rest.length, 0);
  assert.equal(ann?.name, 'Ann Lee');
  assert.equal(ann?.company, 'Acme');
  assert.equal(ann?.externalId, '1');
  assert.equal(ann?.recordUrl, 'https://acme.zendesk.com/agent/users/1');
  assert.deepEqual(
    ann?.tickets.map((t) => [t.id, t.status, t.url]),
    [
      ['900', 'open', 'https://acme.zendesk.com/agent/tickets/900'],
      ['901', 'pending', 'https://acme.zendesk.com/agent/tickets/901'],
    ],
  );
  const search = fake.http.seen.find((r) => r.path === '/api/v2/search.json');
  assert.equal(search?.query.get('query'), 'type:user phone:*3125550140');
  assert.match(String(search?.headers.authorization), /^Basic /);
});

test('lookup: an unknown number is no contacts', async () => {
  assert.deepEqual(await provider().find(numberOf('+13125550000'), signal), []);
});

test('lookup: several users on one number', async () => {
  const names = (await provider().find(numberOf('+13125550177'), signal)).map((c) => c.name);
  assert.deepEqual(names.sort(), ['Bob Ray', 'Cy Twin']);
});

test('lookup: next_page is followed, on the API origin only', async () => {
  fake.pageSize = 2;
  try {
    const found = await provider().find(numberOf('+13125550199'), signal);
    assert.equal(found.length, 5);
    const pages = fake.http.seen.filter((r) => r.query.get('query') === 'type:user phone:*3125550199');
    assert.deepEqual(
      pages.map((r) => r.query.get('page')),
      [null, '2', '3'],
    );
  } finally {
    fake.pageSize = 100;
  }
});

test('lookup: an OAuth token is sent as a bearer token', async () => {
  const c = config({ email: undefined, apiToken: undefined, oauthToken: '${ZD_OAUTH}' }, { ZD_OAUTH: TOKEN });
  assert.equal((await provider(c).find(numberOf('+13125550140'), signal)).length, 1);
});

test('lookup: bad credentials are a ProviderError (401), not retryable', async () => {
  const error = await failureOf(
    provider(config({}, { ZD_TOKEN: 'nope' })).find(numberOf('+13125550140'), signal),
  );
  assert.ok(error instanceof ProviderError);
  assert.deepEqual([error.message, error.retryable], ['HTTP 401', false]);
});

test('lookup: 429 is retryable with Zendesk Retry-After', async () => {
  fake.rateLimit(1, 45);
  const error = await failureOf(provider().find(numberOf('+13125550140'), signal));
  assert.ok(error instanceof ProviderError);
  assert.deepEqual([error.retryable, error.retryAfterSeconds], [true, 45]);
});

test('write: one private ticket per call, then the notes as a private comment on that ticket', async () => {
  const writer = createZendeskWriter(config());
  assert.ok(writer);
  const before = fake.logged.size;
  const ref = await writer.write(callRecord({ contact: { externalId: '1', name: 'Ann Lee' } }), null, signal);
  const ticket = fake.logged.get(Number(ref.id));
  assert.equal(fake.logged.size, before + 1);
  assert.equal(ticket?.created.requester_id, 1);
  assert.equal(ticket?.status, 'solved');
  assert.equal(ticket?.created.external_id, 'screenpop:call-1');
  assert.deepEqual(
    ticket?.comments.map((c) => c.public),
    [false],
  );
  assert.equal(ref.url, `https://acme.zendesk.com/agent/tickets/${ref.id}`);

  const again = await writer.write(
    callRecord({ notes: 'Call back Tuesday', disposition: 'follow-up' }),
    ref,
    signal,
  );
  assert.equal(again.id, ref.id);
  assert.equal(fake.logged.size, before + 1, 'the same ticket, never a second one');
  assert.equal(ticket?.comments.length, 2);
  assert.equal(ticket?.comments[1]?.public, false);
  assert.match(ticket?.comments[1]?.body ?? '', /Disposition: follow-up\n\nCall back Tuesday/);
});

test('write: a missed call stays open (a call back is owed)', async () => {
  const ref = await createZendeskWriter(config())!.write(
    callRecord({ outcome: 'missed', talkSeconds: 0, answeredAt: null, agent: null, contact: null }),
    null,
    signal,
  );
  const ticket = fake.logged.get(Number(ref.id));
  assert.equal(ticket?.status, 'open');
  assert.equal(ticket?.created.requester_id, undefined);
});

test('write: 429 is retryable with its wait; 422 validation and 404 are not', async () => {
  const writer = createZendeskWriter(config())!;
  fake.rateLimit(1, 30);
  const limited = await failureOf(writer.write(callRecord(), null, signal));
  assert.ok(limited instanceof CrmWriteError);
  assert.deepEqual([limited.retryable, limited.status, limited.retryAfterSeconds], [true, 429, 30]);

  const invalid = await failureOf(
    writer.write(callRecord({ contact: { externalId: '777', name: 'Gone' } }), null, signal),
  );
  assert.ok(invalid instanceof CrmWriteError);
  assert.deepEqual(
    [invalid.retryable, invalid.status, invalid.message],
    [false, 422, 'HTTP 422 RecordInvalid'],
  );

  const gone = await failureOf(writer.write(callRecord(), { id: '1', url: null }, signal));
  assert.ok(gone instanceof CrmWriteError);
  assert.deepEqual([gone.retryable, gone.status], [false, 404]);
});

test('find: a ticket created for the call is found again by its external_id; none for another call', async () => {
  const writer = createZendeskWriter(config())!;
  const record = callRecord({ callId: 'call-lost-answer' });
  assert.equal(await writer.find!(record, signal), null);
  const ref = await writer.write(record, null, signal);
  assert.deepEqual(await writer.find!(record, signal), ref);
  assert.equal(await writer.find!(callRecord({ callId: 'call-other' }), signal), null);
});

test('lookup: a next_page on another origin is not followed (the credentials stay with Zendesk)', async () => {
  const user = { result_type: 'user', id: 2, name: 'Bob Ray', phone: '312-555-0177' };
  fake.http.inject(1, {
    status: 200,
    body: { results: [user], next_page: 'http://127.0.0.2:9/api/v2/search.json?page=2', count: 9 },
  });
  const found = await provider().find(numberOf('+13125550177'), signal);
  assert.deepEqual(
    found.map((c) => c.name),
    ['Bob Ray'],
  );
});
