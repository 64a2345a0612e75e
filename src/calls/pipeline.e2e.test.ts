// End to end: simulator → real GoTo sources (Call Events channel, and Realtime per agent) → tracker.
// Both sources must tell the same story of each scenario: who rang, who answered, how it ended.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../simulator/index.ts';
import type { RunningSimulator } from '../simulator/index.ts';
import { createCallEventsSource, createRealtimeSource, SIGN_IN_SCOPES } from '../goto/index.ts';
import type { CallEventSource } from './ports.ts';
import { harness, silent, simPat } from '../goto/testing/harness.ts';
import type { Harness } from '../goto/testing/harness.ts';
import { usPhone } from '../goto/testing/fixtures.ts';
import { placeCall, waitFor } from '../goto/testing/recording-sink.ts';
import { CallTracker } from './call-tracker.ts';
import type { Call, CallChange } from './types.ts';

interface SimCall {
  readonly callId: string;
  readonly scenario: string;
  readonly originatorId: string;
  readonly expected: { readonly outcome: string; readonly answeredBy: string | null };
  readonly conversations: readonly { readonly conversationSpaceId: string; readonly direction: string }[];
}

class Recorder {
  readonly tracker = new CallTracker({ settleMs: 0, logger: silent });
  readonly changes = new Map<string, CallChange[]>();
  constructor() {
    this.tracker.onChange((c) => {
      const list = this.changes.get(c.call.id) ?? [];
      list.push(c);
      this.changes.set(c.call.id, list);
    });
  }
}

let sim: RunningSimulator;
let h: Harness;
const sources: CallEventSource[] = [];
const viaCallEvents = new Recorder();
const viaRealtime = new Recorder();
const extensionOf = new Map<string, string>();

before(async () => {
  sim = await startSimulator({ autoApprove: true, timeScale: 100 });
  h = await harness(sim.url);
  for (const line of sim.directory.lines) {
    extensionOf.set(line.id, line.extension);
  }
  const admin = await h.manager('admin');
  await admin.setTokens(await h.oauth.exchangePersonalAccessToken(simPat));
  const callEvents = createCallEventsSource({
    api: h.api(admin),
    accountKey: null,
    phone: usPhone,
    logger: silent,
    reconnect: { baseMs: 20, maxMs: 200 },
  });
  await callEvents.start(viaCallEvents.tracker);
  sources.push(callEvents);
  // Realtime sees only the lines of the signed-in user: one session per agent, all into one tracker.
  for (const user of sim.directory.users.filter((u) => u.lineIds.length > 0)) {
    const manager = await h.signIn(user.email, user.userKey, SIGN_IN_SCOPES);
    const realtime = createRealtimeSource({
      api: h.api(manager),
      lineIds: null,
      accountKey: null,
      phone: usPhone,
      logger: silent,
      reconnect: { baseMs: 20, maxMs: 200 },
    });
    await realtime.start(viaRealtime.tracker);
    sources.push(realtime);
  }
});

after(async () => {
  for (const source of sources) {
    await source.stop();
  }
  await sim?.close();
  await h?.cleanup();
});

async function simCall(conversationSpaceId: string): Promise<SimCall> {
  const response = await fetch(`${sim.url}/_sim/calls`);
  const { items } = (await response.json()) as { items: SimCall[] };
  const call = items.find((c) => c.conversations.some((v) => v.conversationSpaceId === conversationSpaceId));
  assert.ok(call, `the simulator lists ${conversationSpaceId}`);
  return call;
}

/**
 * What both sources can know the same way, per line: the states it went through, in order. Across lines the
 * order may differ within one instant (Realtime sends one frame per dialog, Call Events one state per change),
 * and "held" is Call Events only (inferred from the caller's ON_HOLD; a Realtime dialog stays ANSWERED).
 */
function lineStories(changes: readonly CallChange[]): Record<string, string[]> {
  const stories: Record<string, string[]> = {};
  for (const reason of changes.flatMap((c) => c.reasons)) {
    const leg = /^leg:(.+):(\w+)$/.exec(reason);
    if (leg === null) {
      continue;
    }
    const line = extensionOf.get(leg[1]!) ?? leg[1]!;
    const state = leg[2] === 'held' ? 'connected' : leg[2]!;
    const story = (stories[line] ??= []);
    if (story.at(-1) !== state) {
      story.push(state);
    }
  }
  return stories;
}

/** ringing → connected → ended, as the changes went. */
function phases(changes: readonly CallChange[]): string[] {
  return changes.map((c) => c.call.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
}

function summary(call: Call) {
  return {
    phase: call.phase,
    direction: call.direction,
    outcome: call.outcome,
    answeredBy: call.answeredBy === null ? null : (extensionOf.get(call.answeredBy) ?? call.answeredBy),
    caller: call.caller.e164 ?? (call.caller.withheld ? 'withheld' : call.caller.extension),
    lines: call.legs.map((l) => extensionOf.get(l.lineId)).sort(),
  };
}

interface Both {
  readonly sim: SimCall;
  readonly callEvents: Call;
  readonly realtime: Call;
  readonly callEventsChanges: readonly CallChange[];
  readonly realtimeChanges: readonly CallChange[];
}

/** Places a call and waits until both trackers have ended it. Realtime names a call by its originatorId. */
async function run(body: Record<string, unknown>): Promise<Both> {
  const conversationSpaceId = await placeCall(sim.url, { talkMs: 2_000, ...body });
  const placed = await simCall(conversationSpaceId);
  const ended = (r: Recorder, id: string) => () => r.tracker.get(id)?.phase === 'ended';
  await waitFor('Call Events: ended', ended(viaCallEvents, conversationSpaceId), 15_000);
  await waitFor('Realtime: ended', ended(viaRealtime, placed.originatorId), 15_000);
  return {
    sim: placed,
    callEvents: viaCallEvents.tracker.get(conversationSpaceId)!,
    realtime: viaRealtime.tracker.get(placed.originatorId)!,
    callEventsChanges: viaCallEvents.changes.get(conversationSpaceId)!,
    realtimeChanges: viaRealtime.changes.get(placed.originatorId)!,
  };
}

function assertSame(both: Both, expected: Partial<ReturnType<typeof summary>>): void {
  const a = summary(both.callEvents);
  const b = summary(both.realtime);
  assert.deepEqual(b, a, 'both sources end in the same call model');
  assert.deepEqual(phases(both.realtimeChanges), phases(both.callEventsChanges), 'same phases');
  assert.deepEqual(
    lineStories(both.realtimeChanges),
    lineStories(both.callEventsChanges),
    'same line stories',
  );
  const answered = (changes: readonly CallChange[]) =>
    changes.filter((c) => c.reasons.includes('answered')).map((c) => c.call.answeredBy);
  assert.deepEqual(
    answered(both.realtimeChanges),
    answered(both.callEventsChanges),
    'answered once, same line',
  );
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(a[key as keyof typeof a], value, key);
  }
}

test('inbound direct call answered: same transitions from both sources', async () => {
  const both = await run({ scenario: 'answered', from: '+18155550162', to: '2101' });
  assertSame(both, { outcome: 'answered', answeredBy: '2101', caller: '+18155550162', direction: 'inbound' });
});

test('ring-all queue answered elsewhere: same transitions from both sources', async () => {
  const both = await run({ scenario: 'queue', from: '+17735550123', to: '+13125550140', answeredBy: '2103' });
  assertSame(both, { outcome: 'answered', answeredBy: '2103', lines: ['2102', '2103', '2104'] });
});

test('caller leaves the queue while agents ring: missed (lines rang) in both sources', async () => {
  // The simulator labels this "abandoned" (GoTo's queue callerOutcome); our contract says a call that rang
  // lines and was not answered is missed — abandoned is for a caller who left before any line rang.
  const both = await run({ scenario: 'abandoned', from: '+17735550123', to: '+13125550140' });
  assert.equal(both.sim.expected.outcome, 'abandoned');
  assertSame(both, { outcome: 'missed', answeredBy: null, lines: ['2102', '2103', '2104'] });
});

test('missed call to a two-device line: same transitions from both sources', async () => {
  const both = await run({ scenario: 'missed', from: '+12245550119', to: '2105' });
  assertSame(both, { outcome: 'missed', answeredBy: null, lines: ['2105'] });
});

test('answered on one device of a two-device line: same transitions from both sources', async () => {
  const both = await run({ scenario: 'answered', from: '+12245550119', to: '2105' });
  assertSame(both, { outcome: 'answered', answeredBy: '2105' });
});

test('warm transfer keeps the original caller in both sources', async () => {
  const both = await run({ scenario: 'transfer', from: '+12245550119', to: '2105', transferTo: '2102' });
  assertSame(both, {
    outcome: 'answered',
    answeredBy: '2105',
    caller: '+12245550119',
    lines: ['2102', '2105'],
  });
});

test('outbound call: same transitions from both sources', async () => {
  const both = await run({ scenario: 'outbound', from: '2101', to: '+16305550188' });
  assertSame(both, { outcome: 'answered', direction: 'outbound', answeredBy: '2101', caller: '2101' });
});

test('internal call: same transitions from both sources', async () => {
  const both = await run({ scenario: 'internal', from: '2102', to: '2104' });
  assertSame(both, { outcome: 'answered', direction: 'internal', answeredBy: '2104', caller: '2102' });
});

test('withheld caller: same transitions from both sources', async () => {
  const both = await run({ scenario: 'answered', from: 'Anonymous', to: '2103' });
  assertSame(both, { outcome: 'answered', caller: 'withheld' });
});
