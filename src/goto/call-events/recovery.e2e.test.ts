// End to end against the simulator: what the Call Events source recovers when states or whole calls go missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../simulator/index.ts';
import type { RunningSimulator } from '../../simulator/index.ts';
import { GoToApiError } from '../http/api-error.ts';
import type { CallEventsSource, CallEventsSourceSettings } from './source.ts';
import type { GoToApi } from '../http/rest-client.ts';
import type { TokenManager } from '../auth/token-manager.ts';
import { signedInSimulator, simFaults, startCallEvents } from '../testing/harness.ts';
import type { Harness, SignedInSimulator, TestHooks } from '../testing/harness.ts';
import type { RecordingSink } from '../testing/recording-sink.ts';
import { placeCall, waitFor } from '../testing/recording-sink.ts';

// 100× time; reports are ready 300 simulated s (3 s real) after a call ends.
const TIME_SCALE = 100;
const REPORT_DELAY_MS = 3_000;

let sim: RunningSimulator;
let h: Harness;
let admin: TokenManager;
let env: SignedInSimulator<RunningSimulator>;

before(async () => {
  env = await signedInSimulator(
    await startSimulator({
      autoApprove: true,
      timeScale: TIME_SCALE,
      reportDelaySeconds: (REPORT_DELAY_MS * TIME_SCALE) / 1000,
    }),
    'admin',
  );
  ({ sim, h, tokens: admin } = env);
});
after(() => env.close());

/** The real API, except that `fail` may answer a request with an error first. */
function faultyApi(fail: (method: string, url: string) => Error | null): GoToApi {
  const api = h.api(admin);
  return {
    urls: api.urls,
    url: (host, path, query) => api.url(host, path, query),
    request: (method, url, options) => {
      const error = fail(method, url);
      return error === null ? api.request(method, url, options) : Promise.reject(error);
    },
  };
}

const apiError = (status: number, url: string): GoToApiError =>
  new GoToApiError('GET', new URL(url).pathname, status, null, null, [], 'injected by the test');

function started(
  t: TestHooks,
  settings: Partial<CallEventsSourceSettings> = {},
): Promise<{ source: CallEventsSource; sink: RecordingSink }> {
  return startCallEvents(t, sim.url, {
    api: h.api(admin),
    recoveryRetry: { baseMs: 20, maxMs: 100, attempts: 4 },
    reconcileIntervalMs: 3_600_000,
    reports: { delayMs: 500, attempts: 8, marginMs: 60_000, clockSlackMs: 3_600_000 },
    ...settings,
  });
}

async function simEnded(callId: string): Promise<boolean> {
  const response = await fetch(`${sim.url}/_sim/calls`);
  const { items } = (await response.json()) as {
    items: { ended: boolean; conversations: { conversationSpaceId: string }[] }[];
  };
  return items.some((c) => c.ended && c.conversations.some((v) => v.conversationSpaceId === callId));
}

async function untilSimEnded(callId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await simEnded(callId))) {
    assert.ok(Date.now() < deadline, 'the simulator ends the call');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const answered = { scenario: 'answered', from: '+18155550162', to: '2105', answerAfterMs: 1_000 };

test('a recovery carries the time its active-call list was asked for', async (t) => {
  const before = Date.now();
  const { sink } = await started(t);
  await waitFor('the start recovery', () => sink.recoveries.length > 0);
  const requestedAt = sink.recoveries[0]!.requestedAt;
  assert.ok(requestedAt !== undefined && requestedAt >= before && requestedAt <= Date.now(), 'requestedAt');
});

test('a call whose ENDING was dropped is ended by the reconciliation with its real states', async (t) => {
  const { source, sink } = await started(t, { reconcileIntervalMs: 200 });
  const callId = await placeCall(sim.url, { ...answered, talkMs: 100_000 });
  await waitFor('the answer', () => sink.snapshots(callId).some((e) => e.stateType === 'ACTIVE'));
  await simFaults(sim.url, { drop: 1 });
  await untilSimEnded(callId);
  await simFaults(sim.url, { drop: 0 });
  await waitFor('the ENDING', sink.ended(callId), 2_000);
  const ending = sink.snapshots(callId).find((e) => e.stateType === 'ENDING')!;
  assert.equal(ending.notificationId, null, 'fetched by recovery');
  assert.ok(source.stats.reconciliations >= 1);
  assert.equal(source.stats.reportStates, 0, 'before any report was ready');
  const last = sink.recoveries.at(-1)!;
  assert.ok(!last.active.some((e) => e.callId === callId), 'no longer listed');
});

test('reconciliation lists calls only while some are live', async (t) => {
  const { source } = await started(t, { reconcileIntervalMs: 100 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(source.stats.reconciliations, 0);
});

test('a vanished call whose states are gone (404) stays live until its report gives its end', async (t) => {
  let gone = '';
  const { source, sink } = await started(t, {
    reconcileIntervalMs: 200,
    api: faultyApi((_, url) => (gone !== '' && url.includes(`/${gone}/events`) ? apiError(404, url) : null)),
  });
  const callId = await placeCall(sim.url, { ...answered, talkMs: 50_000 });
  await waitFor('the answer', () => sink.snapshots(callId).some((e) => e.stateType === 'ACTIVE'));
  gone = callId;
  await simFaults(sim.url, { drop: 1 });
  await untilSimEnded(callId);
  await simFaults(sim.url, { drop: 0 });
  await waitFor('a reconciliation that keeps it', () =>
    sink.recoveries.some((r) => r.reason === 'reconciliation' && r.active.some((e) => e.callId === callId)),
  );
  assert.ok(!sink.ended(callId)());
  await waitFor('the ENDING from the report', sink.ended(callId), REPORT_DELAY_MS + 3_000);
  assert.ok(source.stats.reportStates >= 1);
});

test('a call that starts and ends during an outage is recovered from the report summaries', async (t) => {
  const { source, sink } = await started(t);
  await simFaults(sim.url, { http5xx: 1, closeSockets: true });
  await waitFor('the channel lost', () => !source.connected);
  const callId = await placeCall(sim.url, { ...answered, talkMs: 20_000 });
  await untilSimEnded(callId);
  // Past the report delay: its REPORT_SUMMARY went nowhere (no channel was subscribed).
  await new Promise((resolve) => setTimeout(resolve, REPORT_DELAY_MS + 300));
  await simFaults(sim.url, { reset: true });
  await waitFor('the reconnect', () => source.connected && source.stats.reconnects >= 1, 3_000);
  await waitFor('the call from its report', sink.ended(callId), 5_000);
  const states = sink.snapshots(callId);
  assert.deepEqual(
    states.map((e) => e.seq),
    states.map((_, i) => i + 1),
    'its whole history, in order',
  );
  assert.equal(states[0]!.caller?.e164, '+18155550162');
  assert.ok(states.some((e) => e.legs.some((l) => l.extension === '2105' && l.state === 'connected')));
});

test('a REPORT_SUMMARY for a call never seen ending delivers its report states', async (t) => {
  const { source, sink } = await started(t);
  await simFaults(sim.url, { drop: 1 });
  const callId = await placeCall(sim.url, { ...answered, talkMs: 20_000 });
  await untilSimEnded(callId);
  await simFaults(sim.url, { drop: 0 });
  assert.equal(sink.snapshots(callId).length, 0, 'nothing seen live');
  await waitFor('the report', sink.ended(callId), REPORT_DELAY_MS + 3_000);
  assert.ok(source.stats.reportStates >= 3);
});

test('a refused REPORT_SUMMARY subscription is counted once and the source carries on', async (t) => {
  const refused = (method: string, url: string): Error | null =>
    method === 'POST' && url.includes('/call-events-report/v1/subscriptions') ? apiError(403, url) : null;
  const { source, sink } = await started(t, { api: faultyApi(refused) });
  assert.equal(source.connected, true);
  assert.equal(source.stats.reportSubscriptionFailures, 1);
  await simFaults(sim.url, { closeSockets: true });
  await waitFor('a reconnect', () => source.connected && source.stats.reconnects >= 1);
  assert.equal(source.stats.reportSubscriptionFailures, 1, 'not asked again');
  const callId = await placeCall(sim.url, { ...answered, talkMs: 5_000 });
  await waitFor('the call', sink.ended(callId));
});

/** A fault on POST report subscriptions: a 401 for the first `refusals` asks. */
function reportSubscriptionExpired(refusals: number): { asked: () => number; api: GoToApi } {
  let asked = 0;
  const api = faultyApi((method, url) => {
    if (method !== 'POST' || !url.includes('/call-events-report/v1/subscriptions')) {
      return null;
    }
    asked++;
    return asked <= refusals ? apiError(401, url) : null;
  });
  return { asked: () => asked, api };
}

test('a REPORT_SUMMARY subscription refused once with 401 is tried again on the same channel', async (t) => {
  const fault = reportSubscriptionExpired(1);
  const { source, sink } = await started(t, { api: fault.api });
  assert.equal(fault.asked(), 2);
  assert.equal(source.stats.reportSubscriptionFailures, 0, 'the channel has its summaries');
  await simFaults(sim.url, { drop: 1 });
  const callId = await placeCall(sim.url, { ...answered, talkMs: 5_000 });
  await untilSimEnded(callId);
  await simFaults(sim.url, { drop: 0 });
  await waitFor('the report', sink.ended(callId), REPORT_DELAY_MS + 3_000);
});

test('a REPORT_SUMMARY subscription refused with 401 through its tries is asked again on the next channel', async (t) => {
  const fault = reportSubscriptionExpired(4); // recoveryRetry.attempts
  const { source, sink } = await started(t, { api: fault.api });
  assert.equal(source.stats.reportSubscriptionFailures, 1);
  await simFaults(sim.url, { closeSockets: true });
  await waitFor('a reconnect', () => source.connected && source.stats.reconnects >= 1);
  assert.equal(fault.asked(), 5, 'asked again: reports are not given up on a token that expired');
  assert.equal(source.stats.reportSubscriptionFailures, 1);
  await simFaults(sim.url, { drop: 1 });
  const callId = await placeCall(sim.url, { ...answered, talkMs: 5_000 });
  await untilSimEnded(callId);
  await simFaults(sim.url, { drop: 0 });
  await waitFor('the report', sink.ended(callId), REPORT_DELAY_MS + 3_000);
});

test('a failed gap fetch is retried with back-off', async (t) => {
  let failures = 2;
  const { source, sink } = await started(t, {
    api: faultyApi((_, url) => (url.includes('/events') && failures-- > 0 ? apiError(503, url) : null)),
  });
  await simFaults(sim.url, { drop: 0.5 });
  const callId = await placeCall(sim.url, {
    scenario: 'queue',
    from: '+17735550123',
    to: '+13125550140',
    answeredBy: '2104',
    talkMs: 20_000,
  });
  await waitFor('a gap', () => source.stats.gaps >= 1, 8_000);
  await simFaults(sim.url, { drop: 0 });
  await waitFor('the retries', () => source.stats.fetchRetries >= 2);
  await untilSimEnded(callId);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const seqs = new Set(sink.snapshots(callId).map((e) => e.seq));
  for (let seq = 1; seq <= Math.max(...seqs); seq++) {
    assert.ok(seqs.has(seq), `state ${seq} was delivered or recovered`);
  }
});

test('a gap fetch refused with 401 after the refreshes is retried with back-off', async (t) => {
  let failures = 2;
  const { source, sink } = await started(t, {
    api: faultyApi((_, url) => (url.includes('/events') && failures-- > 0 ? apiError(401, url) : null)),
  });
  await simFaults(sim.url, { drop: 0.5 });
  const callId = await placeCall(sim.url, {
    scenario: 'queue',
    from: '+17735550123',
    to: '+13125550140',
    answeredBy: '2104',
    talkMs: 20_000,
  });
  await waitFor('a gap', () => source.stats.gaps >= 1, 8_000);
  await simFaults(sim.url, { drop: 0 });
  await waitFor('the retries', () => source.stats.fetchRetries >= 2);
  await untilSimEnded(callId);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const seqs = new Set(sink.snapshots(callId).map((e) => e.seq));
  for (let seq = 1; seq <= Math.max(...seqs); seq++) {
    assert.ok(seqs.has(seq), `state ${seq} was delivered or recovered`);
  }
});

test('a report read refused with 401 after the refreshes is tried again, so the call is not lost', async (t) => {
  let failures = 2;
  const { sink } = await started(t, {
    api: faultyApi((_, url) => (url.includes('/reports/') && failures-- > 0 ? apiError(401, url) : null)),
  });
  await simFaults(sim.url, { drop: 1 });
  const callId = await placeCall(sim.url, { ...answered, talkMs: 20_000 });
  await untilSimEnded(callId);
  await simFaults(sim.url, { drop: 0 });
  await waitFor('the report, past two 401s', sink.ended(callId), REPORT_DELAY_MS + 10_000);
  assert.ok(failures < 0, 'the 401s were met');
});

test('an outage that begins while the last one is still being recovered keeps the first one’s calls', async (t) => {
  // The active-call lists of the recoveries wait while `held` (a slow recovery: a busy host, a 401).
  let release: () => void = () => {};
  let held: Promise<void> | null = null;
  const api = h.api(admin);
  const slow: GoToApi = {
    urls: api.urls,
    url: (host, path, query) => api.url(host, path, query),
    request: async (method, url, options) => {
      if (held !== null && url.includes('/conversation-spaces')) {
        await held;
      }
      return api.request(method, url, options);
    },
  };
  const { source, sink } = await started(t, { api: slow });
  // Outage 1: a whole call starts and ends unseen, its REPORT_SUMMARY going nowhere.
  await simFaults(sim.url, { http5xx: 1, closeSockets: true });
  await waitFor('the channel lost', () => !source.connected);
  const hidden = await placeCall(sim.url, { ...answered, talkMs: 2_000 });
  await untilSimEnded(hidden);
  await new Promise((resolve) => setTimeout(resolve, REPORT_DELAY_MS + 300));
  held = new Promise((resolve) => (release = resolve));
  await simFaults(sim.url, { reset: true });
  await waitFor('the reconnect', () => source.connected && source.stats.reconnects >= 1, 5_000);
  // While its recovery waits, frames come (the newest frame's time moves well past the margin), then outage 2.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const live = await placeCall(sim.url, { ...answered, talkMs: 60_000 });
  await waitFor('a live frame', () => sink.snapshots(live).length > 0, 5_000);
  await simFaults(sim.url, { closeSockets: true });
  await waitFor('the second reconnect', () => source.connected && source.stats.reconnects >= 2, 5_000);
  release();
  await waitFor('the hidden call from its report', sink.ended(hidden), 8_000);
});
