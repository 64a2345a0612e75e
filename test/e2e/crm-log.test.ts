// Issue 14's "done when", end to end: the real screenpop (a child process, SQLite file) against the simulator, the
// local HubSpot fake and a verifying webhook receiver. A call rings → card from HubSpot → answered → ended → notes
// saved → exactly one calls engagement in HubSpot, updated with the notes, and four verified events in order. Then
// the same with the receiver and HubSpot down for a while and screenpop killed (kill -9) and restarted in between:
// nothing lost, nothing doubled.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CLIENT, DEMO_PAT } from '../../src/app/demo.ts';
import { startFakeHubSpot } from '../../src/lookup/testing/hubspot-fake.ts';
import type { FakeHubSpot } from '../../src/lookup/testing/hubspot-fake.ts';
import type { CrmLogStatus } from '../../src/shared/api.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { startReceiver, testSecret } from '../../src/webhooks/testing/receiver.ts';
import type { Receiver } from '../../src/webhooks/testing/receiver.ts';
import { USERS, placeCall, pushClient, signInOverHttp, waitFor, waitForAsync } from './harness.ts';
import { freePort, startScreenpopProcess } from './screenpop-process.ts';
import type { ScreenpopProcess } from './screenpop-process.ts';

const EVENTS = ['call.ringing', 'call.answered', 'call.ended', 'call.notes'];
// Callers that are only in HubSpot (the store holds no contacts here), so the card's match comes from the fake.
const ADA = '+14155550142';
const GRACE = '+14155550177';

let simulator: RunningSimulator;
let hubspot: FakeHubSpot;
let receiver: Receiver;
let dataDir: string;
let port: number;
/** The PostgreSQL database of the run on PostgreSQL; null on SQLite (a file in dataDir). */
let databaseUrl: string | null = null;
let screenpop: ScreenpopProcess | null = null;
const contacts: Record<string, string> = {};

function env(): Record<string, string> {
  return {
    SCREENPOP_DATA_DIR: dataDir,
    ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }),
    SCREENPOP_DEMO: 'false',
    SCREENPOP_SUPERVISORS: USERS.priya,
    GOTO_CLIENT_ID: DEMO_CLIENT.id,
    GOTO_CLIENT_SECRET: DEMO_CLIENT.secret,
    GOTO_PERSONAL_ACCESS_TOKEN: DEMO_PAT,
    GOTO_AUTH_URL: simulator.url,
    GOTO_API_URL: simulator.url,
    GOTO_ADMIN_URL: simulator.url,
    GOTO_REALTIME_URL: simulator.url,
    LOG_LEVEL: process.env['E2E_LOG_LEVEL'] ?? 'warn',
    HUBSPOT_TOKEN: hubspot.token,
    HOOK_SECRET: testSecret,
    SCREENPOP_LOOKUP_PROVIDERS: JSON.stringify([
      {
        type: 'hubspot',
        name: 'hubspot',
        token: '${HUBSPOT_TOKEN}',
        apiUrl: hubspot.url,
        cacheTtlSeconds: 0,
      },
    ]),
    SCREENPOP_LOOKUP_BUDGET_MS: '3000',
    SCREENPOP_WEBHOOKS: JSON.stringify([{ name: 'ops', url: receiver.url, secret: '${HOOK_SECRET}' }]),
  };
}

before(async () => {
  simulator = await startSimulator({ host: '127.0.0.1', port: 0 });
  hubspot = await startFakeHubSpot();
  receiver = await startReceiver();
  contacts.ada = hubspot.add('contacts', { firstname: 'Ada', lastname: 'Lovelace', phone: ADA });
  contacts.grace = hubspot.add('contacts', { firstname: 'Grace', lastname: 'Hopper', mobilephone: GRACE });
});

after(async () => {
  await receiver.close();
  await hubspot.close();
  await simulator.close();
});

/** Runs `sql` on the server of TEST_DATABASE_URL (CREATE / DROP DATABASE cannot run in another database's schema). */
async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// SQLite always; PostgreSQL when TEST_DATABASE_URL is set, in a database of its own (screenpop start runs the
// migrations in its default schema, so it must not share one with the store tests running meanwhile).
const targets: { name: 'sqlite' | 'postgres'; skip: string | undefined }[] = [
  { name: 'sqlite', skip: undefined },
  {
    name: 'postgres',
    skip: process.env['TEST_DATABASE_URL'] ? undefined : 'TEST_DATABASE_URL is not set',
  },
];

for (const target of targets) {
  describe(`CRM logging end to end on ${target.name}`, { skip: target.skip }, () => {
    const database = `screenpop_crm_e2e_${process.pid}`;
    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'screenpop-crm-e2e-'));
      port = await freePort();
      databaseUrl = null;
      const server = process.env['TEST_DATABASE_URL'];
      if (target.name === 'postgres' && server !== undefined) {
        await admin(server, `CREATE DATABASE ${database}`);
        const url = new URL(server);
        url.pathname = `/${database}`;
        databaseUrl = url.href;
      }
      screenpop = await startScreenpopProcess(port, env());
    });
    after(async () => {
      await screenpop?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      const server = process.env['TEST_DATABASE_URL'];
      if (databaseUrl !== null && server !== undefined) {
        await admin(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      }
    });
    tests();
  });
}

function stack() {
  return { url: screenpop?.url ?? '', simUrl: simulator.url };
}

async function crmStatus(callId: string, cookie: string): Promise<CrmLogStatus[]> {
  const response = await fetch(`${stack().url}/api/calls/${callId}/crm`, { headers: { cookie } });
  return response.ok ? ((await response.json()) as { items: CrmLogStatus[] }).items : [];
}

function callsOf(callId: string) {
  return [...hubspot.objects.calls.values()].filter((c) => c.properties.hs_call_external_id === callId);
}

function eventsOf(callId: string) {
  return receiver.got.filter((g) => g.data.callId === callId);
}

async function saveNotes(callId: string, cookie: string, notes: string): Promise<void> {
  const saved = await fetch(`${stack().url}/api/calls/${callId}/notes`, {
    method: 'PUT',
    headers: { cookie, origin: stack().url, 'content-type': 'application/json' },
    body: JSON.stringify({ notes, disposition: 'resolved' }),
  });
  assert.equal(saved.status, 200, await saved.text());
}

function tests(): void {
  test('a call is popped from HubSpot, logged there once with its notes, and sent as four verified events', async () => {
    const priya = await signInOverHttp(stack(), USERS.priya);
    const push = pushClient(stack(), priya);
    await push.opened;
    const callId = await placeCall(stack(), {
      scenario: 'answered',
      from: ADA,
      to: '2101',
      answerAfterMs: 400,
      talkMs: 400,
    });
    await waitFor(
      'the card from HubSpot',
      () =>
        push.messages.some(
          (m) =>
            m.type === 'card' &&
            m.card.callId === callId &&
            m.card.lookup.matches[0]?.contact.name === 'Ada Lovelace',
        ),
      30_000,
    );
    push.socket.close();
    await waitFor('the call record in HubSpot', () => callsOf(callId).length === 1, 60_000);
    await saveNotes(callId, priya, 'Replacement part ordered');
    await waitFor('call.notes', () => eventsOf(callId).some((g) => g.type === 'call.notes'), 60_000);
    await waitFor(
      'the notes in HubSpot',
      () => callsOf(callId)[0]?.properties.hs_call_body?.includes('Replacement part ordered'),
      60_000,
    );

    const [record, ...more] = callsOf(callId);
    assert.equal(more.length, 0, 'exactly one call record');
    assert.deepEqual(record?.associations.contacts, [contacts.ada]);
    assert.equal(record?.properties.hs_call_direction, 'INBOUND');
    assert.equal(record?.properties.hs_call_from_number, ADA);
    assert.deepEqual(
      eventsOf(callId).map((g) => [g.type, g.verified]),
      EVENTS.map((type) => [type, true]),
    );
    const [status] = await waitForAsync(
      'logged status',
      async () => {
        const items = await crmStatus(callId, priya);
        return items[0]?.status === 'logged' ? items : false;
      },
      30_000,
    );
    assert.equal(status?.provider, 'hubspot');
    assert.equal(
      status?.url,
      `https://app.hubspot.com/contacts/${hubspot.portalId}/record/0-1/${contacts.ada}`,
    );

    // The history page's batch read; a retry only by the call's agents or a supervisor, for a provider that logs.
    const page = await fetch(`${stack().url}/api/crm-log?calls=${callId},nope`, {
      headers: { cookie: priya },
    });
    const items = ((await page.json()) as { items: { callId: string; crm: CrmLogStatus[] }[] }).items;
    assert.deepEqual(
      items.map((i) => [i.callId, i.crm.map((c) => c.status)]),
      [
        [callId, ['logged']],
        ['nope', []],
      ],
    );
    const anonymous = await fetch(`${stack().url}/api/crm-log?calls=${callId}`);
    assert.equal(anonymous.status, 401, 'signed-in agents only');
    const marcus = await signInOverHttp(stack(), USERS.marcus);
    const retry = (cookie: string, provider: string) =>
      fetch(`${stack().url}/api/calls/${callId}/crm/retry`, {
        method: 'POST',
        headers: { cookie, origin: stack().url, 'content-type': 'application/json' },
        body: JSON.stringify({ provider }),
      });
    const refused = await retry(marcus, 'hubspot');
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: string }).error, 'crm_retry_not_yours');
    assert.equal((await retry(priya, 'salesforce')).status, 404);
    assert.equal((await retry(priya, 'hubspot')).status, 202);
    await waitForAsync(
      'the retry written',
      async () => ((await crmStatus(callId, priya))[0]?.attempts ?? 0) >= 3 || false,
      30_000,
    );
    assert.equal(callsOf(callId).length, 1, 'a retry updates the same record');
  });

  test('with the receiver and HubSpot down and screenpop killed -9 in between, nothing is lost or doubled', async () => {
    const priya = await signInOverHttp(stack(), USERS.priya);
    const push = pushClient(stack(), priya);
    await push.opened;
    const callId = await placeCall(stack(), {
      scenario: 'answered',
      from: GRACE,
      to: '2101',
      answerAfterMs: 1500,
      talkMs: 1500,
    });
    await waitFor(
      'the card from HubSpot',
      () =>
        push.messages.some(
          (m) =>
            m.type === 'card' &&
            m.card.callId === callId &&
            m.card.lookup.matches[0]?.contact.name === 'Grace Hopper',
        ),
      30_000,
    );
    push.socket.close();
    await receiver.down();
    await hubspot.down();
    // The call ends and its record is tried (and fails) while both are down; then the notes are saved.
    await waitForAsync(
      'a failed attempt to log the call',
      async () => {
        const [s] = await crmStatus(callId, priya);
        return s !== undefined && s.attempts >= 1 && s.error !== null;
      },
      60_000,
    );
    await saveNotes(callId, priya, 'Called back about the invoice');
    await new Promise((resolve) => setTimeout(resolve, 500)); // the notes' rows reach the outbox (a local write)
    await screenpop?.kill9();
    assert.equal(callsOf(callId).length, 0, 'nothing reached HubSpot while it was down');

    screenpop = await startScreenpopProcess(port, env());
    await receiver.up();
    await hubspot.up();
    await waitFor(
      'call.notes after the restart',
      () => eventsOf(callId).some((g) => g.type === 'call.notes'),
      120_000,
    );
    await waitFor(
      'the notes in HubSpot after the restart',
      () => callsOf(callId)[0]?.properties.hs_call_body?.includes('Called back about the invoice'),
      120_000,
    );
    // Let any duplicate that would come show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const events = eventsOf(callId);
    assert.deepEqual(
      events.map((g) => g.type),
      EVENTS,
      'all four events, in order, each once',
    );
    assert.equal(new Set(events.map((g) => g.id)).size, events.length, 'no event delivered twice');
    assert.ok(events.every((g) => g.verified));
    assert.equal(callsOf(callId).length, 1, 'exactly one call record');
    assert.deepEqual(callsOf(callId)[0]?.associations.contacts, [contacts.grace]);
    const [status] = await crmStatus(callId, priya);
    assert.equal(status?.status, 'logged');
  });
}
