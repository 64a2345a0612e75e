// The per-call trace: what it records through the tracker, and its bounds in size and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { CallTracker } from './call-tracker.ts';
import { TraceStore } from './call-trace.ts';
import type { Clock } from './ports.ts';
import type { CallSnapshotEvent } from './types.ts';
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

test('annotations from pops and the lookup share their hidden class, however many calls (no class per entry)', () => {
  // V8 gave each `{ ...annotation, at }` its own hidden class once that site had seen two kinds: ~270 bytes more
  // per retained entry. Native syntax, enabled here, compares hidden classes (what the heap snapshot showed).
  setFlagsFromString('--allow-natives-syntax');
  const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
  const tracker = new CallTracker();
  const calls = 5_000;
  for (let i = 0; i < calls; i++) {
    const callId = `c${i}`;
    tracker.annotate(callId, { kind: 'route', lines: [] });
    tracker.annotate(callId, {
      kind: 'card',
      version: 1,
      phase: 'ringing',
      reason: 'snapshot',
      recipients: ['dana@example.com'],
      more: 0,
      notOpen: [],
    });
    tracker.annotate(callId, {
      kind: 'lookup',
      status: 'done',
      matched: null,
      unknownReason: 'no-match',
      sources: [],
      ms: 1,
    });
  }
  const entries = (callId: string) => tracker.trace(callId)!.entries;
  for (const k of [0, 1, 2]) {
    assert.ok(sameMap(entries('c0')[k]!, entries(`c${calls - 1}`)[k]!), `entry ${k}`);
    assert.ok(sameMap(entries(`c${calls - 2}`)[k]!, entries(`c${calls - 1}`)[k]!), `entry ${k}`);
  }
});

test("a call's snapshots are kept as they arrived, sharing with the previous one only what did not change", () => {
  const tracker = new CallTracker();
  const queue = { id: 'q1', name: 'Support' };
  const arrived = [
    snapshot('c1', 1, [leg('2102', 'ringing')], { queue: { ...queue }, associated: ['c0'] }),
    snapshot('c1', 2, [leg('2102', 'ringing'), leg('2103', 'ringing')], {
      queue: { ...queue },
      associated: ['c0'],
    }),
    snapshot('c1', 3, [leg('2102', 'connected')], {
      queue: { ...queue },
      associated: ['c0', 'c9'],
      caller: {
        e164: '+17735550123',
        raw: '+17735550123',
        name: 'J TOLLIVER',
        withheld: false,
        extension: null,
      },
    }),
    ending('c1', 4),
  ];
  arrived.forEach((event) => tracker.event(event));
  const kept = tracker
    .trace('c1')!
    .entries.flatMap((e) => (e.kind === 'event' && e.event.kind === 'snapshot' ? [e.event] : []));
  assert.deepEqual(kept, arrived);
  const [first, second, third] = kept as CallSnapshotEvent[];
  assert.equal(second!.caller, first!.caller);
  assert.equal(second!.queue, first!.queue);
  assert.equal(second!.associated, first!.associated);
  assert.notEqual(third!.caller, second!.caller, 'a new caller name is not the old one');
  assert.equal(third!.caller!.name, 'J TOLLIVER');
  assert.notEqual(third!.associated, second!.associated);
  assert.equal(third!.queue, first!.queue);
});
