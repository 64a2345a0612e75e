// Spec: the Notification Channel API — create, list, get, refresh, lifetime, delete, the channel socket's
// control frames and expiry, reconnects, and Webhook delivery.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSimulator } from '../index.ts';
import { fixture } from '../testing/fixtures.ts';
import { shapeDiff } from '../testing/shape.ts';
import { patToken, postSim, withSimulator } from '../testing/sim-client.ts';
import { adminToken, api, fastSimulator, FrameCollector, placeCall, stateOf } from './testing/support.ts';
import type { Frame } from './testing/support.ts';

const ACCOUNT = '4718093562201847735';
const CHANNELS = '/notification-channel/v1/channels';
let sim: RunningSimulator;
let token: string;

before(async () => {
  sim = await fastSimulator();
  token = await adminToken(sim);
});

after(async () => {
  await sim.close();
});

async function createWs(target = sim, bearer = token, nickname = 'screenpop') {
  const created = await api(target, 'POST', `${CHANNELS}/${nickname}`, bearer, { channelType: 'WebSockets' });
  assert.equal(created.status, 201);
  return created.body as { channelId: string; channelData: { channelURL: string }; channelLifetime: number };
}

const without = (frame: Frame) => {
  const { eventId: _e, ...rest } = frame;
  return rest;
};

test('a WebSocket channel is created with 201 and the fixture shape, its URL on this server', async () => {
  const body = await createWs();
  assert.equal(body.channelLifetime, 1200);
  assert.ok(body.channelData.channelURL.startsWith(`${sim.wsUrl}${CHANNELS}/${body.channelId}/channelId/ws`));
  assert.deepEqual(shapeDiff(body, await fixture('channel/create-websockets-response.json')), []);
});

test('both channelType spellings are accepted and anything else is a 400 with constraintViolations', async () => {
  const singular = await api(sim, 'POST', `${CHANNELS}/cer`, token, { channelType: 'WebSocket' });
  assert.equal(singular.status, 201);
  assert.equal(
    (singular.body as { channelData: { channelType: string } }).channelData.channelType,
    'WebSockets',
  );
  const wrong = await api(sim, 'POST', `${CHANNELS}/x`, token, { channelType: 'Socket' });
  assert.equal(wrong.status, 400);
  assert.deepEqual((wrong.body as { constraintViolations: unknown }).constraintViolations, [
    { field: 'channelType', constraint: 'INVALID' },
  ]);
  const noBody = await api(sim, 'POST', `${CHANNELS}/x`, token);
  assert.equal(noBody.status, 400);
  const badNickname = await api(sim, 'POST', `${CHANNELS}/${'n'.repeat(65)}`, token, {
    channelType: 'WebSockets',
  });
  assert.equal(badNickname.status, 400);
});

test('creating a channel needs a token, and a notifications.manage scope', async () => {
  assert.equal((await api(sim, 'POST', `${CHANNELS}/x`, null, { channelType: 'WebSockets' })).status, 401);
  const narrow = await patToken(sim, 'users.v1.lines.read');
  assert.equal((await api(sim, 'POST', `${CHANNELS}/x`, narrow, { channelType: 'WebSockets' })).status, 403);
});

test('the list pages with pageSize and pageMarker and has the fixture shape', async () => {
  await withSimulator(fastSimulator(), async (own) => {
    const bearer = await adminToken(own);
    for (const nick of ['a', 'b', 'c']) {
      await createWs(own, bearer, nick);
    }
    const first = await api(own, 'GET', `${CHANNELS}?pageSize=2`, bearer);
    const page1 = first.body as { items: { channelNickname: string }[]; nextPageMarker: string };
    assert.deepEqual(
      page1.items.map((c) => c.channelNickname),
      ['a', 'b'],
    );
    assert.deepEqual(shapeDiff(first.body, await fixture('channel/list.json')), []);
    const second = await api(own, 'GET', `${CHANNELS}?pageSize=2&pageMarker=${page1.nextPageMarker}`, bearer);
    assert.deepEqual(second.body, { items: [(second.body as { items: unknown[] }).items[0]] });
    assert.equal((await api(own, 'GET', `${CHANNELS}?pageSize=0`, bearer)).status, 400);
  });
});

test('get, refresh and channel-lifetime answer 200; delete answers 204 and then the fixture 404', async () => {
  const { channelId } = await createWs();
  const path = `${CHANNELS}/screenpop/${channelId}`;
  assert.equal((await api(sim, 'GET', path, token)).status, 200);
  const refreshed = await api(sim, 'PUT', path, token, { channelType: 'WebSockets' });
  assert.equal(refreshed.status, 200);
  const lifetime = await api(sim, 'PUT', `${path}/channel-lifetime`, token);
  assert.deepEqual(lifetime.body, { channelLifetime: 1200 });
  assert.equal((await api(sim, 'DELETE', path, token)).status, 204);
  const gone = await api(sim, 'DELETE', path, token);
  assert.equal(gone.status, 404);
  assert.equal(
    (gone.body as { message: string }).message,
    `Notification channel does not exist ${channelId}`,
  );
  assert.deepEqual(shapeDiff(gone.body, await fixture('channel/not-found-404.json')), []);
  assert.equal((await api(sim, 'PUT', path, token, { channelType: 'WebSockets' })).status, 404);
});

test('a socket to an unknown channel is refused', async () => {
  await assert.rejects(FrameCollector.open(`${sim.wsUrl}${CHANNELS}/nope/channelId/ws`));
});

test('without refresh: REFRESH_REQUIRED at 600 s left, TO_BE_CLOSED at expiry, close 1000, channel and subscriptions gone', async () => {
  // 1200 s pass in 0.6 s
  await withSimulator(fastSimulator({ timeScale: 2000, tokenTtlSeconds: 86_400 }), async (quick) => {
    const bearer = await adminToken(quick);
    const { channelId, channelData } = await createWs(quick, bearer);
    await api(quick, 'POST', '/call-events/v1/subscriptions', bearer, {
      channelId,
      accountKeys: [{ id: ACCOUNT }],
    });
    const collector = await FrameCollector.open(channelData.channelURL);
    const code = await collector.waitClose();
    assert.equal(code, 1000);
    const types = collector.frames.map((f) => f.data?.['type']);
    assert.deepEqual(types, ['WEBSOCKET_REFRESH_REQUIRED', 'WEBSOCKET_TO_BE_CLOSED']);
    assert.deepEqual(
      shapeDiff(
        without(collector.frames[0] as Frame),
        without((await fixture('channel/refresh-required-frame.json')) as Frame),
      ),
      [],
    );
    assert.deepEqual(
      shapeDiff(
        without(collector.frames[1] as Frame),
        without((await fixture('channel/to-be-closed-frame.json')) as Frame),
      ),
      [],
    );
    assert.equal((await api(quick, 'GET', `${CHANNELS}/screenpop/${channelId}`, bearer)).status, 404);
    const subs = await api(quick, 'GET', `/call-events/v1/subscriptions?channelId=${channelId}`, bearer);
    assert.deepEqual(subs.body, { accountKeys: [] });
  });
});

test('with a refresh on every REFRESH_REQUIRED the channel outlives its lifetime', async () => {
  await withSimulator(fastSimulator({ timeScale: 2000, tokenTtlSeconds: 86_400 }), async (quick) => {
    const bearer = await adminToken(quick);
    const { channelId, channelData } = await createWs(quick, bearer);
    const collector = await FrameCollector.open(channelData.channelURL);
    const refreshes: Promise<number>[] = [];
    let stopped = false;
    collector.socket.on('message', (raw) => {
      if (!stopped && String(raw).includes('WEBSOCKET_REFRESH_REQUIRED')) {
        const put = api(quick, 'PUT', `${CHANNELS}/screenpop/${channelId}`, bearer, {
          channelType: 'WebSockets',
        });
        refreshes.push(put.then((r) => r.status));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // 3,000 simulated seconds
    assert.equal(collector.closeCode, null);
    assert.ok(refreshes.length >= 3);
    stopped = true;
    collector.close();
    await collector.waitClose();
    assert.deepEqual(new Set(await Promise.all(refreshes)), new Set([200]));
    assert.equal((await api(quick, 'GET', `${CHANNELS}/screenpop/${channelId}`, bearer)).status, 200);
  });
});

test('the faults channelLifetimeSeconds override applies to channels created afterwards', async () => {
  await withSimulator(fastSimulator(), async (quick) => {
    const bearer = await adminToken(quick);
    await postSim(quick, '/_sim/faults', { channelLifetimeSeconds: 60 });
    const body = await createWs(quick, bearer);
    assert.equal(body.channelLifetime, 60);
  });
});

test('reconnecting keeps subscriptions, eventId restarts per connection, events without a socket are lost', async () => {
  const { channelId, channelData } = await createWs();
  await api(sim, 'POST', '/call-events/v1/subscriptions', token, {
    channelId,
    accountKeys: [{ id: ACCOUNT, events: ['STARTING'] }],
  });
  const first = await FrameCollector.open(channelData.channelURL);
  await placeCall(sim, { scenario: 'missed', from: '8155550162', to: '+13125550177' });
  await first.waitFor((f) => f.data?.['type'] === 'call-state');
  first.close();
  await first.waitClose();
  const lost = await placeCall(sim, { scenario: 'internal', from: '2102', to: '2104', talkMs: 1000 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const second = await FrameCollector.open(channelData.channelURL);
  const kept = await placeCall(sim, { scenario: 'internal', from: '2101', to: '2103' });
  const frame = await second.waitFor((f) => f.data?.['type'] === 'call-state');
  assert.equal(frame['eventId'], 1);
  assert.equal(stateOf(frame).metadata['conversationSpaceId'], kept['conversationSpaceId']);
  assert.ok(
    !second.frames.some(
      (f) =>
        f.data?.['type'] === 'call-state' &&
        stateOf(f).metadata['conversationSpaceId'] === lost['conversationSpaceId'],
    ),
  );
  second.close();
});

/** A loopback webhook receiver that records bodies and can fail the first N POSTs with 503. */
async function receiver(
  failFirst = 0,
): Promise<{ url: string; bodies: unknown[]; options: number; attempts: number; server: Server }> {
  const state = {
    url: '',
    bodies: [] as unknown[],
    options: 0,
    attempts: 0,
    server: undefined as unknown as Server,
  };
  let failures = failFirst;
  state.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') {
      state.options += 1;
      res.writeHead(200, { allow: 'POST' }).end();
      return;
    }
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      state.attempts += 1;
      if (failures > 0) {
        failures -= 1;
        res.writeHead(503).end();
        return;
      }
      state.bodies.push(JSON.parse(raw));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/goto/hook/secret`;
  return state;
}

test('a Webhook channel is checked with OPTIONS and receives bare data bodies like webhook-call-a', async () => {
  const hook = await receiver();
  try {
    const created = await api(sim, 'POST', `${CHANNELS}/screenpop-hook`, token, {
      channelType: 'Webhook',
      webhookChannelData: { webhook: { url: hook.url } },
    });
    assert.equal(created.status, 201);
    assert.equal(hook.options, 1);
    assert.deepEqual(shapeDiff(created.body, await fixture('channel/create-webhook-response.json')), []);
    const channelId = (created.body as { channelId: string }).channelId;
    assert.match(channelId, /^Webhook\.[0-9a-f-]{36}$/);
    await api(sim, 'POST', '/call-events/v1/subscriptions', token, {
      channelId,
      accountKeys: [{ id: ACCOUNT }],
    });
    const placed = await placeCall(sim, {
      scenario: 'queue',
      from: '7735550123',
      to: '+13125550140',
      answeredBy: '2103',
      talkMs: 1000,
    });
    const expected = (await fixture('call-events/webhook-call-a-queue-answered.json')) as unknown[];
    type Body = { content: { metadata: { conversationSpaceId: string } } };
    const ofCall = () =>
      hook.bodies.filter(
        (b) => (b as Body).content.metadata.conversationSpaceId === placed['conversationSpaceId'],
      );
    const deadline = Date.now() + 8000;
    while (ofCall().length < expected.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(ofCall().length, expected.length);
    ofCall().forEach((body, i) => assert.deepEqual(shapeDiff(body, expected[i]), [], `body ${i}`));
  } finally {
    hook.server.close();
  }
});

test('webhook POSTs are retried twice on 5xx', async () => {
  const hook = await receiver(2);
  try {
    const created = await api(sim, 'POST', `${CHANNELS}/retry`, token, {
      channelType: 'Webhook',
      webhookChannelData: { webhook: { url: hook.url } },
    });
    const channelId = (created.body as { channelId: string }).channelId;
    await api(sim, 'POST', '/call-events/v1/subscriptions', token, {
      channelId,
      accountKeys: [{ id: ACCOUNT, events: ['STARTING'] }],
    });
    await placeCall(sim, { scenario: 'internal', from: '2102', to: '2104' });
    const deadline = Date.now() + 5000;
    while (hook.bodies.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(hook.bodies.length, 2, 'both STARTING states arrive');
    assert.equal(hook.attempts, 4, 'the first POST took three attempts');
  } finally {
    hook.server.close();
  }
});

test('a webhook URL that is not loopback or refuses OPTIONS is a 400', async () => {
  const remote = await api(sim, 'POST', `${CHANNELS}/h`, token, {
    channelType: 'Webhook',
    webhookChannelData: { webhook: { url: 'https://popper.example.com/hook' } },
  });
  assert.equal(remote.status, 400);
  const closed = await api(sim, 'POST', `${CHANNELS}/h`, token, {
    channelType: 'Webhook',
    webhookChannelData: { webhook: { url: 'http://127.0.0.1:9/hook' } },
  });
  assert.equal(closed.status, 400);
});

test('a webhook that answers 410 is marked unreachable until a delivery succeeds', async () => {
  let status = 410;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.method === 'OPTIONS' ? 204 : status).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const created = await api(sim, 'POST', `${CHANNELS}/gone`, token, {
      channelType: 'Webhook',
      webhookChannelData: { webhook: { url } },
    });
    const channelId = (created.body as { channelId: string }).channelId;
    await api(sim, 'POST', '/call-events/v1/subscriptions', token, {
      channelId,
      accountKeys: [{ id: ACCOUNT, events: ['STARTING'] }],
    });
    const read = async () =>
      (
        (await api(sim, 'GET', `${CHANNELS}/gone/${channelId}`, token)).body as {
          webhookChannelData: { unreachableTimestamp?: string };
        }
      ).webhookChannelData.unreachableTimestamp;
    await placeCall(sim, { scenario: 'internal', from: '2103', to: '2104' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(typeof (await read()), 'string');
    status = 200;
    await placeCall(sim, { scenario: 'internal', from: '2103', to: '2104' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await read(), undefined);
  } finally {
    server.close();
  }
});

test('GET channel-lifetime reads the lifetime without extending it', async () => {
  const { channelId } = await createWs();
  const read = await api(sim, 'GET', `${CHANNELS}/screenpop/${channelId}/channel-lifetime`, token);
  assert.deepEqual(read.body, { channelLifetime: 1200 });
});

test("another user's channel is a 404 for everyone else", async () => {
  const { channelId } = await createWs();
  const { codeGrantToken } = await import('./testing/support.ts');
  const marcus = await codeGrantToken(sim, 'marcus.oyelaran@northgate-appliance.example');
  assert.equal((await api(sim, 'GET', `${CHANNELS}/screenpop/${channelId}`, marcus)).status, 404);
  assert.equal((await api(sim, 'DELETE', `${CHANNELS}/screenpop/${channelId}`, marcus)).status, 404);
});
