// The tracker: de-duplication, ordering, recovery, grace period, the call log and emitted changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallTracker } from './call-tracker.ts';
import type { CallTrackerOptions } from './call-tracker.ts';
import type { CallLogWriter, Clock } from './ports.ts';
import { ending, leg, legEvent, LINES, snapshot } from './testing/events.ts';
import type { Call, CallChange } from './types.ts';

class FakeClock implements Clock {
  constructor(public ms = 1_000_000) {}
  now(): number {
    return this.ms;
  }
}

class MemoryLog implements CallLogWriter {
  readonly written: Call[] = [];
  failuresLeft = 0;
  async writeEndedCall(call: Call): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('database is locked');
    }
    this.written.push(call);
  }
}

function setup(options: CallTrackerOptions = {}) {
  const clock = new FakeClock();
  const log = new MemoryLog();
  const tracker = new CallTracker({ clock, callLog: log, logRetryBaseMs: 1, settleMs: 0, ...options });
  const changes: CallChange[] = [];
  tracker.onChange((c) => changes.push(c));
  return { clock, log, tracker, changes };
}

async function counter(tracker: CallTracker, name: string): Promise<number> {
  const metric = await tracker.metrics.registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

test('changes are emitted with the previous call and an incremented version; unsubscribe stops them', () => {
  const { tracker, changes } = setup();
  tracker.event(snapshot('c1', 1, []));
  tracker.event(snapshot('c1', 2, [leg('2101', 'ringing')]));
  assert.deepEqual(
    changes.map((c) => c.call.version),
    [1, 2],
  );
  assert.equal(changes[0]!.previous, null);
  assert.equal(changes[1]!.previous, changes[0]!.call);
  assert.equal(tracker.get('c1'), changes[1]!.call);
  const off = tracker.onChange(() => assert.fail('unsubscribed listener called'));
  off();
  tracker.event(snapshot('c1', 3, [leg('2101', 'connected')]));
});

test('an event that changes nothing emits nothing', () => {
  const { tracker, changes } = setup();
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(snapshot('c1', 2, [leg('2101', 'ringing')]));
  assert.equal(changes.length, 1);
});

test('a notification delivered twice is applied once and counted as a duplicate', async () => {
  const { tracker, changes } = setup();
  const first = snapshot('c1', 1, [leg('2101', 'ringing')]);
  tracker.event(first);
  tracker.event(first);
  assert.equal(changes.length, 1);
  assert.equal(await counter(tracker, 'screenpop_call_event_duplicates_total'), 1);
});

test('the same sequence number under another notification id is a duplicate too', () => {
  const { tracker, changes } = setup();
  tracker.event(snapshot('c1', 1, []));
  tracker.event(snapshot('c1', 2, [leg('2101', 'ringing')]));
  tracker.event(snapshot('c1', 2, [leg('2101', 'connected')]));
  assert.equal(changes.length, 2);
  assert.equal(tracker.get('c1')!.phase, 'ringing');
});

test('states applied out of order end where in-order delivery ends, without rolling back', async () => {
  const states = [
    snapshot('c1', 1, []),
    snapshot('c1', 2, [leg('2102', 'ringing')]),
    snapshot('c1', 3, [leg('2102', 'ringing'), leg('2103', 'ringing')]),
    snapshot('c1', 4, [leg('2103', 'connected')]),
    ending('c1', 5),
  ];
  const inOrder = setup();
  states.forEach((s) => inOrder.tracker.event(s));
  const shuffled = setup();
  for (const i of [0, 2, 1, 4, 3]) {
    shuffled.tracker.event(states[i]!);
  }
  const a = inOrder.tracker.get('c1')!;
  const b = shuffled.tracker.get('c1')!;
  assert.equal(b.outcome, a.outcome);
  assert.equal(b.answeredBy, a.answeredBy);
  assert.deepEqual(
    b.legs.map((l) => [l.lineId, l.state]).sort(),
    a.legs.map((l) => [l.lineId, l.state]).sort(),
  );
  assert.equal(await counter(shuffled.tracker, 'screenpop_call_events_out_of_order_total'), 2);
  const phases = shuffled.changes.map((c) => c.call.phase);
  assert.deepEqual(phases, ['ringing', 'ringing', 'ended', 'ended'], 'the late answer amends the ended call');
  assert.deepEqual(shuffled.changes.at(-1)!.reasons, ['answered']);
});

test('a state that ENDING overtook adds its history without reopening the call; the log gets the result', async () => {
  const { tracker, changes, log } = setup({ settleMs: 20 });
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(ending('c1', 3));
  tracker.event(snapshot('c1', 2, [leg('2101', 'connected')]));
  const call = tracker.get('c1')!;
  assert.equal(call.phase, 'ended');
  assert.equal(call.outcome, 'answered');
  assert.equal(call.legs[0]!.state, 'gone');
  assert.equal(changes.length, 3);
  await tracker.flush();
  // Written as it ended (what a kill -9 right then leaves in the log), then rewritten with the late answer.
  assert.deepEqual(
    log.written.map((c) => c.outcome),
    ['missed', 'answered'],
  );
});

test('a state missing from an ended call is still taken while the gap wait lasts, then no more', () => {
  const { tracker, changes, clock } = setup({ settleMs: 20, gapWaitMs: 1_000 });
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(ending('c1', 4));
  clock.ms += 999;
  tracker.event(snapshot('c1', 2, [leg('2101', 'ringing'), leg('2102', 'ringing')]));
  assert.equal(tracker.get('c1')!.legs.length, 2);
  clock.ms += 2;
  tracker.event(snapshot('c1', 3, [leg('2101', 'connected')]));
  assert.equal(tracker.get('c1')!.outcome, 'missed');
  assert.equal(changes.length, 3);
});

test('an ended call with holes in its sequence is logged once they are filled, with their history', async () => {
  const { tracker, log } = setup({ settleMs: 0, gapWaitMs: 10_000 });
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(ending('c1', 3));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(
    log.written.map((c) => c.outcome),
    ['missed'],
    'written as it ended; the final write waits for state 2',
  );
  tracker.event({ ...snapshot('c1', 2, [leg('2101', 'connected')]), notificationId: null });
  await tracker.flush();
  assert.deepEqual(
    log.written.map((c) => c.outcome),
    ['missed', 'answered'],
  );
});

test('an ended call whose holes never fill is logged after the gap wait', async () => {
  const { tracker, log } = setup({ settleMs: 0, gapWaitMs: 30 });
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(ending('c1', 3));
  await tracker.flush();
  assert.deepEqual(
    log.written.map((c) => c.outcome),
    ['missed'],
  );
  const entries = tracker.trace('c1')!.entries.filter((e) => e.kind === 'log');
  assert.deepEqual(
    entries.map((e) => e.kind === 'log' && e.message),
    ['written to the call log', 'waiting for 1 missing states before the final write'],
  );
});

test('after the grace period an ended call leaves the live map, and late events cannot resurrect it', async () => {
  const { tracker, clock, changes, log } = setup({ endedGraceMs: 5_000 });
  const end = ending('c1', 2);
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(end);
  clock.ms += 4_999;
  tracker.sweep();
  assert.notEqual(tracker.get('c1'), null);
  clock.ms += 1;
  tracker.sweep();
  assert.equal(tracker.get('c1'), null);
  tracker.event(end);
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(legEvent('c1', '2101', 'ringing'));
  assert.equal(tracker.get('c1'), null);
  assert.equal(changes.length, 2);
  await tracker.flush();
  assert.equal(log.written.length, 1);
  assert.equal(await counter(tracker, 'screenpop_call_event_duplicates_total'), 1);
});

test('an idle tracker still sweeps on its timer: ended calls leave the live gauge, old traces go', async () => {
  const { tracker, clock } = setup({ endedGraceMs: 5_000, sweepEveryMs: 5, trace: { retentionMs: 60_000 } });
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(ending('c1', 2));
  await tracker.flush();
  assert.equal(await counter(tracker, 'screenpop_calls_live'), 1);
  assert.equal(await counter(tracker, 'screenpop_call_traces'), 1);
  clock.ms += 60_001; // no event from here on
  const deadline = Date.now() + 10_000;
  while ((await counter(tracker, 'screenpop_call_traces')) > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(await counter(tracker, 'screenpop_calls_live'), 0);
  assert.equal(await counter(tracker, 'screenpop_call_traces'), 0);
  assert.equal(tracker.get('c1'), null);
  await tracker.close();
});

test('trace memory levels off at its call limit under endless traffic', async () => {
  const { tracker } = setup({ trace: { maxCalls: 100 }, sweepEveryMs: 0 });
  for (let i = 0; i < 1_000; i++) {
    tracker.event(snapshot(`c${i}`, 1, [leg('2101', 'ringing')]));
    tracker.event(ending(`c${i}`, 2));
  }
  assert.equal(await counter(tracker, 'screenpop_call_traces'), 100);
  await tracker.close();
});

test('realtime: a repeated dialog entity is a duplicate, but withdraw may reuse the last entity id', () => {
  const { tracker, changes } = setup();
  const ring = legEvent('r1', '2101', 'ringing');
  const answer = legEvent('r1', '2101', 'connected');
  tracker.event(ring);
  tracker.event(ring);
  tracker.event(answer);
  tracker.event(answer);
  tracker.event({ ...answer, leg: { ...answer.leg, state: 'gone' } });
  assert.deepEqual(
    changes.map((c) => c.call.phase),
    ['ringing', 'connected', 'ended'],
  );
});

test('realtime: a line on two devices stays connected when the device that did not answer drops', () => {
  const { tracker } = setup();
  tracker.event(legEvent('r1', '2105', 'ringing', { legId: 'desk' }));
  tracker.event(legEvent('r1', '2105', 'ringing', { legId: 'soft' }));
  tracker.event(legEvent('r1', '2105', 'connected', { legId: 'desk' }));
  tracker.event(legEvent('r1', '2105', 'gone', { legId: 'soft' }));
  const call = tracker.get('r1')!;
  assert.equal(call.phase, 'connected');
  assert.equal(call.legs[0]!.state, 'connected');
  tracker.event(legEvent('r1', '2105', 'gone', { legId: 'desk' }));
  assert.equal(tracker.get('r1')!.phase, 'ended');
});

test('realtime: a ringing frame arriving after the answer is out of order and ignored', async () => {
  const { tracker, changes } = setup();
  tracker.event(legEvent('r1', '2101', 'connected'));
  tracker.event(legEvent('r1', '2101', 'ringing'));
  assert.equal(tracker.get('r1')!.legs[0]!.state, 'connected');
  assert.equal(changes.length, 1);
  assert.equal(await counter(tracker, 'screenpop_call_events_out_of_order_total'), 1);
});

test('recovery applies the listed states and ends live calls GoTo no longer lists', () => {
  const { tracker, changes, clock } = setup();
  tracker.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  tracker.event(snapshot('c2', 1, [leg('2102', 'ringing')]));
  clock.ms += 2_000;
  tracker.recovered(
    [{ ...snapshot('c1', 4, [leg('2101', 'connected')]), notificationId: null }],
    'socket reopened',
  );
  assert.equal(tracker.get('c1')!.phase, 'connected');
  const c2 = tracker.get('c2')!;
  assert.equal(c2.phase, 'ended');
  assert.equal(c2.outcome, 'missed');
  const last = changes.at(-1)!;
  assert.equal(last.call.id, 'c2');
  assert.equal(last.reasons.at(-1), 'recovered: not active');
});

test('recovery keeps a call heard from after the list was requested', () => {
  const { tracker, clock } = setup();
  const requestedAt = clock.ms;
  clock.ms += 10;
  tracker.event(snapshot('new', 1, []));
  tracker.recovered([], 'gap', requestedAt);
  assert.equal(tracker.get('new')!.phase, 'ringing');
  tracker.recovered([], 'gap', clock.ms + 1);
  assert.equal(tracker.get('new')!.phase, 'ended');
});

test('without requestedAt, recovery spares calls heard from within the recovery grace', () => {
  const { tracker, clock } = setup({ recoveryGraceMs: 500 });
  tracker.event(snapshot('c1', 1, []));
  clock.ms += 499;
  tracker.recovered([], 'reconnected');
  assert.equal(tracker.get('c1')!.phase, 'ringing');
  clock.ms += 1;
  tracker.recovered([], 'reconnected');
  assert.equal(tracker.get('c1')!.phase, 'ended');
});

test('recovery states the tracker already applied are neither changes nor counted duplicates', async () => {
  const { tracker, changes } = setup();
  const state = snapshot('c1', 3, [leg('2101', 'ringing')]);
  tracker.event(state);
  tracker.recovered([{ ...state, notificationId: null }], 'gap');
  assert.equal(changes.length, 1);
  assert.equal(await counter(tracker, 'screenpop_call_event_duplicates_total'), 0);
});

test('an ended call is written to the call log once, even when ENDING comes twice', async () => {
  const { tracker, log } = setup();
  tracker.event(snapshot('c1', 1, [leg('2101', 'connected')]));
  tracker.event(ending('c1', 2));
  tracker.event(ending('c1', 2));
  tracker.recovered([], 'gap', Number.MAX_SAFE_INTEGER);
  await tracker.flush();
  assert.equal(log.written.length, 1);
  assert.equal(log.written[0]!.outcome, 'answered');
});

test('a failed call-log write is retried with back-off and each failure counted', async () => {
  const { tracker, log } = setup();
  log.failuresLeft = 2;
  tracker.event(snapshot('c1', 1, []));
  tracker.event(ending('c1', 2));
  await tracker.flush();
  assert.equal(log.written.length, 1);
  assert.equal(await counter(tracker, 'screenpop_call_log_write_failures_total'), 2);
  const logEntries = tracker.trace('c1')!.entries.filter((e) => e.kind === 'log');
  assert.equal(logEntries.length, 3);
});

test('a refused call-log write is retried until the store takes it, however long that is', async () => {
  const { tracker, log } = setup({ logRetryMaxMs: 2 });
  log.failuresLeft = 40; // far past the five attempts the tracker used to give up after
  tracker.event(ending('c1', 1));
  await tracker.written('c1');
  assert.deepEqual(
    log.written.map((c) => c.id),
    ['c1'],
  );
  assert.equal(await counter(tracker, 'screenpop_call_log_write_failures_total'), 40);
  assert.equal(await counter(tracker, 'screenpop_call_log_writes_abandoned_total'), 0);
});

test('while writes fail the tracker says so and counts the backlog; both clear once the store answers', async () => {
  const { tracker, log } = setup({ logRetryBaseMs: 5, logRetryMaxMs: 5 });
  log.failuresLeft = Number.MAX_SAFE_INTEGER;
  tracker.event(ending('c1', 1));
  tracker.event(ending('c2', 1));
  const deadline = Date.now() + 10_000;
  while (!tracker.logWritesFailing && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(tracker.logWritesFailing, true);
  assert.equal(await counter(tracker, 'screenpop_call_log_writes_failing'), 1);
  assert.equal(await counter(tracker, 'screenpop_call_log_backlog'), 2);
  log.failuresLeft = 0;
  await tracker.flush();
  assert.equal(tracker.logWritesFailing, false);
  assert.equal(await counter(tracker, 'screenpop_call_log_writes_failing'), 0);
  assert.equal(await counter(tracker, 'screenpop_call_log_backlog'), 0);
  assert.deepEqual(log.written.map((c) => c.id).sort(), ['c1', 'c2']);
});

test('past the backlog limit the oldest waiting row is dropped, counted and logged', async () => {
  const errors: string[] = [];
  const { tracker, log } = setup({
    logBacklogLimit: 2,
    logRetryBaseMs: 5,
    logRetryMaxMs: 5,
    logger: { warn: () => {}, error: (_o, message) => errors.push(message) },
  });
  log.failuresLeft = Number.MAX_SAFE_INTEGER;
  for (const id of ['c1', 'c2', 'c3', 'c4']) {
    tracker.event(ending(id, 1));
  }
  const deadline = Date.now() + 10_000;
  while (errors.length < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  log.failuresLeft = 0;
  await tracker.flush();
  assert.equal(await counter(tracker, 'screenpop_call_log_writes_abandoned_total'), 2);
  assert.deepEqual(errors, [
    'ended call not written to the call log',
    'ended call not written to the call log',
  ]);
  assert.equal(log.written.length, 2, 'the two rows within the limit are written');
});

test('close gives up on a store that keeps refusing after the close wait, dropping and logging each row', async () => {
  const errors: string[] = [];
  const { tracker, log } = setup({
    logCloseWaitMs: 50,
    logRetryBaseMs: 5,
    logRetryMaxMs: 5,
    logger: { warn: () => {}, error: (_o, message) => errors.push(message) },
  });
  log.failuresLeft = Number.MAX_SAFE_INTEGER;
  tracker.event(ending('c1', 1));
  tracker.event(ending('c2', 1));
  await tracker.close();
  assert.equal(log.written.length, 0);
  assert.equal(await counter(tracker, 'screenpop_call_log_writes_abandoned_total'), 2);
  assert.equal(errors.length, 2);
});

test('a throwing listener does not stop the others or the tracker', () => {
  const { tracker, changes } = setup({ logger: { warn: () => {}, error: () => {} } });
  tracker.onChange(() => {
    throw new Error('boom');
  });
  tracker.event(snapshot('c1', 1, []));
  tracker.event(snapshot('c1', 2, [leg('2101', 'ringing')]));
  assert.equal(changes.length, 2);
  assert.equal(tracker.get('c1')!.legs[0]!.lineId, LINES['2101']);
});

// The settle and gap waits are an hour: a close that waited for them would outlast the test's timeout (no
// wall-clock margin is asserted).
test(
  'close writes ended calls at once, without waiting for the settle time or missing states',
  {
    timeout: 120_000,
  },
  async () => {
    const { tracker, log } = setup({ settleMs: 3_600_000, gapWaitMs: 3_600_000 });
    tracker.event(snapshot('c1', 1, [leg('2101', 'connected')]));
    tracker.event(ending('c1', 2));
    tracker.event(snapshot('c2', 1, [leg('2102', 'ringing')]));
    tracker.event(ending('c2', 3));
    await tracker.close();
    assert.deepEqual(log.written.map((c) => c.id).sort(), ['c1', 'c2']);
  },
);
