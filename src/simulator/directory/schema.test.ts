// Spec of the seeded directory: the default seed is the fixture account; bad seeds fail with every problem listed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../index.ts';
import { fixture } from '../testing/fixtures.ts';
import { withSimulator } from '../testing/sim-client.ts';
import { SeedError, loadDefaultDirectory, loadDirectoryFile, parseDirectory } from './schema.ts';

interface FixtureAccount {
  accountKey: string;
  organization: { id: string; name: string };
  phoneNumbers: { phoneNumberId: string; number: string }[];
  dialPlanId: string;
  callQueue: { queueId: string; queueName: string; extensionNumber: string; agents: string[] };
  users: {
    email: string;
    userKey: string;
    userId: string;
    lineId?: string;
    extension?: string;
    devices?: { deviceId: string; model: string }[];
  }[];
}

test('the default seed is exactly the fixture account (keys, ids, extensions, devices, DIDs, queue)', async () => {
  const account = (await fixture('account.json')) as FixtureAccount;
  const d = await loadDefaultDirectory();
  assert.deepEqual(d.accounts, [
    { key: account.accountKey, organizationId: account.organization.id, name: account.organization.name },
  ]);
  assert.deepEqual(
    d.users.map((u) => [u.email, u.userKey, u.userId, u.lineIds]),
    account.users.map((u) => [u.email, u.userKey, u.userId, u.lineId === undefined ? [] : [u.lineId]]),
  );
  const withLines = account.users.filter((u) => u.lineId !== undefined);
  assert.deepEqual(
    d.lines.map((l) => [l.id, l.extension, l.devices.map((x) => [x.id, x.model])]),
    withLines.map((u) => [u.lineId, u.extension, (u.devices ?? []).map((x) => [x.deviceId, x.model])]),
  );
  const queue = d.queues[0];
  assert.equal(queue?.id, account.callQueue.queueId);
  assert.equal(queue?.name, 'Service Desk');
  assert.equal(queue?.extension, '2200');
  assert.deepEqual(
    queue?.lineIds.map((id) => d.lines.find((l) => l.id === id)?.extension),
    account.callQueue.agents,
  );
  assert.deepEqual(
    d.phoneNumbers.map((p) => [p.id, p.number]),
    account.phoneNumbers.map((p) => [p.phoneNumberId, p.number]),
  );
  assert.deepEqual(d.phoneNumbers[0]?.routesTo, {
    kind: 'queue',
    queueId: account.callQueue.queueId,
    dialPlanId: account.dialPlanId,
  });
  assert.deepEqual(d.phoneNumbers[1]?.routesTo, { kind: 'line', lineId: withLines[4]?.lineId });
});

test('Priya is the only super admin and owns the personal access token', async () => {
  const d = await loadDefaultDirectory();
  assert.deepEqual(
    d.users.filter((u) => u.admin).map((u) => [u.email, u.personalAccessTokens]),
    [['priya.castellano@northgate-appliance.example', ['sim-pat-priya']]],
  );
});

test('the demo OAuth client has loopback redirect URIs and every scope used here', async () => {
  const client = (await loadDefaultDirectory()).clients[0];
  assert.equal(client?.clientId, 'screenpop-demo');
  assert.equal(client?.clientSecret, 'screenpop-demo-secret');
  assert.deepEqual(client?.redirectUris, [
    'http://127.0.0.1/auth/callback',
    'http://localhost/auth/callback',
  ]);
  for (const scope of [
    'users.v1.lines.read',
    'call-events.v1.notifications.manage',
    'cr.v1.read',
    'identity:scim.me',
  ]) {
    assert.ok(client?.scopes.includes(scope), scope);
  }
});

test('a seed with wrong types names each bad member', () => {
  const error = (() => {
    try {
      parseDirectory(
        { accounts: [{ key: 'abc', organizationId: '', name: 'x' }], users: 'none' },
        'bad.json',
      );
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(error instanceof SeedError);
  assert.match(error.message, /bad\.json/);
  assert.match(error.message, /accounts\.0\.key: must be a digit string/);
  assert.match(error.message, /users:/);
  assert.match(error.message, /lines:/);
});

test('a seed whose references do not resolve lists every broken reference', async () => {
  const d = structuredClone(await loadDefaultDirectory()) as unknown as {
    queues: { lineIds: string[] }[];
    lines: { accountKey: string; extension: string }[];
  };
  d.queues[0]?.lineIds.push('no-such-line');
  if (d.lines[0] !== undefined && d.lines[1] !== undefined && d.lines[2] !== undefined) {
    d.lines[2].extension = d.lines[1].extension;
    d.lines[0].accountKey = '999';
  }
  assert.throws(
    () => parseDirectory(d),
    (e: Error) =>
      e instanceof SeedError &&
      /unknown line no-such-line/.test(e.message) &&
      /unknown accountKey 999/.test(e.message) &&
      /extension 2102 is used twice/.test(e.message),
  );
});

test('a seed file that is missing or not JSON gives a clear error; a valid file starts a simulator', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-seed-'));
  try {
    await assert.rejects(loadDirectoryFile(join(dir, 'missing.json')), /cannot read the file/);
    await writeFile(join(dir, 'broken.json'), '{ not json');
    await assert.rejects(startSimulator({ directory: join(dir, 'broken.json') }), /not valid JSON/);
    const seed = structuredClone(await loadDefaultDirectory()) as unknown as {
      users: { firstName: string }[];
    };
    if (seed.users[0] !== undefined) {
      seed.users[0].firstName = 'Pri';
    }
    await writeFile(join(dir, 'seed.json'), JSON.stringify(seed));
    await withSimulator(startSimulator({ directory: join(dir, 'seed.json') }), async (sim) => {
      assert.equal(sim.directory.users[0]?.firstName, 'Pri');
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
