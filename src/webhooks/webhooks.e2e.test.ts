// The whole app with SCREENPOP_WEBHOOKS set: a simulator call rings, is answered and ends, the agent saves notes,
// and a real receiver on loopback gets the four events, each verified with standardwebhooks; supervisors read the
// delivery log over REST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startScreenpop } from '../app/screenpop.ts';
import { loadConfig } from '../config/config.ts';
import { USERS, knownCaller, placeCall, signInOverHttp, waitFor } from '../../test/e2e/harness.ts';
import { startReceiver, testSecret } from './testing/receiver.ts';

test('a call and its notes reach the receiver as four signed events; supervisors see the delivery log', async () => {
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-webhooks-e2e-'));
  // The app resolves ${...} secret references from its own environment, as for the lookup providers.
  process.env.SCREENPOP_E2E_HOOK_SECRET = testSecret;
  const config = loadConfig({
    SCREENPOP_PORT: '0',
    SCREENPOP_SIMULATOR_PORT: '0',
    SCREENPOP_DATA_DIR: dataDir,
    SCREENPOP_DEMO_CALL_INTERVAL: '0',
    SCREENPOP_SUPERVISORS: USERS.priya,
    SCREENPOP_WEBHOOKS: JSON.stringify([
      { name: 'crm', url: receiver.url, secret: '${SCREENPOP_E2E_HOOK_SECRET}' },
    ]),
    SCREENPOP_E2E_HOOK_SECRET: testSecret,
  });
  const app = await startScreenpop(config, {
    webRoot: null,
    logger: pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }),
    demoTraffic: false,
  });
  const stack = { app, url: app.url, simUrl: app.simulator?.url ?? '', close: () => app.close() };
  try {
    const priya = await signInOverHttp(stack, USERS.priya);
    const marcus = await signInOverHttp(stack, USERS.marcus);
    const caller = await knownCaller(stack, 'demo-3');
    const callId = await placeCall(stack, {
      scenario: 'answered',
      from: caller.e164,
      to: '2101',
      answerAfterMs: 300,
      talkMs: 300,
    });
    await waitFor('call.ended', () => receiver.got.some((g) => g.type === 'call.ended'), 30_000);
    const saved = await fetch(`${app.url}/api/calls/${callId}/notes`, {
      method: 'PUT',
      headers: { cookie: priya, origin: app.url, 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'Replacement part ordered', disposition: 'resolved' }),
    });
    assert.equal(saved.status, 200);
    await waitFor('call.notes', () => receiver.got.some((g) => g.type === 'call.notes'), 30_000);

    assert.deepEqual(
      receiver.got.map((g) => [g.type, g.data.callId]),
      [
        ['call.ringing', callId],
        ['call.answered', callId],
        ['call.ended', callId],
        ['call.notes', callId],
      ],
    );
    assert.ok(receiver.got.every((g) => g.verified));
    const [ringing, answered, ended, notes] = receiver.got.map((g) => g.data);
    assert.equal((ringing?.match as { name?: string } | null)?.name, caller.name);
    assert.equal((answered?.answeredBy as { extension?: string }).extension, '2101');
    assert.equal(ended?.outcome, 'answered');
    assert.deepEqual(
      [notes?.notes, notes?.disposition, notes?.savedBy],
      ['Replacement part ordered', 'resolved', USERS.priya],
    );

    const endpoints = await fetch(`${app.url}/api/webhooks`, { headers: { cookie: priya } });
    const [crm] = ((await endpoints.json()) as { endpoints: Record<string, unknown>[] }).endpoints;
    assert.deepEqual(
      [crm?.name, crm?.url, crm?.pending, crm?.failing, crm?.paused, crm?.lastStatus],
      ['crm', receiver.url, 0, false, false, 204],
    );
    assert.equal(JSON.stringify(crm).includes(testSecret.slice(6)), false, 'the secret is never shown');
    const log = await fetch(`${app.url}/api/webhooks/attempts?limit=10`, { headers: { cookie: priya } });
    const items = ((await log.json()) as { items: { type: string; ok: boolean; status: number }[] }).items;
    assert.deepEqual(
      items.map((i) => [i.type, i.ok, i.status]),
      [
        ['call.notes', true, 204],
        ['call.ended', true, 204],
        ['call.answered', true, 204],
        ['call.ringing', true, 204],
      ],
    );
    const refused = await fetch(`${app.url}/api/webhooks`, { headers: { cookie: marcus } });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: string }).error, 'supervisors_only');
    const badQuery = await fetch(`${app.url}/api/webhooks/attempts?limit=9999`, {
      headers: { cookie: priya },
    });
    assert.equal(badQuery.status, 400);
  } finally {
    await app.close();
    await receiver.close();
    delete process.env.SCREENPOP_E2E_HOOK_SECRET;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
