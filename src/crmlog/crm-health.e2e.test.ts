// Settings' CRM call-logging health at the HTTP edge: the whole app (SQLite file, simulator, the local HubSpot fake,
// a webhook receiver). HubSpot is down when a call ends, so a supervisor's GET /api/providers shows the provider's
// call logging failing with its error; once HubSpot is back the retry logs the call and the row reads OK. Agents get
// 403; GET /api/webhooks and its default delivery log show only the webhook endpoints, not the "crm:" outbox
// endpoints (a CRM's attempts are listed when asked for by name).
// Every answer is also parsed with the strict schema the OpenAPI document shows for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startScreenpop } from '../app/screenpop.ts';
import { loadConfig } from '../config/config.ts';
import { startFakeHubSpot } from '../lookup/testing/hubspot-fake.ts';
import {
  crmLogStatusListSchema,
  providerListSchema,
  webhookAttemptListSchema,
  webhookEndpointListSchema,
} from '../server/routes/data/integration-schemas.ts';
import type { ProviderHealth } from '../shared/trace.ts';
import { startReceiver, testSecret } from '../webhooks/testing/receiver.ts';
import { USERS, placeCall, signInOverHttp, waitFor, waitForAsync } from '../../test/e2e/harness.ts';

const ADA = '+14155550142';

test('a supervisor sees a failing CRM call logging with its error, then OK; agents are refused', async () => {
  const hubspot = await startFakeHubSpot();
  hubspot.add('contacts', { firstname: 'Ada', lastname: 'Lovelace', phone: ADA });
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-crm-health-'));
  // The app resolves ${...} references from its own environment.
  process.env.SCREENPOP_E2E_HUBSPOT_TOKEN = hubspot.token;
  process.env.SCREENPOP_E2E_HOOK_SECRET = testSecret;
  const config = loadConfig({
    SCREENPOP_PORT: '0',
    SCREENPOP_SIMULATOR_PORT: '0',
    SCREENPOP_DATA_DIR: dataDir,
    SCREENPOP_DEMO_CALL_INTERVAL: '0',
    SCREENPOP_SUPERVISORS: USERS.priya,
    SCREENPOP_LOOKUP_PROVIDERS: JSON.stringify([
      {
        type: 'hubspot',
        name: 'hubspot',
        token: '${SCREENPOP_E2E_HUBSPOT_TOKEN}',
        apiUrl: hubspot.url,
        cacheTtlSeconds: 0,
      },
    ]),
    SCREENPOP_E2E_HUBSPOT_TOKEN: hubspot.token,
    SCREENPOP_WEBHOOKS: JSON.stringify([
      { name: 'ops', url: receiver.url, secret: '${SCREENPOP_E2E_HOOK_SECRET}' },
    ]),
    SCREENPOP_E2E_HOOK_SECRET: testSecret,
  });
  const app = await startScreenpop(config, {
    webRoot: null,
    logger: pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }),
    demoTraffic: false,
  });
  const stack = { url: app.url, simUrl: app.simulator?.url ?? '' };
  try {
    const priya = await signInOverHttp(stack, USERS.priya);
    const marcus = await signInOverHttp(stack, USERS.marcus);
    const hubspotRow = async (): Promise<ProviderHealth> => {
      const response = await fetch(`${app.url}/api/providers`, { headers: { cookie: priya } });
      assert.equal(response.status, 200);
      const { providers } = providerListSchema.parse(await response.json());
      const row = providers.find((p) => p.name === 'hubspot');
      assert.ok(row, 'the HubSpot provider is listed');
      return row;
    };

    const before = await hubspotRow();
    assert.deepEqual(
      [
        before.type,
        before.callLogging?.lastSuccessAt,
        before.callLogging?.failing,
        before.callLogging?.pending,
      ],
      ['hubspot', null, false, 0],
    );

    // HubSpot is down for the whole call: the lookup fails, and so does the call record written at its end.
    await hubspot.down();
    const callId = await placeCall(stack, {
      scenario: 'answered',
      from: ADA,
      to: '2101',
      answerAfterMs: 300,
      talkMs: 300,
    });
    const failing = await waitForAsync(
      'call logging failing',
      async () => {
        const row = await hubspotRow();
        return row.callLogging?.failing === true ? row.callLogging : null;
      },
      60_000,
    );
    assert.equal(failing.paused, false);
    assert.equal(failing.lastStatus, null, 'HubSpot did not answer');
    assert.ok(
      failing.lastError !== null && failing.lastError.length > 0,
      `an error is shown: ${failing.lastError}`,
    );
    assert.ok(failing.failingSince !== null && failing.lastAttemptAt !== null);
    assert.equal(failing.lastSuccessAt, null);
    assert.equal(failing.pending, 1, 'the write waits in the outbox for its retry');
    assert.deepEqual(failing.last24h, { logged: 0, failed: 0, pending: 1 });
    assert.equal(JSON.stringify(failing).includes(hubspot.token), false, 'the token is never shown');

    // Agents and strangers do not see provider health.
    const agent = await fetch(`${app.url}/api/providers`, { headers: { cookie: marcus } });
    assert.equal(agent.status, 403);
    assert.equal(((await agent.json()) as { error: string }).error, 'supervisors_only');
    const anonymous = await fetch(`${app.url}/api/providers`);
    assert.equal(anonymous.status, 401);

    // The CRM writes share the outbox with the webhooks but are not webhooks: not listed, not in the delivery log.
    await waitFor(
      'call.ended at the receiver',
      () => receiver.got.some((g) => g.type === 'call.ended'),
      30_000,
    );
    const hooks = await fetch(`${app.url}/api/webhooks`, { headers: { cookie: priya } });
    const { endpoints } = webhookEndpointListSchema.parse(await hooks.json());
    assert.deepEqual(
      endpoints.map((e) => e.name),
      ['ops'],
    );
    const attempts = async (query: string): Promise<{ endpoint: string; ok: boolean }[]> => {
      const response = await fetch(`${app.url}/api/webhooks/attempts?${query}`, {
        headers: { cookie: priya },
      });
      assert.equal(response.status, 200);
      return webhookAttemptListSchema.parse(await response.json()).items;
    };
    const all = await attempts('limit=100');
    assert.ok(all.length >= 3, 'the webhook deliveries are listed');
    assert.deepEqual([...new Set(all.map((a) => a.endpoint))], ['ops']);
    // Asked for by name, a CRM's attempts are listed apart.
    const crmAttempts = await attempts('endpoint=crm:hubspot');
    assert.ok(crmAttempts.length >= 1);
    assert.deepEqual([...new Set(crmAttempts.map((a) => [a.endpoint, a.ok].join()))], ['crm:hubspot,false']);
    assert.deepEqual(await attempts('endpoint=crm:nope'), []);
    const agentLog = await fetch(`${app.url}/api/webhooks/attempts`, { headers: { cookie: marcus } });
    assert.equal(agentLog.status, 403);

    // HubSpot is back: the retry (after its back-off) logs the call, and the row reads OK.
    await hubspot.up();
    const ok = await waitForAsync(
      'call logging OK again',
      async () => {
        const row = await hubspotRow();
        return row.callLogging?.lastSuccessAt !== null && row.callLogging?.failing === false
          ? row.callLogging
          : null;
      },
      90_000,
    );
    assert.deepEqual([ok.lastError, ok.failingSince, ok.pending, ok.dead], [null, null, 0, 0]);
    assert.deepEqual(ok.last24h, { logged: 1, failed: 0, pending: 0 });
    const crm = await fetch(`${app.url}/api/calls/${callId}/crm`, { headers: { cookie: priya } });
    const statuses = crmLogStatusListSchema.parse(await crm.json()).items;
    assert.deepEqual(
      statuses.map((s) => [s.provider, s.status, s.error]),
      [['hubspot', 'logged', null]],
    );
  } finally {
    await app.close();
    await receiver.close();
    await hubspot.close();
    delete process.env.SCREENPOP_E2E_HUBSPOT_TOKEN;
    delete process.env.SCREENPOP_E2E_HOOK_SECRET;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
