// The "hubspot" provider kind against the local HubSpot fake: config, lookup by phone, call logging, and errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeHubSpot } from '../testing/hubspot-fake.ts';
import type { FakeHubSpot } from '../testing/hubspot-fake.ts';
import { CrmWriteError } from './call-record.ts';
import type { CrmCallRecord } from './call-record.ts';
import { parseProviders, providerProblems } from './provider-config.ts';
import { createProvider, createWriter } from './provider-kinds.ts';

const clock = { now: () => 1_700_000_000_000 };
const number = { e164: '+13125550123', national: '3125550123', raw: '(312) 555-0123' };
const signal = new AbortController().signal;
let hub: FakeHubSpot;
let ada: string;

before(async () => {
  hub = await startFakeHubSpot();
  hub.owners.set('77', { id: '77', email: 'sam@example.com', firstName: 'Sam', lastName: 'Owner' });
  const company = hub.add('companies', { name: 'Analytical Engines Ltd' });
  ada = hub.add(
    'contacts',
    {
      firstname: 'Ada',
      lastname: 'Lovelace',
      phone: '+13125550123',
      associatedcompanyid: company,
      hubspot_owner_id: '77',
    },
    { companies: [company] },
  );
  hub.add('contacts', { firstname: 'Other', lastname: 'Person', phone: '+13125550999' });
  hub.add('tickets', { subject: 'Dryer makes noise', closed_date: null }, { contacts: [ada] });
  hub.add('tickets', { subject: 'Old closed one', closed_date: '2024-01-01T00:00:00Z' }, { contacts: [ada] });
});
after(() => hub.close());

function config(extra: Record<string, unknown> = {}, token = hub.token) {
  const [c] = parseProviders(
    JSON.stringify([
      { type: 'hubspot', name: 'hubspot', token: '${HUBSPOT_TOKEN}', apiUrl: hub.url, ...extra },
    ]),
    { HUBSPOT_TOKEN: token },
  );
  assert.ok(c?.type === 'hubspot');
  return c;
}

const record: CrmCallRecord = {
  callId: 'call-1',
  direction: 'inbound',
  from: '+13125550123',
  to: '+13125550140',
  startedAt: 1_700_000_000_000,
  answeredAt: 1_700_000_005_000,
  endedAt: 1_700_000_065_000,
  talkSeconds: 60,
  outcome: 'answered',
  agent: { principal: 'priya@example.com', name: 'Priya' },
  notes: null,
  disposition: null,
  contact: null,
};

test('an entry needs its token as an environment reference, and names a missing variable', () => {
  const typed = providerProblems(
    JSON.stringify([{ type: 'hubspot', name: 'hs', token: 'pat-na1-literal' }]),
    {},
  );
  assert.match(typed.join('\n'), /token: reference the token from the environment/);
  const unset = providerProblems(JSON.stringify([{ type: 'hubspot', name: 'hs', token: '${HS_TOKEN}' }]), {});
  assert.match(unset.join('\n'), /token: environment variable HS_TOKEN is not set/);
  const bad = providerProblems(
    JSON.stringify([{ type: 'hubspot', name: 'hs', token: '${T}', apiUrl: 'ftp://x' }]),
    { T: 't' },
  );
  assert.match(bad.join('\n'), /apiUrl: must be an http\(s\) URL/);
});

test('a caller is found by phone with company, owner, open tickets and record link', async () => {
  const [contact, ...rest] = await createProvider(config(), clock).find(number, signal);
  assert.equal(rest.length, 0);
  assert.ok(contact);
  assert.equal(contact.id, `provider:hubspot:${ada}`);
  assert.equal(contact.name, 'Ada Lovelace');
  assert.equal(contact.company, 'Analytical Engines Ltd');
  assert.deepEqual(contact.custom, { owner: 'Sam Owner' });
  assert.deepEqual(
    contact.tickets.map((t) => t.title),
    ['Dryer makes noise'],
  );
  assert.equal(contact.recordUrl, `https://app.hubspot.com/contacts/${hub.portalId}/record/0-1/${ada}`);
  assert.equal(contact.externalId, ada);
  assert.ok(hub.requests.every((r) => r.authorized));
});

test('a company that is gone (404) leaves the company out, not the caller', async () => {
  const lost = hub.add('contacts', {
    firstname: 'Lost',
    lastname: 'Company',
    phone: '+13125550555',
    associatedcompanyid: '999999',
    company: 'Typed Co',
  });
  const [contact] = await createProvider(config(), clock).find(
    { ...number, e164: '+13125550555', national: null },
    signal,
  );
  assert.equal(contact?.externalId, lost);
  assert.equal(contact?.company, 'Typed Co');
});

test('search results are read across pages (paging.next.after)', async () => {
  for (let i = 0; i < 4; i++) {
    hub.add('contacts', { firstname: `Shared${i}`, lastname: 'Line', mobilephone: '+13125550777' });
  }
  hub.requests.length = 0;
  const found = await createProvider(config(), clock).find(
    { ...number, e164: '+13125550777', national: null },
    signal,
  );
  assert.equal(found.length, 4);
  const searches = hub.requests.filter((r) => r.path === '/crm/v3/objects/contacts/search');
  assert.equal(searches.length, 1, 'four fit one page of five');
});

test('a wrong token and a rate limit become provider errors a person can act on', async () => {
  await assert.rejects(
    createProvider(config({}, 'wrong'), clock).find(number, signal),
    /HubSpot HTTP 401 INVALID_AUTHENTICATION/,
  );
  hub.rateLimitNext(1);
  await assert.rejects(createProvider(config(), clock).find(number, signal), /HubSpot HTTP 429 RATE_LIMIT/);
});

test('a call is logged once as a calls engagement on the contact, then updated in place with the notes', async () => {
  const writer = createWriter(config(), clock);
  assert.ok(writer);
  const withContact = { ...record, callId: 'call-2', contact: { externalId: ada, name: 'Ada Lovelace' } };
  const ref = await writer.write(withContact, null, signal);
  const call = hub.objects.calls.get(ref.id);
  assert.ok(call);
  assert.deepEqual(call.associations.contacts, [ada]);
  assert.equal(call.properties.hs_call_duration, '60000');
  assert.equal(call.properties.hs_call_direction, 'INBOUND');
  assert.equal(call.properties.hs_call_status, 'COMPLETED');
  assert.equal(call.properties.hs_call_external_id, 'call-2');
  assert.equal(ref.url, `https://app.hubspot.com/contacts/${hub.portalId}/record/0-1/${ada}`);
  const count = hub.objects.calls.size;
  const again = await writer.write(
    { ...withContact, notes: 'Part ordered', disposition: 'resolved' },
    ref,
    signal,
  );
  assert.equal(again.id, ref.id);
  assert.equal(hub.objects.calls.size, count, 'no second record');
  assert.match(call.properties.hs_call_body ?? '', /Disposition: resolved\nPart ordered/);
  assert.deepEqual(await writer.find?.(withContact, signal), ref, 'found again by the call id it stored');
  assert.equal(await writer.find?.({ ...record, callId: 'never-written' }, signal), null);
});

test('write failures say whether a retry may help: 429 (with its wait) yes, 400 and 401 no', async () => {
  const writer = createWriter(config(), clock);
  assert.ok(writer);
  hub.rateLimitNext(1);
  const limited = await writer.write(record, null, signal).catch((e: unknown) => e);
  assert.ok(limited instanceof CrmWriteError);
  assert.deepEqual([limited.retryable, limited.status, limited.retryAfterSeconds], [true, 429, 1]);
  const invalid = await writer
    .write({ ...record, contact: { externalId: 'no-such-contact', name: 'x' } }, null, signal)
    .catch((e: unknown) => e);
  assert.ok(invalid instanceof CrmWriteError);
  assert.deepEqual([invalid.retryable, invalid.status], [false, 400]);
  const denied = await createWriter(config({}, 'wrong'), clock)!
    .write(record, null, signal)
    .catch((e: unknown) => e);
  assert.ok(denied instanceof CrmWriteError);
  assert.deepEqual([denied.retryable, denied.status], [false, 401]);
  assert.equal(denied.message.includes('wrong'), false, 'the token is never in a message');
  await hub.down();
  const refused = await writer.write(record, null, signal).catch((e: unknown) => e);
  await hub.up();
  assert.ok(refused instanceof CrmWriteError);
  assert.deepEqual([refused.retryable, refused.status], [true, null]);
});

test('logCalls: false makes no writer', () => {
  assert.equal(createWriter(config({ logCalls: false }), clock), null);
});
