// End to end against the simulator: Realtime v2 session, dialog subscriptions, frames → LegEvents, watchdog, limits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../simulator/index.ts';
import type { RunningSimulator } from '../../simulator/index.ts';
import type { LegEvent } from '../../calls/types.ts';
import { createRealtimeSource } from './source.ts';
import type { RealtimeSource } from './source.ts';
import { createSession, deleteSession, RealtimeSessionLimitError } from './session.ts';
import type { RealtimeSession } from './session.ts';
import type { TokenManager } from '../auth/token-manager.ts';
import { signedInSimulator, silent, simFaults, startRecording } from '../testing/harness.ts';
import type { Harness, SignedInSimulator } from '../testing/harness.ts';
import { usPhone } from '../testing/fixtures.ts';
import { placeCall, RecordingSink, waitFor } from '../testing/recording-sink.ts';

const SCALE = 100;
const KEEPALIVE_S = 30;
let sim: RunningSimulator;
let h: Harness;
let priya: TokenManager;
let env: SignedInSimulator<RunningSimulator>;

before(async () => {
  env = await signedInSimulator(
    await startSimulator({ autoApprove: true, timeScale: SCALE, keepaliveSeconds: KEEPALIVE_S }),
    'priya',
  );
  ({ sim, h, tokens: priya } = env);
});
after(() => env.close());

async function started(t: {
  after: (fn: () => Promise<void>) => void;
}): Promise<{ source: RealtimeSource; sink: RecordingSink }> {
  const source = createRealtimeSource({
    api: h.api(priya),
    lineIds: null,
    accountKey: '4718093562201847735',
    phone: usPhone,
    logger: silent,
    keepaliveMs: (2 * KEEPALIVE_S * 1000) / SCALE, // twice the real period: no false alarms on a busy CI box
    reconnect: { baseMs: 20, maxMs: 200 },
  });
  return startRecording(t, sim.url, source);
}

const legs = (sink: RecordingSink): LegEvent[] => sink.events.filter((e): e is LegEvent => e.kind === 'leg');
const gone = (sink: RecordingSink, caller: string) => () =>
  legs(sink).some((e) => e.caller.e164 === caller && e.leg.state === 'gone');

test('a call to the agent line arrives as ringing → connected → gone legs of one call', async (t) => {
  const { source, sink } = await started(t);
  assert.deepEqual(
    source.lines.map((l) => l.extension),
    ['2101'],
  );
  await placeCall(sim.url, {
    scenario: 'answered',
    from: '7085550134',
    callerName: 'TOLLIVER JUNE',
    to: '2101',
    talkMs: 2_000,
  });
  await waitFor('the hang-up', gone(sink, '+17085550134'));
  const events = legs(sink);
  const states = events.map((e) => e.leg.state).filter((s, i, all) => s !== all[i - 1]);
  assert.deepEqual(states, ['ringing', 'connected', 'gone']);
  assert.equal(new Set(events.map((e) => e.callId)).size, 1, 'one callId for the whole call');
  assert.equal(events[0]!.caller.name, 'TOLLIVER JUNE');
  assert.equal(events[0]!.direction, 'inbound');
  assert.equal(events[0]!.leg.extension, '2101');
  assert.equal(events[0]!.leg.lineId, source.lines[0]!.id);
  assert.equal(source.stats.invalid, 0);
});

test('keepalives arrive; when they stop, the watchdog re-creates the session', async (t) => {
  const { source, sink } = await started(t);
  await waitFor('a keepalive', () => source.stats.keepalives >= 1);
  await simFaults(sim.url, { keepalives: false });
  await waitFor('a new session', () => source.stats.sessions >= 2, 5_000);
  await simFaults(sim.url, { keepalives: true });
  assert.ok(sink.notes.some((n) => n.includes('no frame')));
  await placeCall(sim.url, { scenario: 'answered', from: '+18155550162', to: '2101', talkMs: 500 });
  await waitFor('a call on the new session', gone(sink, '+18155550162'));
});

test('a dropped socket reconnects to the same live session', async (t) => {
  const { source, sink } = await started(t);
  await simFaults(sim.url, { closeSockets: true });
  await waitFor('a reconnect', () => source.stats.reconnects >= 1);
  assert.equal(source.stats.sessions, 1, 'the session survived the disconnect');
  await placeCall(sim.url, { scenario: 'answered', from: '+12245550119', to: '2101', talkMs: 500 });
  await waitFor('a call after the reconnect', gone(sink, '+12245550119'));
});

test('the 31st session of a user is a clear error, retried with back-off until a session frees up', async () => {
  const marcus = await h.signIn('marcus.oyelaran@northgate-appliance.example', 'marcus-rt', [
    'users.v1.lines.read',
  ]);
  const api = h.api(marcus);
  const sessions: RealtimeSession[] = [];
  for (let i = 0; i < 30; i++) {
    sessions.push(await createSession(api));
  }
  await assert.rejects(createSession(api), RealtimeSessionLimitError);
  const source = createRealtimeSource({
    api,
    lineIds: null,
    accountKey: null,
    phone: usPhone,
    logger: silent,
    reconnect: { baseMs: 50, maxMs: 100 },
  });
  const starting = source.start(new RecordingSink());
  try {
    await waitFor('the limit error', () => /30 active sessions/.test(source.lastError ?? ''));
    assert.equal(source.connected, false);
    await deleteSession(api, sessions[0]!);
    await starting;
    assert.equal(source.connected, true);
    assert.equal(source.lastError, null);
  } finally {
    await source.stop();
  }
});

test('a session that idled out while disconnected (404) is replaced by a new one', async (t) => {
  // Idle expiry after 5 simulated seconds (50 ms here); the reconnect waits 200..400 ms, so it finds a 404.
  const idleEnv = await signedInSimulator(
    await startSimulator({ autoApprove: true, timeScale: SCALE, realtimeIdleSeconds: 5 }),
    'priya',
  );
  t.after(() => idleEnv.close());
  const { sim: idle, h: hi, tokens } = idleEnv;
  const source = createRealtimeSource({
    api: hi.api(tokens),
    lineIds: null,
    accountKey: null,
    phone: usPhone,
    logger: silent,
    reconnect: { baseMs: 400, maxMs: 800 },
  });
  const sink = new RecordingSink();
  await source.start(sink);
  t.after(() => source.stop());
  const sessions = source.stats.sessions;
  await simFaults(idle.url, { closeSockets: true });
  await waitFor('a new session', () => source.stats.sessions > sessions && source.connected);
  await placeCall(idle.url, { scenario: 'answered', from: '+13125550199', to: '2101', talkMs: 500 });
  await waitFor('a call on the new session', gone(sink, '+13125550199'));
});
