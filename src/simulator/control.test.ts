// Spec of the control API under /_sim: health, directory, calls pass-through, faults and traffic validation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from './index.ts';
import type { RunningSimulator } from './index.ts';
import { postSim } from './testing/sim-client.ts';

let sim: RunningSimulator;

before(async () => {
  sim = await startSimulator({ timeScale: 50 });
});
after(async () => {
  await sim.close();
});

test('GET /_sim/health reports ok and the simulated clock', async () => {
  const body = (await (await fetch(`${sim.url}/_sim/health`)).json()) as Record<string, unknown>;
  assert.equal(body['ok'], true);
  assert.equal(body['timeScale'], 50);
  assert.match(String(body['now']), /^\d{4}-\d{2}-\d{2}T/);
});

test('GET /_sim/directory returns the seeded directory', async () => {
  const body = (await (await fetch(`${sim.url}/_sim/directory`)).json()) as { users: { email: string }[] };
  assert.deepEqual(
    body.users.map((u) => u.email),
    sim.directory.users.map((u) => u.email),
  );
});

test('POST /_sim/calls rejects a bad body with 400 and a message', async () => {
  const { status, body } = await postSim(sim, '/_sim/calls', { to: 42 });
  assert.equal(status, 400);
  assert.equal((body as { error: string }).error, 'call_rejected');
  assert.ok((body as { message: string }).message.length > 0);
});

test('POST /_sim/calls starts a call (telephony part) and GET /_sim/calls lists it', async () => {
  const { status, body } = await postSim(sim, '/_sim/calls', {
    scenario: 'answered',
    from: '+15551234567',
    callerName: 'JORDAN LEE',
    to: '2101',
    answerAfterMs: 1000,
    talkMs: 1000,
  });
  assert.equal(status, 201, JSON.stringify(body));
  const id = (body as { conversationSpaceId: string }).conversationSpaceId;
  assert.match(id, /^[0-9a-f-]{36}$/);
  const list = (await (await fetch(`${sim.url}/_sim/calls`)).json()) as { items: unknown[] };
  assert.ok(JSON.stringify(list.items).includes(id));
});

test('POST /_sim/faults merges rates and returns the current faults', async () => {
  const { status, body } = await postSim(sim, '/_sim/faults', { drop: 0.25, keepalives: false });
  assert.equal(status, 200);
  const faults = (body as { faults: Record<string, unknown> }).faults;
  assert.equal(faults['drop'], 0.25);
  assert.equal(faults['keepalives'], false);
  assert.equal(faults['duplicate'], 0);
  assert.equal(sim.ctx.faults.drop, 0.25, 'the context the telephony part reads sees the change');
  const second = await postSim(sim, '/_sim/faults', { duplicate: 0.5, channelLifetimeSeconds: 30 });
  assert.equal((second.body as { faults: Record<string, unknown> }).faults['drop'], 0.25);
  assert.equal(sim.ctx.faults.channelLifetimeSeconds, 30);
  await postSim(sim, '/_sim/faults', { reset: true });
  assert.equal(sim.ctx.faults.drop, 0);
  assert.equal(sim.ctx.faults.channelLifetimeSeconds, null);
  assert.equal(sim.ctx.faults.keepalives, true);
});

test('POST /_sim/faults rejects rates outside 0..1, unknown members and non-objects with 400', async () => {
  for (const bad of [{ drop: 2 }, { drop: -0.1 }, { dorp: 0.1 }, { http429: '0.5' }, [1], 'x']) {
    const { status, body } = await postSim(sim, '/_sim/faults', bad);
    assert.equal(status, 400, JSON.stringify(bad));
    assert.equal((body as { error: string }).error, 'invalid_body');
  }
  assert.equal(sim.ctx.faults.drop, 0, 'a rejected body changes nothing');
});

test('POST /_sim/faults {closeSockets:true} reports how many sockets were closed', async () => {
  const { body } = await postSim(sim, '/_sim/faults', { closeSockets: true });
  assert.equal((body as { closedSockets: number }).closedSockets, 0);
});

test('POST /_sim/traffic validates its body and accepts stop', async () => {
  assert.equal((await postSim(sim, '/_sim/traffic', { callsPerSecond: -1 })).status, 400);
  assert.equal((await postSim(sim, '/_sim/traffic', { rate: 2 })).status, 400);
  const start = await postSim(sim, '/_sim/traffic', { callsPerSecond: 0.001, maxCalls: 1 });
  assert.deepEqual([start.status, start.body], [200, { traffic: { callsPerSecond: 0.001, maxCalls: 1 } }]);
  const stop = await postSim(sim, '/_sim/traffic', { stop: true });
  assert.deepEqual([stop.status, stop.body], [200, { traffic: null }]);
});

test('a malformed JSON body is a 400 in GoTo’s error shape, not a crash', async () => {
  const response = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{nope',
  });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { errorCode: string }).errorCode, 'MALFORMED_REQUEST');
});

test('no CORS on /_sim: a preflight from another origin is a 404 without Access-Control headers', async () => {
  for (const path of ['/_sim/calls', '/_sim/faults', '/_sim/traffic', '/_sim/directory']) {
    const response = await fetch(`${sim.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    await response.arrayBuffer();
    assert.equal(response.status, 404, path);
    assert.equal(response.headers.get('access-control-allow-origin'), null, path);
    assert.equal(response.headers.get('access-control-allow-methods'), null, path);
  }
  const read = await fetch(`${sim.url}/_sim/directory`, { headers: { origin: 'https://evil.example' } });
  await read.arrayBuffer();
  assert.equal(read.status, 200);
  assert.equal(
    read.headers.get('access-control-allow-origin'),
    null,
    'another origin cannot read the answer',
  );
});

test("GoTo's routes keep their CORS next to the control API", async () => {
  const response = await fetch(`${sim.url}/users/v1/lines`, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
  });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
});

test('POST /_sim/* takes only JSON: a form POST (no preflight needed from any page) is a 415 and places no call', async () => {
  const before = ((await (await fetch(`${sim.url}/_sim/calls`)).json()) as { items: unknown[] }).items.length;
  for (const [type, body] of [
    ['application/x-www-form-urlencoded', 'scenario=answered&from=%2B15551234567&to=2101'],
    ['text/plain', '{"scenario":"answered","from":"+15551234567","to":"2101"}'],
  ] as const) {
    const response = await fetch(`${sim.url}/_sim/calls`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });
    assert.equal(response.status, 415, type);
    assert.equal(((await response.json()) as { error: string }).error, 'unsupported_media_type');
  }
  const form = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'reset=true',
  });
  assert.equal(form.status, 415);
  const after = ((await (await fetch(`${sim.url}/_sim/calls`)).json()) as { items: unknown[] }).items.length;
  assert.equal(after, before);
});
