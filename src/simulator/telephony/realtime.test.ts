// Spec: the legacy Realtime API — the seed tutorial flow end to end, frames shaped like the fixture,
// keepalives, session limits and expiry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../index.ts';
import { fixture } from '../testing/fixtures.ts';
import { shapeDiff } from '../testing/shape.ts';
import { postSim, withSimulator } from '../testing/sim-client.ts';
import { adminToken, api, fastSimulator, FrameCollector, placeCall } from './testing/support.ts';
import type { Frame } from './testing/support.ts';

const LINE_2101 = 'f6bd6587-36a1-47a6-bb92-84059ebe4ca7';
const ORG = 'a4441acb-e00d-42f9-8207-2df8d55d375d';
let sim: RunningSimulator;

before(async () => {
  sim = await fastSimulator({ keepaliveSeconds: 30, realtimeIdleSeconds: 900 });
});

after(async () => {
  await sim.close();
});

/** The browser tutorial's implicit grant: the token comes back in the redirect's fragment. */
async function implicitToken(): Promise<string> {
  const query = new URLSearchParams({
    response_type: 'token',
    client_id: 'screenpop-demo',
    redirect_uri: 'http://127.0.0.1:5000/auth/callback',
    scope: 'users.v1.lines.read',
    state: 'xyz',
  });
  const response = await fetch(`${sim.url}/oauth/authorize?${query.toString()}`, { redirect: 'manual' });
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get('location') ?? '');
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('access_token');
  assert.ok(token !== null, `no access_token in ${location.toString()}`);
  return token;
}

async function sessionWithSubscription(token: string, lineId = LINE_2101, org = ORG) {
  const session = await api(sim, 'POST', '/v2/session', token);
  assert.equal(session.status, 200);
  const urls = session.body as { self: string; ws: string; subscriptions: string };
  const subscription = [
    { id: 'screenpop-line', type: 'dialog', entity: { id: lineId, type: 'line.v2', account: org } },
  ];
  const path = new URL(urls.subscriptions).pathname;
  const subscribed = await api(sim, 'POST', path, token, subscription);
  assert.equal(subscribed.status, 200);
  assert.deepEqual(subscribed.body, subscription);
  const collector = await FrameCollector.open(urls.ws);
  return { urls, collector };
}

const dialogFrames = (frames: readonly Frame[]) => frames.filter((f) => f['type'] !== 'keepalive');

test('seed tutorial: implicit token, lines, session, dialog subscription, announce with the caller', async () => {
  const token = await implicitToken();
  const lines = await api(sim, 'GET', '/users/v1/lines', token);
  assert.equal(lines.status, 200);
  const line = (lines.body as { items: { id: string; organization: { id: string } }[] }).items[0];
  assert.ok(line !== undefined);
  const { collector } = await sessionWithSubscription(token, line.id, line.organization.id);
  const placed = await placeCall(sim, {
    scenario: 'answered',
    from: '7085550134',
    callerName: 'TOLLIVER JUNE',
    to: '2101',
  });
  const announce = await collector.waitFor((f) => f['type'] === 'announce');
  const data = announce.data as {
    caller: { number: string; name: string };
    callee: { number: string };
    state: string;
    direction: string;
    originatorId: string;
  };
  assert.equal(data.caller.number, '7085550134');
  assert.equal(data.caller.name, 'TOLLIVER JUNE');
  assert.equal(data.callee.number, '2101');
  assert.equal(data.state, 'RINGING');
  assert.equal(data.direction, 'recipient');
  assert.equal(data.originatorId, placed['originatorId']);
  await collector.waitFor((f) => f['type'] === 'withdraw');
  assert.deepEqual(
    dialogFrames(collector.frames).map((f) => [f['type'], (f.data as { state: string }).state]),
    [
      ['announce', 'RINGING'],
      ['replace', 'ANSWERED'],
      ['withdraw', 'HUNGUP'],
    ],
  );
  collector.close();
});

test('dialog frames have the structure of realtime/ws-frames-inbound-call.json', async () => {
  const token = await adminToken(sim);
  const { collector } = await sessionWithSubscription(token);
  await placeCall(sim, { scenario: 'answered', from: '+17085550134', to: '2101', talkMs: 65_000 });
  await collector.waitFor((f) => f['type'] === 'withdraw');
  const expected = (await fixture('realtime/ws-frames-inbound-call.json')) as Frame[];
  const byType = (type: string) => expected.find((f) => f['type'] === type);
  for (const frame of collector.frames) {
    assert.deepEqual(shapeDiff(frame, byType(String(frame['type']))), [], String(frame['type']));
  }
  const replace = collector.frames.find((f) => f['type'] === 'replace') as Frame;
  const announce = collector.frames.find((f) => f['type'] === 'announce') as Frame;
  assert.equal(replace['oldId'], announce['entityId']);
  assert.equal(replace['entityId'], replace['newId']);
  assert.ok(
    collector.frames.some((f) => f['type'] === 'keepalive'),
    'a 65 s call spans two keepalives',
  );
  collector.close();
});

test('a queue call announces on every agent line with one shared originatorId; losers are withdrawn', async () => {
  const token = await adminToken(sim);
  const session = await api(sim, 'POST', '/v2/session', token);
  const urls = session.body as { ws: string; subscriptions: string };
  const agents = sim.directory.queues[0]?.lineIds ?? [];
  const subs = agents.map((id, i) => ({
    id: `agent-${i}`,
    type: 'dialog',
    entity: { id, type: 'line.v2', account: ORG },
  }));
  assert.equal((await api(sim, 'POST', new URL(urls.subscriptions).pathname, token, subs)).status, 200);
  const collector = await FrameCollector.open(urls.ws);
  await placeCall(sim, {
    scenario: 'queue',
    from: '7735550123',
    to: '+13125550140',
    answeredBy: '2103',
    talkMs: 1000,
  });
  await collector.waitFor((f) => f['type'] === 'withdraw' && f['subId'] === 'agent-1');
  const frames = dialogFrames(collector.frames);
  assert.deepEqual(
    new Set(frames.filter((f) => f['type'] === 'announce').map((f) => f['subId'])),
    new Set(['agent-0', 'agent-1', 'agent-2']),
  );
  assert.equal(new Set(frames.map((f) => (f.data as { originatorId: string }).originatorId)).size, 1);
  assert.deepEqual(
    frames.filter((f) => f['type'] === 'replace').map((f) => f['subId']),
    ['agent-1'],
  );
  assert.equal((frames[0]?.data as { ani: string }).ani, '+13125550140 <+13125550140>');
  collector.close();
});

test('keepalives stop when the keepalives fault is off', async () => {
  const token = await adminToken(sim);
  const { collector } = await sessionWithSubscription(token);
  await collector.waitFor((f) => f['type'] === 'keepalive');
  await postSim(sim, '/_sim/faults', { keepalives: false });
  const count = collector.frames.length;
  await new Promise((resolve) => setTimeout(resolve, 500)); // 100 simulated seconds
  assert.ok(collector.frames.length <= count + 1);
  await postSim(sim, '/_sim/faults', { keepalives: true });
  collector.close();
});

test('subscriptions must be an array of dialog subscriptions on a visible line of the right organization', async () => {
  const token = await adminToken(sim);
  const session = await api(sim, 'POST', '/v2/session', token);
  const path = new URL((session.body as { subscriptions: string }).subscriptions).pathname;
  const notArray = await api(sim, 'POST', path, token, { id: 'x', type: 'dialog' });
  assert.equal(notArray.status, 400);
  const wrongOrg = await api(sim, 'POST', path, token, [
    { id: 'x', type: 'dialog', entity: { id: LINE_2101, type: 'line.v2', account: '4718093562201847735' } },
  ]);
  assert.equal(wrongOrg.status, 400);
  assert.equal((wrongOrg.body as { errorCode: string }).errorCode, 'BAD_REQUEST');
});

test('a session can be read and deleted; afterwards it is 404 and its socket is refused', async () => {
  const token = await adminToken(sim);
  const session = await api(sim, 'POST', '/v2/session', token);
  const urls = session.body as { self: string; ws: string };
  const path = new URL(urls.self).pathname;
  assert.equal((await api(sim, 'GET', path, token)).status, 200);
  assert.equal((await api(sim, 'DELETE', path, token)).status, 204);
  assert.equal((await api(sim, 'GET', path, token)).status, 404);
  await assert.rejects(FrameCollector.open(urls.ws));
});

test('a session without a socket expires after the idle time', async () => {
  await withSimulator(fastSimulator({ realtimeIdleSeconds: 60 }), async (quick) => {
    const token = await adminToken(quick);
    const session = await api(quick, 'POST', '/v2/session', token);
    const path = new URL((session.body as { self: string }).self).pathname;
    await new Promise((resolve) => setTimeout(resolve, 450)); // 90 simulated seconds
    assert.equal((await api(quick, 'GET', path, token)).status, 404);
  });
});

test('the 31st session of one user is refused with 400', async () => {
  await withSimulator(fastSimulator(), async (other) => {
    const token = await adminToken(other);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      statuses.push((await api(other, 'POST', '/v2/session', token)).status);
    }
    assert.deepEqual(
      statuses.slice(0, 30),
      Array.from({ length: 30 }, () => 200),
    );
    assert.equal(statuses[30], 400);
  });
});

test('Realtime answers 401 without a token and 404 for an unknown session', async () => {
  assert.equal((await api(sim, 'POST', '/v2/session', null)).status, 401);
  const token = await adminToken(sim);
  assert.equal((await api(sim, 'GET', '/v2/session/nope', token)).status, 404);
  assert.equal((await api(sim, 'POST', '/v2/session/nope/subscriptions', token, [])).status, 404);
});

test('after DELETE {subscriptions} the session socket gets no more dialog frames', async () => {
  const token = await adminToken(sim);
  const { urls, collector } = await sessionWithSubscription(token);
  const removed = await api(sim, 'DELETE', new URL(urls.subscriptions).pathname, token);
  assert.equal(removed.status, 204);
  await placeCall(sim, { scenario: 'missed', from: '7085550134', to: '2101', answerAfterMs: 1000 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(dialogFrames(collector.frames), []);
  collector.close();
});
