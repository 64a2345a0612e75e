// The per-call trace: what it records through the tracker, and its bounds in size and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallTracker } from './call-tracker.ts';
import { TraceStore } from './call-trace.ts';
import type { Clock } from './ports.ts';
import { ending, leg, legEvent, snapshot } from './testing/events.ts';

const clockAt = (ms: { now: number }): Clock => ({ now: () => ms.now });

test('a call trace holds each event with its verdict and summary, transitions, recoveries and notes', () => {
  const time = { now: 5_000 };
  const tracker = new CallTracker({ clock: clockAt(time) });
  const first = snapshot('c1', 1, [leg('2102', 'ringing')]);
  tracker.event(first);
  tracker.event(first);
  tracker.note('channel refreshed', 'c1');
  tracker.recovered([], 'socket reopened', 5_001);
  const trace = tracker.trace('c1')!;
  assert.deepEqual(
    trace.entries.map((e) => e.kind),
    ['event', 'transition', 'event', 'note', 'recovery', 'transition'],
  );
  const [applied, created, duplicate] = trace.entries;
  assert.ok(applied?.kind === 'event' && applied.verdict === 'applied');
  assert.match(applied.summary, /^snapshot seq 1 STARTING inbound \[2102:ringing\]/);
  assert.ok(created?.kind === 'transition');
  assert.deepEqual(created.reasons, ['created', 'caller', 'dialed', 'leg:line-2102:ringing']);
  assert.ok(duplicate?.kind === 'event' && duplicate.verdict === 'duplicate');
  const last = trace.entries.at(-1)!;
  assert.equal(last.kind === 'transition' && last.phase, 'ended');
  assert.ok(trace.entries.every((e) => e.at === 5_000));
});

test('realtime events are described by line, state, dialog entity and device', () => {
  const tracker = new CallTracker();
  const event = legEvent('r1', '2101', 'ringing', { entityId: '625077057', legId: 'dev-1' });
  tracker.event(event);
  const first = tracker.trace('r1')!.entries[0]!;
  assert.ok(first.kind === 'event');
  assert.equal(first.summary, 'leg 2101 ringing entity 625077057 device dev-1');
});

test('notes without a call go to the tracker notes', () => {
  const tracker = new CallTracker();
  tracker.note('socket closed 1006');
  assert.deepEqual(
    tracker.notes().map((n) => n.kind === 'note' && n.message),
    ['socket closed 1006'],
  );
});

test('a trace outlives the call in the live map', () => {
  const time = { now: 0 };
  const tracker = new CallTracker({ clock: clockAt(time), endedGraceMs: 1_000, settleMs: 0 });
  tracker.event(ending('c1', 1));
  time.now = 10_000;
  tracker.sweep();
  assert.equal(tracker.get('c1'), null);
  assert.notEqual(tracker.trace('c1'), null);
});

test('a trace keeps the newest entries up to its bound and counts the dropped ones', () => {
  const store = new TraceStore({ maxEntriesPerCall: 3 });
  for (let i = 0; i < 5; i++) {
    store.add('c1', { at: i, kind: 'note', message: `n${i}` });
  }
  const trace = store.get('c1', 5)!;
  assert.deepEqual(
    trace.entries.map((e) => e.kind === 'note' && e.message),
    ['n2', 'n3', 'n4'],
  );
  assert.equal(trace.dropped, 2);
});

test('a trace is forgotten after the retention time since its last entry', () => {
  const store = new TraceStore({ retentionMs: 100 });
  store.add('old', { at: 0, kind: 'note', message: 'a' });
  store.add('fresh', { at: 50, kind: 'note', message: 'b' });
  store.add('old', { at: 60, kind: 'note', message: 'c' });
  store.sweep(155);
  assert.equal(store.get('fresh', 155), null);
  assert.notEqual(store.get('old', 155), null, 'touching a trace keeps it');
  assert.equal(store.size, 1);
  store.sweep(161);
  assert.equal(store.get('old', 161), null);
  assert.equal(store.size, 0);
});

test('only so many calls are traced at once; the least recently touched goes first', () => {
  const store = new TraceStore({ maxCalls: 2 });
  store.add('a', { at: 0, kind: 'note', message: '' });
  store.add('b', { at: 1, kind: 'note', message: '' });
  store.add('a', { at: 2, kind: 'note', message: '' });
  store.add('c', { at: 3, kind: 'note', message: '' });
  assert.equal(store.get('b', 3), null);
  assert.notEqual(store.get('a', 3), null);
});
