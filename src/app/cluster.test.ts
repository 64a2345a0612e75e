// Only the leader's events reach the tracker; an instance that stops leading forgets its live calls unwritten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallTracker } from '../calls/index.ts';
import type { Call } from '../calls/types.ts';
import { leg, snapshot } from '../calls/testing/events.ts';
import { leaderOnlySink } from './cluster.ts';

function setup() {
  const written: Call[] = [];
  const tracker = new CallTracker({
    callLog: { writeEndedCall: async (call) => void written.push(call) },
    settleMs: 0,
    sweepEveryMs: 0,
  });
  let leading = true;
  let dropped = 0;
  const sink = leaderOnlySink(tracker, {
    admit: (deliver) => (leading ? deliver() : dropped++),
  });
  return {
    tracker,
    sink,
    written,
    dropped: () => dropped,
    setLeading: (value: boolean) => (leading = value),
  };
}

test('events pass while leading and are dropped and counted once the instance is not the leader', () => {
  const { tracker, sink, dropped, setLeading } = setup();
  sink.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  assert.equal(tracker.get('c1')?.phase, 'ringing');
  setLeading(false); // a frozen ex-leader waking up with frames in its buffers
  sink.event(snapshot('c2', 1, [leg('2102', 'ringing')]));
  sink.recovered([snapshot('c3', 1, [leg('2103', 'ringing')])], 'reconnect');
  assert.equal(tracker.get('c2'), null);
  assert.equal(tracker.get('c3'), null);
  assert.equal(dropped(), 2);
});

test('forgetLive drops calls in progress without ending or writing them', async () => {
  const { tracker, sink, written } = setup();
  sink.event(snapshot('c1', 1, [leg('2101', 'ringing')]));
  sink.event(snapshot('c2', 1, [leg('2102', 'connected')]));
  assert.equal(tracker.forgetLive('another instance leads'), 2);
  assert.equal(tracker.get('c1'), null);
  // Leading again later: a recovery that no longer lists them must not end them as "not active".
  sink.recovered([], 'started', Date.now() + 1);
  await tracker.flush();
  assert.deepEqual(written, []);
  await tracker.close();
});
