import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { CallTracker } from '../../calls/index.ts';
import { LINES, leg, snapshot } from '../../calls/testing/events.ts';
import { TestClock } from '../../lookup/testing/values.ts';
import { normalizePhone } from '../../phone/phone.ts';
import type { CallTraceView, TraceSearchHit } from '../../shared/trace.ts';
import { storeTargets } from '../../store/testing/targets.ts';
import { harness } from '../testing/harness.ts';
import type { Harness } from '../testing/harness.ts';
import { providerRoutes } from './providers.ts';
import { traceRoutes } from './traces.ts';

const sqlite = storeTargets().find((t) => t.name === 'sqlite');
assert.ok(sqlite);
after(() => sqlite.cleanup());

const NUMBER = '+17735550123';
const HOUR = 3_600_000;

/** A real tracker (clock under test control) writing to a real SQLite call log, pops annotating its trace, and the
 * trace routes on the server harness; dana has line 2101, eli line 2102, boss is a supervisor. */
async function stack() {
  const store = await sqlite!.open();
  const clock = new TestClock(Date.parse('2026-03-10T15:02:00Z'));
  const tracker = new CallTracker({ callLog: store.callLog, clock, settleMs: 0, sweepEveryMs: 0 });
  const supervisors = ['boss@x'];
  const isSupervisor = async (p: string): Promise<boolean> => supervisors.includes(p);
  let h: Harness | null = null;
  h = await harness(
    {
      supervisors,
      extraRoutes: async (scope) => {
        await traceRoutes(scope, {
          isSupervisor,
          agentLines: async (p) => ((await h!.agents.getAgent(p))?.lines ?? []).map((l) => l.id),
          wasSent: (p, id) => h!.hub.wasSent(p, id),
          trace: (id) => tracker.trace(id),
          sourceNotes: () => tracker.notes(),
          retentionMs: HOUR,
          liveCalls: () => tracker.calls(),
          callLog: store.callLog,
          e164: (text) => normalizePhone(text, { defaultRegion: 'US', suffixDigits: 7 }).e164,
        });
        await providerRoutes(scope, {
          isSupervisor,
          providers: async () => [
            {
              name: 'hubspot',
              type: 'hubspot',
              lastSuccessAt: 1,
              lastErrorAt: null,
              lastError: null,
              latencyMs: { last: 12, p50: 12, p95: 12 },
              requestsLastHour: 1,
              failuresLastHour: 0,
              callLogging: null,
            },
          ],
        });
      },
    },
    { popTrace: (id, a) => tracker.annotate(id, a) },
  );
  tracker.onChange((change) => h!.pops.onCallChange(change));
  const dana = await h.signInAs('dana@x', [LINES['2101']]);
  const eli = await h.signInAs('eli@x', [LINES['2102']]);
  const boss = await h.signInAs('boss@x', []);
  const get = async <T>(cookie: string, url: string): Promise<{ status: number; body: T }> => {
    const res = await h!.app.inject({ method: 'GET', url, headers: { cookie } });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const search = async (cookie: string, q: string): Promise<string[]> => {
    const res = await get<{ items: TraceSearchHit[] }>(cookie, `/api/traces?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200);
    return res.body.items.map((i) => i.callId).sort();
  };
  const close = async (): Promise<void> => {
    await tracker.close();
    await h!.close();
  };
  return { h, tracker, clock, store, dana, eli, boss, get, search, close };
}

test('search by number: an agent finds the calls on their own lines, a supervisor every call', async () => {
  const s = await stack();
  s.tracker.event(
    snapshot('c-dana', 1, [leg('2101', 'ringing')], {
      caller: { e164: NUMBER, raw: '7735550123', name: null, withheld: false, extension: null },
    }),
  );
  s.tracker.event(snapshot('c-eli', 1, [leg('2102', 'ringing')]));
  s.tracker.event(snapshot('c-other', 1, [leg('2105', 'ringing')]));
  assert.deepEqual(await s.search(s.dana, '(773) 555-0123'), ['c-dana']);
  assert.deepEqual(await s.search(s.eli, NUMBER), ['c-eli']);
  assert.deepEqual(await s.search(s.boss, NUMBER), ['c-dana', 'c-eli', 'c-other']);
  assert.deepEqual(await s.search(s.dana, 'c-eli'), [], 'by id: someone else’s call is not found');
  assert.deepEqual(await s.search(s.eli, 'c-eli'), ['c-eli']);
  const bad = await s.get<{ error: string }>(s.dana, '/api/traces?q=');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, 'invalid_query');
  await s.close();
});

test('GET /api/traces/:id: 404 for another agent’s call; the owner reads who got the card', async () => {
  const s = await stack();
  s.tracker.event(snapshot('c1', 1, [leg('2102', 'ringing')]));
  const theirs = await s.get<{ error: string }>(s.dana, '/api/traces/c1');
  assert.equal(theirs.status, 404);
  assert.equal(theirs.body.error, 'call_not_found');
  const unknown = await s.get<{ error: string }>(s.boss, '/api/traces/nope');
  assert.equal(unknown.status, 404);
  const mine = await s.get<CallTraceView>(s.eli, '/api/traces/c1');
  assert.equal(mine.status, 200);
  const steps = mine.body.trace?.steps ?? [];
  assert.deepEqual(
    steps.map((st) => st.kind),
    ['event', 'transition', 'route', 'card'],
  );
  const route = steps.find((st) => st.kind === 'route');
  assert.deepEqual(route?.kind === 'route' && route.lines[0], {
    lineId: LINES['2102'],
    extension: '2102',
    name: 'User 2102',
    agents: ['eli@x'],
    excludedBy: [],
  });
  const card = steps.find((st) => st.kind === 'card');
  assert.deepEqual(card?.kind === 'card' && card.recipients, ['boss@x', 'eli@x']);
  await s.close();
});

test('a line left out of the pop lines: its agent finds the call, and the trace says who excluded it', async () => {
  const s = await stack();
  const saved = await s.h.app.inject({
    method: 'PUT',
    url: '/api/me/settings',
    headers: { cookie: s.eli, origin: 'http://127.0.0.1:3000' },
    payload: { popLines: [], desktopNotifications: false },
  });
  assert.equal(saved.statusCode, 200);
  s.tracker.event(snapshot('c2', 1, [leg('2102', 'ringing')]));
  assert.deepEqual(
    await s.search(s.eli, NUMBER),
    ['c2'],
    'no card was sent, the call is still hers to trace',
  );
  const view = await s.get<CallTraceView>(s.eli, '/api/traces/c2');
  const route = view.body.trace?.steps.find((st) => st.kind === 'route');
  assert.ok(route?.kind === 'route');
  assert.deepEqual(route.lines[0]?.agents, []);
  assert.deepEqual(route.lines[0]?.excludedBy, ['eli@x']);
  const card = view.body.trace?.steps.find((st) => st.kind === 'card');
  assert.deepEqual(card?.kind === 'card' && card.recipients, ['boss@x'], 'only the supervisor got it');
  await s.close();
});

test('once the in-memory trace is gone, the view says so and shows the call log’s row', async () => {
  const s = await stack();
  s.tracker.event(snapshot('c3', 1, [leg('2101', 'ringing')]));
  s.tracker.event(snapshot('c3', 2, [], { stateType: 'ENDING' }));
  await s.tracker.written('c3');
  assert.ok(await s.store.callLog.get('c3'), 'the call reached the log');
  s.clock.advance(2 * HOUR);
  s.tracker.sweep();
  const view = await s.get<CallTraceView>(s.dana, '/api/traces/c3');
  assert.equal(view.status, 200);
  assert.equal(view.body.trace, null);
  assert.equal(view.body.retentionMs, HOUR);
  assert.equal(view.body.logged?.outcome, 'missed');
  assert.deepEqual(view.body.logged?.lineIds, [LINES['2101']]);
  const hits = await s.get<{ items: TraceSearchHit[] }>(
    s.dana,
    `/api/traces?q=${encodeURIComponent(NUMBER)}`,
  );
  assert.deepEqual(
    hits.body.items.map((i) => [i.callId, i.traced, i.logged]),
    [['c3', false, true]],
  );
  assert.equal((await s.get(s.eli, '/api/traces/c3')).status, 404, 'logged, but not on eli’s lines');
  await s.close();
});

test('GET /api/providers: supervisors only', async () => {
  const s = await stack();
  const agent = await s.get<{ error: string }>(s.dana, '/api/providers');
  assert.equal(agent.status, 403);
  assert.equal(agent.body.error, 'supervisors_only');
  const boss = await s.get<{ providers: { name: string }[] }>(s.boss, '/api/providers');
  assert.equal(boss.status, 200);
  assert.deepEqual(
    boss.body.providers.map((p) => p.name),
    ['hubspot'],
  );
  await s.close();
});

test('the trace names the recipients who had no screenpop tab open when the card was sent', async () => {
  const s = await stack();
  s.h.publicUrl = await s.h.app.listen({ port: 0, host: '127.0.0.1' });
  const socket = new WebSocket(`${s.h.publicUrl.replace('http', 'ws')}/api/push`, {
    headers: { origin: s.h.publicUrl, cookie: s.eli },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('message', () => resolve()); // hello: eli's tab is subscribed
    socket.once('error', reject);
  });
  s.tracker.event(snapshot('c5', 1, [leg('2102', 'ringing')]));
  const view = await s.get<CallTraceView>(s.eli, '/api/traces/c5');
  const card = view.body.trace?.steps.find((st) => st.kind === 'card');
  assert.ok(card?.kind === 'card');
  assert.deepEqual(card.recipients, ['boss@x', 'eli@x']);
  assert.deepEqual(card.notOpen, ['boss@x'], 'eli has a tab open, the supervisor none');
  socket.close();
  await s.close();
});
