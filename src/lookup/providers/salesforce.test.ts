import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../provider.ts';
import { startSalesforceFake } from '../testing/crm-fakes/salesforce-fake.ts';
import type { SalesforceFake } from '../testing/crm-fakes/salesforce-fake.ts';
import { callRecord, failureOf, numberOf } from '../testing/crm-fakes/records.ts';
import { TestClock } from '../testing/values.ts';
import { CrmWriteError } from './call-record.ts';
import { parseProviders, providerProblems } from './provider-config.ts';
import { createSalesforceProvider, phoneSearch } from './salesforce.ts';
import { createSalesforceWriter } from './salesforce-task.ts';
import type { SalesforceConfig } from './salesforce.ts';

const ANN = '003000000000001AAA';
const LEAD = '00Q000000000002AAA';
const ACCOUNT = '001000000000003AAA';
const env = { SF_ID: 'client-1', SF_SECRET: 'secret-1', SF_TOKEN: 'static-token' };
let fake: SalesforceFake;

before(async () => {
  fake = await startSalesforceFake({
    clientId: env.SF_ID,
    clientSecret: env.SF_SECRET,
    staticToken: env.SF_TOKEN,
    records: [
      {
        type: 'Contact',
        id: ANN,
        name: 'Ann Lee',
        phone: '(312) 555-0140',
        email: 'ann@acme.test',
        company: 'Acme',
        owner: 'Olga Owner',
      },
      { type: 'Lead', id: LEAD, name: 'Leo Lead', phone: '+1 312 555 0177', company: 'Prospect Inc' },
      { type: 'Account', id: ACCOUNT, name: 'Twin Corp', phone: '312.555.0177', owner: 'Olga Owner' },
    ],
    cases: [
      {
        id: '500000000000001AAA',
        number: '00001001',
        subject: 'Dryer broken',
        status: 'New',
        closed: false,
        contactId: ANN,
      },
      {
        id: '500000000000002AAA',
        number: '00001002',
        subject: 'Parts',
        status: 'Working',
        closed: false,
        contactId: ANN,
      },
      {
        id: '500000000000003AAA',
        number: '00001003',
        subject: 'Old',
        status: 'Closed',
        closed: true,
        contactId: ANN,
      },
      {
        id: '500000000000004AAA',
        number: '00001004',
        subject: 'Invoice',
        status: 'New',
        closed: false,
        accountId: ACCOUNT,
      },
    ],
  });
});
after(() => fake.close());

function config(extra: Record<string, unknown> = {}, given: Record<string, string> = env) {
  const entry = { type: 'salesforce', name: 'salesforce', instanceUrl: fake.base, timeoutMs: 5000 };
  const auth = { clientId: '${SF_ID}', clientSecret: '${SF_SECRET}' };
  const [c] = parseProviders(JSON.stringify([{ ...entry, ...auth, ...extra }]), given);
  assert.ok(c?.type === 'salesforce');
  return c as SalesforceConfig;
}

const signal = new AbortController().signal;
const provider = (c = config()) => createSalesforceProvider(c, new TestClock(1000));

test('config: client credentials or an access token, as env references; a version like v62.0', () => {
  const where = 'SCREENPOP_LOOKUP_PROVIDERS[0] ("sf")';
  const base = { type: 'salesforce', name: 'sf', instanceUrl: 'https://acme.my.salesforce.com' };
  assert.deepEqual(providerProblems(JSON.stringify([{ ...base, clientId: '${A}' }]), { A: 'a' }), [
    `${where}.clientId: set either clientId and clientSecret, or accessToken`,
  ]);
  assert.deepEqual(
    providerProblems(
      JSON.stringify([{ ...base, instanceUrl: 'ftp://x', accessToken: 'raw', apiVersion: '62' }]),
      {},
    ),
    [
      `${where}.instanceUrl: Invalid URL`,
      `${where}.apiVersion: like v62.0`,
      `${where}.accessToken: must be an \${ENV_VAR} reference, not the secret itself`,
    ],
  );
  const c = config();
  assert.equal(c.apiVersion, 'v62.0');
  assert.deepEqual(c.auth, { kind: 'client', clientId: 'client-1', clientSecret: 'secret-1' });
});

test('the SOSL searches phone fields for the national digits over Contact, Lead and Account', () => {
  assert.match(
    phoneSearch(numberOf('+13125550140')),
    /^FIND \{3125550140\} IN PHONE FIELDS RETURNING Contact\(.*\), Lead\(.*\), Account\(.*\) LIMIT 25$/,
  );
});

test('lookup: a Contact with account, owner, open Cases, link and Salesforce id (client credentials)', async () => {
  const [ann, ...rest] = await provider().find(numberOf('+13125550140'), signal);
  assert.equal(rest.length, 0);
  assert.equal(ann?.name, 'Ann Lee');
  assert.equal(ann?.company, 'Acme');
  assert.deepEqual(ann?.custom, { owner: 'Olga Owner' });
  assert.equal(ann?.externalId, ANN);
  assert.equal(ann?.recordUrl, `${fake.base}/lightning/r/Contact/${ANN}/view`);
  assert.deepEqual(
    ann?.tickets.map((t) => [t.id, t.title, t.status]),
    [
      ['00001001', 'Dryer broken', 'New'],
      ['00001002', 'Parts', 'Working'],
    ],
  );
  assert.ok(fake.issued.length >= 1, 'a token from the client credentials flow');
});

test('lookup: a Lead and an Account on one number; no match is empty', async () => {
  const found = await provider().find(numberOf('+13125550177'), signal);
  assert.deepEqual(
    found.map((c) => [c.name, c.company, c.tickets.length]),
    [
      ['Leo Lead', 'Prospect Inc', 0],
      ['Twin Corp', 'Twin Corp', 1],
    ],
  );
  assert.deepEqual(await provider().find(numberOf('+13125550000'), signal), []);
});

test('lookup: Case query pages are followed (nextRecordsUrl)', async () => {
  fake.pageSize = 1;
  try {
    const [ann] = await provider().find(numberOf('+13125550140'), signal);
    assert.equal(ann?.tickets.length, 2);
    assert.ok(fake.http.seen.some((r) => /\/query\/01gFAKE/.test(r.path)));
  } finally {
    fake.pageSize = 2000;
  }
});

test('lookup: an expired session gets one new token and the request is retried', async () => {
  const c = config();
  const p = provider(c);
  await p.find(numberOf('+13125550140'), signal);
  const tokens = fake.issued.length;
  fake.expireSessions();
  assert.equal((await p.find(numberOf('+13125550140'), signal)).length, 1);
  assert.equal(fake.issued.length, tokens + 1);
});

test('lookup: bad client credentials and a dead access token are ProviderErrors, not retryable', async () => {
  const bad = await failureOf(
    provider(config({}, { ...env, SF_SECRET: 'nope' })).find(numberOf('+13125550140'), signal),
  );
  assert.ok(bad instanceof ProviderError);
  assert.deepEqual([bad.message, bad.retryable], ['token request failed: HTTP 400 invalid_client', false]);
  const dead = config(
    { clientId: undefined, clientSecret: undefined, accessToken: '${SF_TOKEN}' },
    { SF_TOKEN: 'revoked' },
  );
  const error = await failureOf(provider(dead).find(numberOf('+13125550140'), signal));
  assert.ok(error instanceof ProviderError);
  assert.deepEqual([error.message, error.retryable], ['HTTP 401 INVALID_SESSION_ID', false]);
});

test('lookup: the API limit (403 REQUEST_LIMIT_EXCEEDED, Salesforce has no 429) is retryable', async () => {
  const c = config({ clientId: undefined, clientSecret: undefined, accessToken: '${SF_TOKEN}' });
  fake.limitExceeded(1);
  const error = await failureOf(provider(c).find(numberOf('+13125550140'), signal));
  assert.ok(error instanceof ProviderError);
  assert.equal(error.retryable, true);
  assert.match(error.message, /REQUEST_LIMIT_EXCEEDED/);
});

test('write: a completed call Task on the Contact, then PATCHed in place with the notes', async () => {
  const writer = createSalesforceWriter(config());
  assert.ok(writer);
  const before = fake.tasks.size;
  const ref = await writer.write(callRecord({ contact: { externalId: ANN, name: 'Ann Lee' } }), null, signal);
  const task = fake.tasks.get(ref.id);
  assert.equal(fake.tasks.size, before + 1);
  assert.deepEqual(
    [
      task?.fields.WhoId,
      task?.fields.Status,
      task?.fields.TaskSubtype,
      task?.fields.CallType,
      task?.fields.CallDurationInSeconds,
    ],
    [ANN, 'Completed', 'Call', 'Inbound', 125],
  );
  assert.equal(task?.fields.CallObject, 'call-1');
  assert.equal(ref.url, `${fake.base}/lightning/r/Task/${ref.id}/view`);

  const again = await writer.write(
    callRecord({
      contact: { externalId: ANN, name: 'Ann Lee' },
      notes: 'Call back',
      disposition: 'follow-up',
    }),
    ref,
    signal,
  );
  assert.equal(again.id, ref.id);
  assert.equal(fake.tasks.size, before + 1, 'the same Task, never a second one');
  assert.equal(task?.updates, 1);
  assert.equal(task?.fields.CallDisposition, 'follow-up');
  assert.match(String(task?.fields.Description), /Call back/);
});

test('write: an Account goes to WhatId, a Lead to WhoId, an unknown caller to neither', async () => {
  const writer = createSalesforceWriter(config())!;
  const onAccount = await writer.write(
    callRecord({ contact: { externalId: ACCOUNT, name: 'Twin' } }),
    null,
    signal,
  );
  assert.deepEqual(
    [fake.tasks.get(onAccount.id)?.fields.WhatId, fake.tasks.get(onAccount.id)?.fields.WhoId],
    [ACCOUNT, undefined],
  );
  const onLead = await writer.write(callRecord({ contact: { externalId: LEAD, name: 'Leo' } }), null, signal);
  assert.equal(fake.tasks.get(onLead.id)?.fields.WhoId, LEAD);
  const alone = await writer.write(callRecord({ contact: null }), null, signal);
  assert.deepEqual(
    [fake.tasks.get(alone.id)?.fields.WhoId, fake.tasks.get(alone.id)?.fields.WhatId],
    [undefined, undefined],
  );
});

test('write: the API limit is retryable; 400 and 404 are not', async () => {
  const writer = createSalesforceWriter(
    config({ clientId: undefined, clientSecret: undefined, accessToken: '${SF_TOKEN}' }),
  )!;
  fake.limitExceeded(1);
  const limited = await failureOf(writer.write(callRecord(), null, signal));
  assert.ok(limited instanceof CrmWriteError);
  assert.deepEqual([limited.retryable, limited.status, limited.retryAfterSeconds], [true, 403, null]);

  const invalid = await failureOf(
    writer.write(callRecord({ contact: { externalId: '003999999999999AAA', name: 'x' } }), null, signal),
  );
  assert.ok(invalid instanceof CrmWriteError);
  assert.deepEqual(
    [invalid.retryable, invalid.status, invalid.message],
    [false, 400, 'HTTP 400 FIELD_INTEGRITY_EXCEPTION'],
  );

  const gone = await failureOf(writer.write(callRecord(), { id: '00T999999999999AAA', url: null }, signal));
  assert.ok(gone instanceof CrmWriteError);
  assert.deepEqual([gone.retryable, gone.status], [false, 404]);
});

test('write: a 503 from Salesforce is retryable', async () => {
  const writer = createSalesforceWriter(
    config({ clientId: undefined, clientSecret: undefined, accessToken: '${SF_TOKEN}' }),
  )!;
  fake.http.inject(1, {
    status: 503,
    body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down for maintenance' }],
  });
  const error = await failureOf(writer.write(callRecord(), null, signal));
  assert.ok(error instanceof CrmWriteError);
  assert.deepEqual([error.retryable, error.status], [true, 503]);
});

test('find: the Task made for the call is found again by CallObject (quotes escaped); none for another call', async () => {
  const writer = createSalesforceWriter(config())!;
  const record = callRecord({ callId: "call-'lost'\\answer" });
  assert.equal(await writer.find!(record, signal), null);
  const ref = await writer.write(record, null, signal);
  assert.deepEqual(await writer.find!(record, signal), ref);
  assert.equal(await writer.find!(callRecord({ callId: 'call-other' }), signal), null);
});
