// Spec: a whole call of each scenario, as Call Events frames on a channel, has the fixtures' structure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../index.ts';
import { fixture } from '../testing/fixtures.ts';
import { shapeDiff } from '../testing/shape.ts';
import {
  adminToken,
  fastSimulator,
  framesOf,
  placeCall,
  stateOf,
  subscribedChannel,
  waitEnding,
} from './testing/support.ts';
import type { FrameCollector, Frame } from './testing/support.ts';

let sim: RunningSimulator;
let collector: FrameCollector;

before(async () => {
  sim = await fastSimulator();
  const token = await adminToken(sim);
  ({ collector } = await subscribedChannel(sim, token));
});

after(async () => {
  collector.close();
  await sim.close();
});

function types(frames: readonly Frame[]): string[] {
  return frames.map((f) => String(stateOf(f).state['type']));
}

async function fixtureFrames(name: string): Promise<Frame[]> {
  return (await fixture(`call-events/${name}`)) as Frame[];
}

/** Compares frame i with fixture frame i (same state number) and returns every structural difference. */
function diffByPosition(actual: readonly Frame[], expected: readonly Frame[]): string[] {
  const diffs: string[] = [];
  actual.forEach((frame, i) => {
    const wanted = expected[i];
    if (wanted !== undefined) {
      const { eventId: _a, ...a } = frame;
      const { eventId: _b, ...b } = wanted;
      diffs.push(...shapeDiff(a, b, `$[${i}]`));
    }
  });
  return diffs;
}

async function runCall(body: unknown): Promise<{ frames: Frame[]; placed: Record<string, unknown> }> {
  const placed = await placeCall(sim, body);
  const id = String(placed['conversationSpaceId']);
  await waitEnding(collector, id);
  return { frames: framesOf(collector.frames, id), placed };
}

test('a queue call answered by one agent matches ws-call-a state for state', async () => {
  const { frames, placed } = await runCall({
    scenario: 'queue',
    from: '+17735550123',
    callerName: 'FENN MARLOWE',
    to: '+13125550140',
    answeredBy: '2103',
  });
  const expected = await fixtureFrames('ws-call-a-queue-answered.json');
  assert.deepEqual(types(frames), types(expected));
  assert.deepEqual(diffByPosition(frames, expected), []);
  assert.deepEqual(placed['expected'], { outcome: 'answered', answeredBy: '2103' });
});

test('a missed direct call to a two-device line matches ws-call-b', async () => {
  const { frames, placed } = await runCall({ scenario: 'missed', from: '8155550162', to: '+13125550177' });
  const expected = await fixtureFrames('ws-call-b-direct-missed.json');
  assert.deepEqual(types(frames), types(expected));
  assert.deepEqual(diffByPosition(frames, expected), []);
  assert.deepEqual(placed['expected'], { outcome: 'missed', answeredBy: null });
});

test('an outbound call from a line matches ws-call-c, with the recording on ENDING', async () => {
  const { frames } = await runCall({ scenario: 'outbound', from: '2101', to: '630-555-0188' });
  const expected = await fixtureFrames('ws-call-c-outbound.json');
  assert.deepEqual(types(frames), types(expected));
  assert.deepEqual(diffByPosition(frames, expected), []);
  assert.equal(stateOf(frames[0] as Frame).metadata['dialString'], '6305550188');
});

test('an internal call matches ws-call-e: OUTBOUND with two LINE parties', async () => {
  const { frames } = await runCall({ scenario: 'internal', from: '2102', to: '2104' });
  const expected = await fixtureFrames('ws-call-e-internal.json');
  assert.deepEqual(types(frames), types(expected));
  assert.deepEqual(diffByPosition(frames, expected), []);
});

test('a warm transfer matches ws-call-d in both conversations and their interleaving', async () => {
  const placed = await placeCall(sim, {
    scenario: 'transfer',
    from: '+12245550119',
    callerName: 'BRIARWOOD    IL',
    to: '+13125550177',
    transferTo: '2102',
  });
  const callerId = String(placed['conversationSpaceId']);
  await waitEnding(collector, callerId);
  const expected = await fixtureFrames('ws-call-d-warm-transfer.json');
  const expectedCaller = framesOf(expected, '7aaa851f-b0dd-3da6-92ab-92cc719388a7');
  const expectedConsult = framesOf(expected, 'b75fc43a-97c9-3363-b8ca-90fe014c4d00');
  const callerFrames = framesOf(collector.frames, callerId);
  const consultId = String(stateOf(callerFrames[7] as Frame).metadata['associatedConversations']);
  const consultFrames = framesOf(collector.frames, consultId);
  assert.deepEqual(types(callerFrames), types(expectedCaller));
  assert.deepEqual(types(consultFrames), types(expectedConsult));
  assert.deepEqual(diffByPosition(callerFrames, expectedCaller), []);
  assert.deepEqual(diffByPosition(consultFrames, expectedConsult), []);
  const order = (list: readonly Frame[], ids: readonly string[]) =>
    list
      .filter((f) => ids.includes(String(stateOf(f).metadata['conversationSpaceId'])))
      .map((f) => (stateOf(f).metadata['conversationSpaceId'] === ids[0] ? 'caller' : 'consult'));
  assert.deepEqual(
    order(collector.frames, [callerId, consultId]),
    order(expected, ['7aaa851f-b0dd-3da6-92ab-92cc719388a7', 'b75fc43a-97c9-3363-b8ca-90fe014c4d00']),
  );
});

/** Every frame of `actual` must structurally match some frame of `expected` (eventId aside). */
function diffAgainstAny(actual: readonly Frame[], expected: readonly Frame[]): string[] {
  const strip = (list: readonly Frame[]) => list.map(({ eventId: _e, ...rest }) => rest);
  return shapeDiff(strip(actual), strip(expected));
}

test('a direct call answered on the desk phone has the states of ws-call-d before the hold', async () => {
  const { frames, placed } = await runCall({
    scenario: 'answered',
    from: '2245550119',
    to: '+13125550177',
  });
  assert.deepEqual(types(frames), [
    'STARTING',
    'STARTING',
    'STARTING',
    'STARTING',
    'ACTIVE',
    'ACTIVE',
    'ACTIVE',
    'ACTIVE',
    'ENDING',
  ]);
  const expected = [
    ...(await fixtureFrames('ws-call-d-warm-transfer.json')),
    ...(await fixtureFrames('ws-call-a-queue-answered.json')),
  ]; // the answered part of (d), the ENDING of (a)
  assert.deepEqual(diffAgainstAny(frames, expected), []);
  assert.deepEqual(placed['expected'], { outcome: 'answered', answeredBy: '2105' });
});

test('a caller who gives up in the queue never connects and ENDING has no hangupOriginatorId', async () => {
  const { frames, placed } = await runCall({
    scenario: 'abandoned',
    from: 'Anonymous',
    to: '+13125550140',
  });
  const statuses = frames.flatMap((f) =>
    (stateOf(f).state['participants'] as { status: { value: string } }[]).map((p) => p.status.value),
  );
  assert.ok(!statuses.includes('CONNECTED'));
  const ending = stateOf(frames[frames.length - 1] as Frame);
  assert.equal(ending.state['type'], 'ENDING');
  assert.equal(Object.hasOwn(ending.metadata, 'hangupOriginatorId'), false);
  assert.deepEqual(diffAgainstAny(frames, await fixtureFrames('ws-call-a-queue-answered.json')), []);
  const caller = (stateOf(frames[0] as Frame).state['participants'] as { type: { caller: unknown } }[])[0];
  assert.deepEqual(caller?.type.caller, { name: 'Anonymous', number: 'Anonymous' });
  assert.deepEqual(placed['expected'], { outcome: 'abandoned', answeredBy: null });
});

test('ids carry the fixtures UUID versions and live timestamps trim trailing zeros', async () => {
  const { frames } = await runCall({
    scenario: 'missed',
    from: '8155550162',
    to: '+13125550177',
    answerAfterMs: 1000,
  });
  const version = (uuid: unknown) => String(uuid).charAt(14);
  for (const frame of frames) {
    const { metadata, state } = stateOf(frame);
    assert.equal(version(metadata['conversationSpaceId']), '3');
    assert.equal(version(state['id']), '5');
    assert.equal(version(frame.data?.['id']), '4');
    for (const p of state['participants'] as { id: string; legId: string }[]) {
      assert.equal(version(p.id), '5');
      assert.equal(version(p.legId), '4');
    }
    assert.match(String(state['timestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,2}[1-9])?Z$/);
    assert.match(String(frame['timestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z$/);
  }
  assert.equal(
    stateOf(frames[0] as Frame).state['timestamp'],
    stateOf(frames[0] as Frame).metadata['callCreated'],
  );
});
