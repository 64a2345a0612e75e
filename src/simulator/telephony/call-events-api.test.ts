// Spec: Call Events subscriptions (207 per key, 400 bodies), event filtering with numbered gaps, the
// conversation-spaces recovery endpoints, delivery faults, and GoTo's current demo flow end to end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../index.ts';
import { fixture } from '../testing/fixtures.ts';
import { shapeDiff } from '../testing/shape.ts';
import { postSim } from '../testing/sim-client.ts';
import {
  adminToken,
  api,
  codeGrantToken,
  fastSimulator,
  FrameCollector,
  framesOf,
  placeCall,
  stateOf,
  subscribedChannel,
  waitEnding,
} from './testing/support.ts';

const ACCOUNT = '4718093562201847735';
const SUBS = '/call-events/v1/subscriptions';
let sim: RunningSimulator;
let token: string;

before(async () => {
  sim = await fastSimulator();
  token = await adminToken(sim);
});

after(async () => {
  await sim.close();
});

async function channel(bearer = token): Promise<{ channelId: string; url: string }> {
  const created = await api(sim, 'POST', '/notification-channel/v1/channels/screenpop', bearer, {
    channelType: 'WebSockets',
  });
  const body = created.body as { channelId: string; channelData: { channelURL: string } };
  return { channelId: body.channelId, url: body.channelData.channelURL };
}

async function setFaults(faults: Record<string, unknown>): Promise<void> {
  await postSim(sim, '/_sim/faults', faults);
}

test("GoTo's demo: code grant, channel 201, subscription 207, call-state with the caller in type.caller", async () => {
  const bearer = await codeGrantToken(sim);
  const { channelId, url } = await channel(bearer);
  const sub = await api(sim, 'POST', SUBS, bearer, {
    channelId,
    accountKeys: [{ id: ACCOUNT, events: ['STARTING'] }],
  });
  assert.equal(sub.status, 207);
  assert.deepEqual(sub.body, { accountKeys: [{ id: ACCOUNT, status: 200, message: 'Success' }] });
  const socket = await FrameCollector.open(url);
  await placeCall(sim, {
    scenario: 'queue',
    from: '(773) 555-0123',
    callerName: 'FENN MARLOWE',
    to: '+13125550140',
  });
  const frame = await socket.waitFor((f) => f.data?.['type'] === 'call-state');
  const { metadata, state } = stateOf(frame);
  assert.equal(metadata['direction'], 'INBOUND');
  assert.equal(state['sequenceNumber'], 1);
  const caller = (state['participants'] as { type: { caller: { number: string; name: string } } }[])[0];
  assert.deepEqual(caller?.type.caller, { name: 'FENN MARLOWE', number: '+17735550123' });
  socket.close();
});

test('the 207 has the fixture shape; a non-admin gets a 403 entry without errorCode; an unknown channel a 404 entry', async () => {
  const { channelId } = await channel();
  const ok = await api(
    sim,
    'POST',
    SUBS,
    token,
    await fixture('call-events/subscribe-request.json').then((b) => ({ ...(b as object), channelId })),
  );
  assert.equal(ok.status, 207);
  assert.deepEqual(shapeDiff(ok.body, await fixture('call-events/subscribe-207.json')), []);
  const marcus = await codeGrantToken(sim, 'marcus.oyelaran@northgate-appliance.example');
  const own = await channel(marcus);
  const forbidden = await api(sim, 'POST', SUBS, marcus, {
    channelId: own.channelId,
    accountKeys: [{ id: ACCOUNT }],
  });
  assert.deepEqual(forbidden.body, await fixture('call-events/subscribe-207-forbidden.json'));
  const unknown = await api(sim, 'POST', SUBS, token, {
    channelId: 'nope',
    accountKeys: [{ id: ACCOUNT }],
  });
  assert.deepEqual(unknown.body, { accountKeys: [{ id: ACCOUNT, status: 404, message: 'Not Found' }] });
});

test('a bad event type and a GET without channelId answer 400 bodies like the fixtures', async () => {
  const { channelId } = await channel();
  const bad = await api(sim, 'POST', SUBS, token, {
    channelId,
    accountKeys: [{ id: ACCOUNT, events: ['REPORT_SUMMARY'] }],
  });
  assert.equal(bad.status, 400);
  const expected = (await fixture('call-events/error-400.json')) as {
    constraints: unknown;
    message: string;
  };
  assert.deepEqual((bad.body as { constraints: unknown }).constraints, expected.constraints);
  assert.equal((bad.body as { message: string }).message, expected.message);
  assert.deepEqual(shapeDiff(bad.body, expected), []);
  const missing = await api(sim, 'GET', SUBS, token);
  assert.equal(missing.status, 400);
  const expectedMissing = (await fixture('call-events/error-400-id-required.json')) as {
    constraints: unknown;
  };
  assert.deepEqual((missing.body as { constraints: unknown }).constraints, expectedMissing.constraints);
  const malformed = await api(sim, 'POST', SUBS, token, { channelId, accountKeys: [ACCOUNT] });
  assert.equal(malformed.status, 400);
  assert.equal((malformed.body as { errorCode: string }).errorCode, 'MALFORMED_REQUEST');
  const notJsonObject = await api(sim, 'POST', SUBS, token, [1, 2]);
  assert.equal(notJsonObject.status, 400);
});

test('subscriptions read back like the fixture, a repeat keeps the first event types, delete answers 204 then 404', async () => {
  const { channelId, url } = await channel();
  await api(sim, 'POST', SUBS, token, { channelId, accountKeys: [{ id: ACCOUNT, events: ['ENDING'] }] });
  await api(sim, 'POST', SUBS, token, { channelId, accountKeys: [{ id: ACCOUNT }] });
  const read = await api(sim, 'GET', `${SUBS}?channelId=${channelId}`, token);
  assert.deepEqual(read.body, { accountKeys: [ACCOUNT] });
  const socket = await FrameCollector.open(url);
  const placed = await placeCall(sim, { scenario: 'internal', from: '2102', to: '2104', talkMs: 1000 });
  const ending = await waitEnding(socket, String(placed['conversationSpaceId']));
  const ours = framesOf(socket.frames, String(placed['conversationSpaceId']));
  assert.equal(ours.length, 1, 'only ENDING was subscribed');
  assert.equal(stateOf(ending).state['sequenceNumber'], 7, 'numbered 1..n whether delivered or not');
  const path = `${SUBS}?channelId=${channelId}&accountKey=${ACCOUNT}`;
  assert.equal((await api(sim, 'DELETE', path, token)).status, 204);
  assert.equal((await api(sim, 'DELETE', path, token)).status, 404);
  socket.close();
});

test('conversation-spaces lists active calls with their latest state, by account or line, like the fixture', async () => {
  const { collector } = await subscribedChannel(sim, token);
  const placed = await placeCall(sim, {
    scenario: 'queue',
    from: '7735550123',
    to: '+13125550140',
    answeredBy: '2103',
    talkMs: 200_000,
  });
  const id = String(placed['conversationSpaceId']);
  await collector.waitFor(
    (f) =>
      f.data?.['type'] === 'call-state' &&
      stateOf(f).metadata['conversationSpaceId'] === id &&
      stateOf(f).state['sequenceNumber'] === 14,
  );
  const list = await api(sim, 'GET', `/call-events/v1/conversation-spaces?accountKey=${ACCOUNT}`, token);
  assert.equal(list.status, 200);
  const items = (
    list.body as {
      items: { metadata: { conversationSpaceId: string }; state: { sequenceNumber: number } }[];
    }
  ).items;
  const mine = items.find((i) => i.metadata.conversationSpaceId === id);
  assert.equal(mine?.state.sequenceNumber, 14);
  assert.deepEqual(shapeDiff({ items: [mine] }, await fixture('call-events/conversation-spaces.json')), []);
  const helena = '930e15a6-bca3-4d93-940f-e709ee03a322';
  const byLine = await api(sim, 'GET', `/call-events/v1/conversation-spaces?lineId=${helena}`, token);
  assert.ok(
    (byLine.body as { items: { metadata: { conversationSpaceId: string } }[] }).items.some(
      (i) => i.metadata.conversationSpaceId === id,
    ),
  );
  const events = await api(
    sim,
    'GET',
    `/call-events/v1/conversation-spaces/${id}/events?sequenceFrom=2&sequenceTo=4`,
    token,
  );
  assert.deepEqual(
    (events.body as { items: { sequenceNumber: number }[] }).items.map((s) => s.sequenceNumber),
    [2, 3, 4],
  );
  collector.close();
});

test('conversation-spaces answers 400 without a key, 404 for an unknown id, 400 for a bad sequence bound', async () => {
  assert.equal((await api(sim, 'GET', '/call-events/v1/conversation-spaces', token)).status, 400);
  assert.equal(
    (await api(sim, 'GET', '/call-events/v1/conversation-spaces/unknown/events', token)).status,
    404,
  );
  const placed = await placeCall(sim, { scenario: 'internal', from: '2101', to: '2102' });
  const path = `/call-events/v1/conversation-spaces/${String(placed['conversationSpaceId'])}/events?sequenceFrom=x`;
  assert.equal((await api(sim, 'GET', path, token)).status, 400);
});

test('an ended call leaves conversation-spaces', async () => {
  const { collector } = await subscribedChannel(sim, token);
  const placed = await placeCall(sim, { scenario: 'missed', from: '8155550162', to: '+13125550177' });
  await waitEnding(collector, String(placed['conversationSpaceId']));
  const list = await api(sim, 'GET', `/call-events/v1/conversation-spaces?accountKey=${ACCOUNT}`, token);
  const ids = (list.body as { items: { metadata: { conversationSpaceId: string } }[] }).items.map(
    (i) => i.metadata.conversationSpaceId,
  );
  assert.ok(!ids.includes(String(placed['conversationSpaceId'])));
  collector.close();
});

test('the drop fault leaves sequence gaps; duplicate repeats data.id; reorder swaps neighbours', async () => {
  const { collector } = await subscribedChannel(sim, token);
  const run = async () => {
    const placed = await placeCall(sim, { scenario: 'queue', from: '7735550123', to: '2200', talkMs: 1000 });
    const id = String(placed['conversationSpaceId']);
    await new Promise((resolve) => setTimeout(resolve, 600));
    return framesOf(collector.frames, id).map((f) => ({
      seq: Number(stateOf(f).state['sequenceNumber']),
      id: String(f.data?.['id']),
    }));
  };
  await setFaults({ drop: 0.5 });
  const dropped = await run();
  const total = Math.max(...dropped.map((d) => d.seq));
  assert.ok(dropped.length < total, `some of ${total} states were dropped`);
  await setFaults({ drop: 0, duplicate: 1 });
  const duplicated = await run();
  assert.equal(new Set(duplicated.map((d) => d.id)).size * 2, duplicated.length);
  await setFaults({ duplicate: 0, reorder: 1 });
  const reordered = await run();
  assert.ok(
    reordered.some((d, i) => i > 0 && d.seq < (reordered[i - 1]?.seq ?? 0)),
    'out of order',
  );
  assert.deepEqual(
    new Set(reordered.map((d) => d.seq)).size,
    Math.max(...reordered.map((d) => d.seq)),
    'nothing lost',
  );
  await setFaults({ reset: true });
  collector.close();
});

test('closeSockets drops every channel socket', async () => {
  const { collector } = await subscribedChannel(sim, token);
  const { body } = await postSim(sim, '/_sim/faults', { closeSockets: true });
  assert.ok((body as { closedSockets: number }).closedSockets >= 1);
  await collector.waitClose();
});

test('Call Events endpoints answer 401 without a token and 403 for a user who does not administer the account', async () => {
  assert.equal((await api(sim, 'POST', SUBS, null, {})).status, 401);
  assert.equal(
    (await api(sim, 'GET', `/call-events/v1/conversation-spaces?accountKey=${ACCOUNT}`, null)).status,
    401,
  );
  const marcus = await codeGrantToken(sim, 'marcus.oyelaran@northgate-appliance.example');
  const forbidden = await api(
    sim,
    'GET',
    `/call-events/v1/conversation-spaces?accountKey=${ACCOUNT}`,
    marcus,
  );
  assert.equal(forbidden.status, 403);
  const ownLine = 'f5d71d1e-82f3-4f4c-94c6-94066d3d3fc8';
  assert.equal(
    (await api(sim, 'GET', `/call-events/v1/conversation-spaces?lineId=${ownLine}`, marcus)).status,
    200,
  );
});
