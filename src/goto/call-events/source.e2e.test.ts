// End to end against the simulator: channel + subscription + socket, refresh, rebuild, gap and reconnect recovery.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../simulator/index.ts';
import type { RunningSimulator } from '../../simulator/index.ts';
import { createCallEventsSource } from './source.ts';
import type { CallEventsSource } from './source.ts';
import { SubscriptionError } from './notification-channel.ts';
import type { TokenManager } from '../auth/token-manager.ts';
import { signedInSimulator, silent, simFaults, startCallEvents } from '../testing/harness.ts';
import type { Harness, SignedInSimulator, TestHooks } from '../testing/harness.ts';
import { z } from 'zod';
import { usPhone } from '../testing/fixtures.ts';
import { placeCall, RecordingSink, waitFor } from '../testing/recording-sink.ts';

let sim: RunningSimulator;
let h: Harness;
let admin: TokenManager;
let env: SignedInSimulator<RunningSimulator>;

before(async () => {
  // 200× time: a 700 s channel asks for a refresh after 0.5 s and would expire after 3.5 s.
  env = await signedInSimulator(
    await startSimulator({ autoApprove: true, timeScale: 200, channelLifetimeSeconds: 700 }),
    'admin',
  );
  ({ sim, h, tokens: admin } = env);
});
after(() => env.close());

const started = (t: TestHooks): Promise<{ source: CallEventsSource; sink: RecordingSink }> =>
  startCallEvents(t, sim.url, { api: h.api(admin) });

test('a queue call arrives as normalized snapshots from STARTING to ENDING', async (t) => {
  const { source, sink } = await started(t);
  assert.equal(source.connected, true);
  const callId = await placeCall(sim.url, {
    scenario: 'queue',
    from: '+17735550123',
    callerName: 'FENN MARLOWE',
    to: '+13125550140',
    answeredBy: '2103',
    talkMs: 2_000,
  });
  await waitFor('ENDING', sink.ended(callId));
  const states = sink.snapshots(callId);
  assert.equal(states[0]!.stateType, 'STARTING');
  assert.equal(states[0]!.seq, 1);
  assert.equal(states[0]!.caller?.e164, '+17735550123');
  assert.equal(states[0]!.caller?.name, 'FENN MARLOWE');
  assert.equal(states[0]!.dialed, '+13125550140');
  assert.ok(
    states.some((e) => e.queue !== null),
    'the queue shows up',
  );
  assert.ok(states.some((e) => e.legs.some((l) => l.extension === '2103' && l.state === 'connected')));
  assert.deepEqual(
    states.map((e) => e.seq),
    states.map((_, i) => i + 1),
    'in order, no gaps',
  );
  assert.equal(source.stats.invalid, 0);
});

test('WEBSOCKET_REFRESH_REQUIRED is answered with a PUT refresh, and the channel outlives its first lifetime', async (t) => {
  const { source, sink } = await started(t);
  await waitFor('two refreshes', () => source.stats.channelRefreshes >= 2, 8_000);
  await new Promise((resolve) => setTimeout(resolve, 3_600)); // past the unrefreshed expiry (3.5 s)
  assert.equal(source.stats.reconnects, 0, 'never rebuilt: the refreshes kept it alive');
  const callId = await placeCall(sim.url, {
    scenario: 'answered',
    from: '+18155550162',
    to: '2105',
    talkMs: 500,
  });
  await waitFor('ENDING', sink.ended(callId));
});

test('a dropped socket is rebuilt (new channel + subscription) and active calls are recovered', async (t) => {
  const { source, sink } = await started(t);
  const callId = await placeCall(sim.url, {
    scenario: 'answered',
    from: '+18155550162',
    to: '2105',
    talkMs: 600_000,
  });
  await waitFor('the call rings', () => sink.snapshots(callId).length > 0);
  await simFaults(sim.url, { closeSockets: true });
  await waitFor('a reconnect', () => source.stats.reconnects >= 1);
  await waitFor('a recovery', () => sink.recoveries.some((r) => r.reason.startsWith('reconnected')));
  const recovery = sink.recoveries.find((r) => r.reason.startsWith('reconnected'))!;
  assert.ok(
    recovery.active.some((e) => e.callId === callId),
    'the live call is in the recovered set',
  );
  assert.ok(sink.notes.some((n) => n.includes('channel lost')));
  const next = await placeCall(sim.url, {
    scenario: 'answered',
    from: '+12245550119',
    to: '2105',
    talkMs: 500,
  });
  await waitFor('ENDING after the rebuild', sink.ended(next));
});

test('sequence gaps are filled from the conversation-spaces events endpoint', async (t) => {
  const { source, sink } = await started(t);
  await simFaults(sim.url, { drop: 0.5 });
  const callId = await placeCall(sim.url, {
    scenario: 'queue',
    from: '+17735550123',
    to: '+13125550140',
    answeredBy: '2104',
    talkMs: 2_000,
  });
  await waitFor('a gap', () => source.stats.gaps >= 1, 8_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const seqs = new Set(sink.snapshots(callId).map((e) => e.seq));
  const highest = Math.max(...seqs);
  for (let seq = 1; seq <= highest; seq++) {
    assert.ok(seqs.has(seq), `state ${seq} was delivered or recovered`);
  }
  assert.ok(
    sink.snapshots(callId).some((e) => e.notificationId === null),
    'some states came from recovery',
  );
});

test('a 207 whose entry failed is a clear error (the user is not an admin)', async () => {
  const agent = await h.signIn('marcus.oyelaran@northgate-appliance.example', 'marcus', [
    'users.v1.lines.read',
    'call-events.v1.notifications.manage',
    'call-events.v1.events.read',
  ]);
  const source = createCallEventsSource({
    api: h.api(agent),
    accountKey: '4718093562201847735',
    phone: usPhone,
    logger: silent,
  });
  await assert.rejects(source.start(new RecordingSink()), (e: unknown) => {
    assert.ok(e instanceof SubscriptionError, String(e));
    assert.match(e.message, /403/);
    return true;
  });
  await source.stop();
});

test('stop() deletes the channel (and with it the subscription)', async () => {
  const api = h.api(admin);
  const list = z.object({ items: z.array(z.object({ channelId: z.string() })).nullish() });
  const count = async (): Promise<number> =>
    (
      await api.request('GET', api.url('api', '/notification-channel/v1/channels', { pageSize: '100' }), {
        schema: list,
      })
    ).body.items?.length ?? 0;
  const before = await count();
  const source = createCallEventsSource({ api, accountKey: null, phone: usPhone, logger: silent });
  await source.start(new RecordingSink());
  assert.equal(await count(), before + 1);
  await source.stop();
  assert.equal(await count(), before);
  assert.equal(source.connected, false);
});

test('start() rides out GoTo failing at boot (5xx), and connects once it recovers', async (t) => {
  await simFaults(sim.url, { http5xx: 1 });
  const source = createCallEventsSource({
    api: h.api(admin),
    accountKey: null,
    phone: usPhone,
    logger: silent,
    reconnect: { baseMs: 20, maxMs: 100 },
  });
  t.after(() => source.stop());
  const starting = source.start(new RecordingSink());
  await waitFor('a failed attempt', () => /→ 5\d\d/.test(source.lastError ?? ''));
  assert.equal(source.connected, false);
  await simFaults(sim.url, { reset: true });
  await starting;
  assert.equal(source.connected, true);
  assert.equal(source.lastError, null);
});

test('a failed channel refresh rebuilds the channel with back-off', async (t) => {
  const { source, sink } = await started(t);
  await simFaults(sim.url, { http5xx: 1 }); // the PUT refresh (due after 0.5 s) and the first rebuilds fail
  await waitFor('the channel to be given up', () => !source.connected, 4_000);
  assert.equal(source.stats.channelRefreshes, 0);
  await simFaults(sim.url, { reset: true });
  await waitFor('a rebuilt channel', () => source.connected && source.stats.reconnects >= 1, 4_000);
  assert.ok(sink.notes.some((n) => n.includes('channel refresh failed')));
});

test('outbound, internal and transferred calls from the simulator normalize like the fixtures', async (t) => {
  const { sink } = await started(t);
  const outbound = await placeCall(sim.url, {
    scenario: 'outbound',
    from: '2101',
    to: '6305550188',
    talkMs: 500,
  });
  const internal = await placeCall(sim.url, { scenario: 'internal', from: '2102', to: '2104', talkMs: 500 });
  const transfer = await placeCall(sim.url, {
    scenario: 'transfer',
    from: '+12245550119',
    to: '+13125550177',
    transferTo: '2102',
    talkMs: 500,
  });
  for (const id of [outbound, internal, transfer]) {
    await waitFor(`ENDING of ${id}`, sink.ended(id));
  }
  const out = sink.snapshots(outbound);
  assert.ok(out.every((e) => e.direction === 'outbound'));
  assert.equal(out[0]!.caller?.extension, '2101');
  assert.ok(out.every((e) => e.stateType === 'ENDING' || e.callee?.e164 === '+16305550188'));
  const inside = sink.snapshots(internal);
  assert.ok(inside.every((e) => e.direction === 'internal'));
  assert.equal(inside[1]!.callee?.extension, '2104');
  const moved = sink.snapshots(transfer);
  assert.ok(
    moved.some((e) => e.associated.length > 0),
    'the consult conversation is linked',
  );
  assert.ok(moved.some((e) => e.legs.some((l) => l.extension === '2102' && l.state === 'connected')));
});
