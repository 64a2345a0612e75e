import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../provider.ts';
import { startFreshdeskFake } from '../testing/crm-fakes/freshdesk-fake.ts';
import type { FreshdeskFake } from '../testing/crm-fakes/freshdesk-fake.ts';
import { callRecord, failureOf, numberOf } from '../testing/crm-fakes/records.ts';
import { TestClock } from '../testing/values.ts';
import { CrmWriteError } from './call-record.ts';
import { createFreshdeskProvider, createFreshdeskWriter, phoneQuery } from './freshdesk.ts';
import type { FreshdeskConfig } from './freshdesk.ts';
import { parseProviders, providerProblems } from './provider-config.ts';

const KEY = 'fd-key-789';
const DAY = 86_400_000;
let fake: FreshdeskFake;
const now = Date.now();
const clock = new TestClock(now);

before(async () => {
  fake = await startFreshdeskFake({
    apiKey: KEY,
    contacts: [
      { id: 1, name: 'Ann Lee', phone: '+13125550140', email: 'ann@acme.test', companyId: 60 },
      { id: 2, name: 'Bob Ray', mobile: '3125550177' },
      { id: 3, name: 'Cy Twin', phone: '+13125550177' },
      { id: 4, name: 'Dee NoTickets', phone: '+13125550188' },
      { id: 5, name: 'Eve Typed', phone: '(312) 555-0166' },
      ...[10, 11, 12, 13, 14].map((id) => ({ id, name: `Shared ${id}`, phone: '3125550199' })),
    ],
    companies: [{ id: 60, name: 'Acme' }],
    tickets: [
      { id: 300, requesterId: 1, subject: 'Dryer broken', status: 2, updatedAt: now - DAY },
      { id: 301, requesterId: 1, subject: 'Waiting on parts', status: 3, updatedAt: now - 2 * DAY },
      { id: 302, requesterId: 1, subject: 'Done long ago', status: 5, updatedAt: now - 3 * DAY },
    ],
  });
});
after(() => fake.close());

function config(extra: Record<string, unknown> = {}, env: Record<string, string> = { FD_KEY: KEY }) {
  const entry = { type: 'freshdesk', name: 'freshdesk', domain: 'acme', apiUrl: fake.base, timeoutMs: 5000 };
  const [c] = parseProviders(JSON.stringify([{ ...entry, apiKey: '${FD_KEY}', ...extra }]), env);
  assert.ok(c?.type === 'freshdesk');
  return c as FreshdeskConfig;
}

const signal = new AbortController().signal;
const provider = (c = config()) => createFreshdeskProvider(c, clock);
const writer = () => createFreshdeskWriter(config(), clock)!;

test('config: the API key must be an env reference; a domain, not a URL', () => {
  const where = 'SCREENPOP_LOOKUP_PROVIDERS[0] ("fd")';
  assert.deepEqual(
    providerProblems(
      JSON.stringify([{ type: 'freshdesk', name: 'fd', domain: 'https://acme.freshdesk.com' }]),
      {},
    ),
    [
      `${where}.domain: the account name only (acme for acme.example.com)`,
      `${where}.apiKey: Invalid input: expected string, received undefined`,
    ],
  );
  assert.deepEqual(
    providerProblems(
      JSON.stringify([{ type: 'freshdesk', name: 'fd', domain: 'acme', apiKey: '${FD}', extra: 1 }]),
      { FD: 'k' },
    ),
    [`${where}: Unrecognized key: "extra"`],
  );
  assert.equal(config({ apiUrl: undefined }).api, 'https://acme.freshdesk.com');
});

test('the search query asks phone and mobile in the forms people type the number', () => {
  const forms = ['+13125550140', '3125550140', '(312) 555-0140', '+1 312 555 0140'];
  const terms = forms.flatMap((f) => [`phone:'${f}'`, `mobile:'${f}'`]);
  assert.equal(phoneQuery(numberOf('+13125550140')), `"${terms.join(' OR ')}"`);
});

test('lookup: a number typed "(312) 555-0140" in Freshdesk is found', async () => {
  const found = await provider().find(numberOf('+13125550166'), signal);
  assert.deepEqual(
    found.map((c) => c.name),
    ['Eve Typed'],
  );
});

test('lookup: the contact with company, open tickets only, link and Freshdesk id', async () => {
  const [ann, ...rest] = await provider().find(numberOf('+13125550140'), signal);
  assert.equal(rest.length, 0);
  assert.equal(ann?.name, 'Ann Lee');
  assert.equal(ann?.company, 'Acme');
  assert.equal(ann?.externalId, '1');
  assert.equal(ann?.recordUrl, 'https://acme.freshdesk.com/a/contacts/1');
  assert.deepEqual(
    ann?.tickets.map((t) => [t.id, t.status, t.url]),
    [
      ['300', 'open', 'https://acme.freshdesk.com/a/tickets/300'],
      ['301', 'pending', 'https://acme.freshdesk.com/a/tickets/301'],
    ],
  );
  const auth = fake.http.seen.find((r) => r.path === '/api/v2/search/contacts')?.headers.authorization;
  assert.equal(auth, `Basic ${Buffer.from(`${KEY}:X`).toString('base64')}`);
});

test('lookup: unknown number → none; phone and mobile matches → several', async () => {
  assert.deepEqual(await provider().find(numberOf('+13125550000'), signal), []);
  const names = (await provider().find(numberOf('+13125550177'), signal)).map((c) => c.name);
  assert.deepEqual(names.sort(), ['Bob Ray', 'Cy Twin']);
});

test('lookup: search pages are followed up to the total', async () => {
  fake.pageSize = 2;
  try {
    assert.equal((await provider().find(numberOf('+13125550199'), signal)).length, 5);
    const pages = fake.http.seen.filter(
      (r) => r.path === '/api/v2/search/contacts' && (r.query.get('query') ?? '').includes('3125550199'),
    );
    assert.deepEqual(
      pages.map((r) => r.query.get('page')),
      ['1', '2', '3'],
    );
  } finally {
    fake.pageSize = 30;
  }
});

test('lookup: a wrong key is a ProviderError (401); 429 is retryable with Retry-After', async () => {
  const denied = await failureOf(
    provider(config({}, { FD_KEY: 'wrong' })).find(numberOf('+13125550140'), signal),
  );
  assert.ok(denied instanceof ProviderError);
  assert.deepEqual([denied.message, denied.retryable], ['HTTP 401 invalid_credentials', false]);
  fake.rateLimit(1, 12);
  const limited = await failureOf(provider().find(numberOf('+13125550140'), signal));
  assert.ok(limited instanceof ProviderError);
  assert.deepEqual([limited.retryable, limited.retryAfterSeconds], [true, 12]);
});

test("write: a private note on the caller's latest open ticket, edited in place on update", async () => {
  const notesBefore = fake.notes.size;
  const ticketsBefore = fake.tickets.size;
  const ref = await writer().write(
    callRecord({ contact: { externalId: '1', name: 'Ann Lee' } }),
    null,
    signal,
  );
  assert.match(ref.id, /^note:\d+$/);
  assert.equal(ref.url, 'https://acme.freshdesk.com/a/tickets/300');
  const note = fake.notes.get(Number(ref.id.slice(5)));
  assert.equal(note?.ticketId, 300);
  assert.equal(note?.private, true);

  const again = await writer().write(callRecord({ notes: 'Parts <arrive> Friday' }), ref, signal);
  assert.deepEqual(again, ref);
  assert.equal(fake.notes.size, notesBefore + 1, 'the same note, never a second one');
  assert.equal(fake.tickets.size, ticketsBefore);
  assert.equal(note?.updates, 1);
  assert.match(note?.body ?? '', /Parts &lt;arrive&gt; Friday/);
});

test('write: no open ticket → a new phone ticket, updated in place', async () => {
  const before = fake.tickets.size;
  const ref = await writer().write(callRecord({ contact: { externalId: '4', name: 'Dee' } }), null, signal);
  assert.match(ref.id, /^ticket:\d+$/);
  const ticket = fake.tickets.get(Number(ref.id.slice(7)));
  assert.deepEqual([ticket?.requesterId, ticket?.created?.source, ticket?.status], [4, 3, 4]);
  await writer().write(
    callRecord({ contact: { externalId: '4', name: 'Dee' }, notes: 'later' }),
    ref,
    signal,
  );
  assert.equal(fake.tickets.size, before + 1);
  assert.equal(ticket?.updates, 1);
});

test('write: an unknown caller gets a ticket by phone, open when missed', async () => {
  const ref = await writer().write(
    callRecord({ contact: null, outcome: 'missed', talkSeconds: 0 }),
    null,
    signal,
  );
  const ticket = fake.tickets.get(Number(ref.id.slice(7)));
  assert.deepEqual(
    [ticket?.created?.phone, ticket?.created?.name, ticket?.status],
    ['+13125550140', 'Caller +13125550140', 2],
  );
});

test('write: 429 is retryable with its wait; 400 validation and 404 are not', async () => {
  fake.rateLimit(1, 20);
  const limited = await failureOf(writer().write(callRecord(), null, signal));
  assert.ok(limited instanceof CrmWriteError);
  assert.deepEqual([limited.retryable, limited.status, limited.retryAfterSeconds], [true, 429, 20]);

  const invalid = await failureOf(
    writer().write(callRecord({ contact: { externalId: '555', name: 'x' } }), null, signal),
  );
  assert.ok(invalid instanceof CrmWriteError);
  assert.deepEqual([invalid.retryable, invalid.status], [false, 400]);

  const gone = await failureOf(writer().write(callRecord(), { id: 'note:1', url: null }, signal));
  assert.ok(gone instanceof CrmWriteError);
  assert.deepEqual([gone.retryable, gone.status], [false, 404]);

  const foreign = await failureOf(writer().write(callRecord(), { id: 'activity-9', url: null }, signal));
  assert.ok(foreign instanceof CrmWriteError);
  assert.equal(foreign.retryable, false);
});
