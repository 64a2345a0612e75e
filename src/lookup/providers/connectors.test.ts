// The four CRM connectors configured together through SCREENPOP_LOOKUP_PROVIDERS, run by the real caller lookup
// against their local fakes: one number, a match from each CRM, and one CRM's rate limit failing only its source.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../config/config.ts';
import { storeTargets } from '../../store/testing/targets.ts';
import { createCallerLookupFromConfig } from '../settings.ts';
import { startFreshdeskFake } from '../testing/crm-fakes/freshdesk-fake.ts';
import type { FreshdeskFake } from '../testing/crm-fakes/freshdesk-fake.ts';
import { startPipedriveFake } from '../testing/crm-fakes/pipedrive-fake.ts';
import type { PipedriveFake } from '../testing/crm-fakes/pipedrive-fake.ts';
import { startSalesforceFake } from '../testing/crm-fakes/salesforce-fake.ts';
import type { SalesforceFake } from '../testing/crm-fakes/salesforce-fake.ts';
import { startZendeskFake } from '../testing/crm-fakes/zendesk-fake.ts';
import type { ZendeskFake } from '../testing/crm-fakes/zendesk-fake.ts';
import { TestClock } from '../testing/values.ts';
import { createWriter } from './provider-kinds.ts';

let pipedrive: PipedriveFake;
let zendesk: ZendeskFake;
let freshdesk: FreshdeskFake;
let salesforce: SalesforceFake;

before(async () => {
  [pipedrive, zendesk, freshdesk, salesforce] = await Promise.all([
    startPipedriveFake({
      token: 'pd',
      persons: [{ id: 1, name: 'Ann (Pipedrive)', phones: ['312-555-0140'] }],
    }),
    startZendeskFake({
      email: 'bot@acme.test',
      token: 'zd',
      users: [{ id: 2, name: 'Ann (Zendesk)', phone: '+13125550140' }],
    }),
    startFreshdeskFake({
      apiKey: 'fd',
      contacts: [{ id: 3, name: 'Ann (Freshdesk)', phone: '+13125550140' }],
    }),
    startSalesforceFake({
      clientId: 'sf-id',
      clientSecret: 'sf-secret',
      records: [
        { type: 'Contact', id: '003000000000001AAA', name: 'Ann (Salesforce)', phone: '(312) 555-0140' },
      ],
    }),
  ]);
});
after(async () => {
  await Promise.all([pipedrive.close(), zendesk.close(), freshdesk.close(), salesforce.close()]);
});

function env(): Record<string, string> {
  return {
    SCREENPOP_LOOKUP_BUDGET_MS: '8000', // roomy: four CRMs must answer within the budget on a busy machine
    SCREENPOP_LOOKUP_PROVIDERS: JSON.stringify([
      {
        type: 'pipedrive',
        name: 'pipedrive',
        companyDomain: 'acme',
        apiToken: '${PD_TOKEN}',
        apiUrl: pipedrive.api,
        timeoutMs: 5000,
      },
      {
        type: 'zendesk',
        name: 'zendesk',
        subdomain: 'acme',
        email: 'bot@acme.test',
        apiToken: '${ZD_TOKEN}',
        apiUrl: zendesk.base,
        timeoutMs: 5000,
      },
      {
        type: 'freshdesk',
        name: 'freshdesk',
        domain: 'acme',
        apiKey: '${FD_KEY}',
        apiUrl: freshdesk.base,
        timeoutMs: 5000,
      },
      {
        type: 'salesforce',
        name: 'salesforce',
        instanceUrl: salesforce.base,
        clientId: '${SF_ID}',
        clientSecret: '${SF_SECRET}',
        timeoutMs: 5000,
      },
    ]),
    PD_TOKEN: 'pd',
    ZD_TOKEN: 'zd',
    FD_KEY: 'fd',
    SF_ID: 'sf-id',
    SF_SECRET: 'sf-secret',
  };
}

async function lookup(raw: string) {
  const config = loadConfig(env());
  const target = storeTargets({ TEST_STORES: 'sqlite' })[0]!;
  const store = await target.open();
  const service = createCallerLookupFromConfig(config.lookup, config.phone, {
    ...store,
    clock: new TestClock(1_800_000_000_000),
  });
  try {
    return { config, result: await service.lookupNumber(raw) };
  } finally {
    service.close();
    await target.cleanup();
  }
}

test('one number through the caller lookup finds the caller in all four CRMs, each named as its source', async () => {
  const { result } = await lookup('(312) 555-0140');
  assert.equal(result.status, 'done');
  assert.deepEqual(result.matches.map((m) => [m.source, m.contact.name, m.reason]).sort(), [
    ['freshdesk', 'Ann (Freshdesk)', 'provider'],
    ['pipedrive', 'Ann (Pipedrive)', 'provider'],
    ['salesforce', 'Ann (Salesforce)', 'provider'],
    ['zendesk', 'Ann (Zendesk)', 'provider'],
  ]);
});

test('a CRM that rate-limits fails only its own source, with a message a person can act on', async () => {
  zendesk.rateLimit(1, 30);
  const { result } = await lookup('(312) 555-0140');
  assert.equal(result.status, 'partial');
  assert.deepEqual(
    result.sources.find((s) => s.name === 'zendesk'),
    {
      name: 'zendesk',
      state: 'failed',
      error: 'rate limited (HTTP 429, retry after 30 s)',
    },
  );
  assert.equal(result.matches.length, 3);
});

test('every connector entry also makes its call-log writer, named like its provider', async () => {
  const { config } = await lookup('+13125550000');
  const writers = config.lookup.providers.map((p) => createWriter(p, new TestClock(0))?.name ?? null);
  assert.deepEqual(writers, ['pipedrive', 'zendesk', 'freshdesk', 'salesforce']);
});
