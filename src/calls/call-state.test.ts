// The state machine, scenario by scenario: the fixture calls through the real normalizer, edge cases by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCallEventsFrame } from '../goto/index.ts';
import { fixtureList, usPhone } from '../goto/testing/fixtures.ts';
import { applyEvent, endCall } from './call-state.ts';
import type { Transition } from './call-state.ts';
import { ending, external, leg, legEvent, LINES, lineParty, snapshot, WITHHELD } from './testing/events.ts';
import type { Call, CallEvent, CallSnapshotEvent } from './types.ts';

/** The call-state frames of one fixture file, normalized, in delivery order, optionally edited as text first. */
function frames(file: string, edit: (text: string) => string = (t) => t): CallSnapshotEvent[] {
  const out: CallSnapshotEvent[] = [];
  for (const frame of fixtureList(`call-events/${file}`)) {
    const result = normalizeCallEventsFrame(edit(JSON.stringify(frame)), usPhone);
    if (result.kind === 'event') {
      out.push(result.event);
    }
  }
  return out;
}

interface Replay {
  readonly call: Call;
  readonly changes: Transition[];
}

/** Applies events of one call in order, as the tracker would without dedupe. */
function replay(events: readonly CallEvent[], callId = events[0]!.callId): Replay {
  let call: Call | null = null;
  const changes: Transition[] = [];
  for (const event of events) {
    if (event.callId !== callId) {
      continue;
    }
    const next = applyEvent(call, event);
    if (next !== null) {
      call = next.call;
      changes.push(next);
    }
  }
  assert.ok(call !== null, 'no call was created');
  return { call, changes };
}

const LINE_2102 = 'f5d71d1e-82f3-4f4c-94c6-94066d3d3fc8';
const LINE_2103 = '930e15a6-bca3-4d93-940f-e709ee03a322';
const LINE_2104 = '18c28667-5411-44b1-97d7-6cd9fb51f35f';
const LINE_2105 = '4fdd8f9f-4711-450a-8d82-7a77ee183e7a';
const LINE_2101 = 'f6bd6587-36a1-47a6-bb92-84059ebe4ca7';

test('inbound queue call: ringing, answered by the line that picked up, ended answered', () => {
  const events = frames('ws-call-a-queue-answered.json');
  const { call, changes } = replay(events);
  assert.equal(call.phase, 'ended');
  assert.equal(call.outcome, 'answered');
  assert.equal(call.direction, 'inbound');
  assert.equal(call.answeredBy, LINE_2103);
  assert.equal(call.answeredAt, events.find((e) => e.seq === 14)!.at);
  assert.equal(call.endedAt, events.find((e) => e.stateType === 'ENDING')!.at);
  assert.equal(call.caller.e164, '+17735550123');
  assert.equal(call.dialed, '+13125550140');
  assert.equal(call.queue?.name, 'Service Desk');
  assert.deepEqual(changes[0]!.reasons.slice(0, 1), ['created']);
  assert.deepEqual(
    changes.map((c) => c.call.phase),
    [
      'ringing',
      'ringing',
      'ringing',
      'ringing',
      'ringing',
      'ringing',
      'ringing',
      'connected',
      'connected',
      'ended',
    ],
  );
});

test('ring-all answered elsewhere: the other lines leave, the answering line is named', () => {
  const { changes } = replay(frames('ws-call-a-queue-answered.json'));
  const answered = changes.find((c) => c.reasons.includes('answered'))!;
  const state = Object.fromEntries(answered.call.legs.map((l) => [l.lineId, l.state]));
  assert.deepEqual(state, { [LINE_2102]: 'gone', [LINE_2103]: 'connected', [LINE_2104]: 'gone' });
  assert.equal(answered.call.answeredBy, LINE_2103);
  const rang = changes.flatMap((c) => c.reasons).filter((r) => r.endsWith(':ringing'));
  assert.deepEqual(rang, [
    `leg:${LINE_2102}:ringing`,
    `leg:${LINE_2103}:ringing`,
    `leg:${LINE_2104}:ringing`,
  ]);
});

test('a call that rang a line nobody answered ends missed; a two-device line is one leg', () => {
  const { call } = replay(frames('ws-call-b-direct-missed.json'));
  assert.equal(call.outcome, 'missed');
  assert.equal(call.answeredBy, null);
  assert.equal(call.answeredAt, null);
  assert.deepEqual(
    call.legs.map((l) => [l.lineId, l.state]),
    [[LINE_2105, 'gone']],
  );
});

test('a caller who leaves before any line rings is abandoned', () => {
  const events = frames('ws-call-a-queue-answered.json').filter(
    (e) => e.seq <= 7 || e.stateType === 'ENDING',
  );
  const { call } = replay(events);
  assert.equal(call.outcome, 'abandoned');
  assert.deepEqual(call.legs, []);
});

test('warm transfer keeps the original caller; the consult is a separate internal call', () => {
  const events = frames('ws-call-d-warm-transfer.json');
  const callerSide = replay(events);
  assert.equal(callerSide.call.outcome, 'answered');
  assert.equal(callerSide.call.answeredBy, LINE_2105);
  for (const change of callerSide.changes) {
    assert.equal(change.call.caller.e164, '+12245550119');
  }
  const consultId = events.find((e) => e.direction !== 'inbound')!.callId;
  assert.deepEqual(callerSide.call.associated, [consultId]);
  const transferred = callerSide.changes.find((c) => c.reasons.includes(`leg:${LINE_2102}:connected`))!;
  assert.equal(transferred.call.legs.find((l) => l.lineId === LINE_2105)!.state, 'gone');
  const consult = replay(events, consultId);
  assert.equal(consult.call.direction, 'internal');
  assert.equal(consult.call.caller.extension, '2105');
  assert.equal(consult.call.answeredBy, LINE_2102);
});

test('a consult heard first by its last state, the rest late, is answered by its callee, not its caller', () => {
  const events = frames('ws-call-d-warm-transfer.json');
  const consultId = events.find((e) => e.direction !== 'inbound')!.callId;
  const states = events.filter((e) => e.callId === consultId && e.stateType !== 'ENDING');
  const last = states.at(-1)!;
  const end = events.find((e) => e.callId === consultId && e.stateType === 'ENDING')!;
  let call = applyEvent(null, last)!.call;
  call = applyEvent(call, end)!.call;
  for (const state of states.slice(0, -1)) {
    call = applyEvent(call, state, { older: true, amendEnded: true })?.call ?? call;
  }
  assert.equal(call.caller.extension, '2105');
  assert.equal(call.answeredBy, LINE_2102);
});

test('on hold the answering leg is held and the call stays connected', () => {
  const { changes } = replay(frames('ws-call-d-warm-transfer.json'));
  const held = changes.find((c) => c.reasons.includes(`leg:${LINE_2105}:held`))!;
  assert.equal(held.call.phase, 'connected');
});

test('outbound: the dialling line is the caller and answers; the callee is the external number', () => {
  const { call } = replay(frames('ws-call-c-outbound.json'));
  assert.equal(call.direction, 'outbound');
  assert.equal(call.caller.extension, '2101');
  assert.equal(call.callee?.e164, '+16305550188');
  assert.equal(call.answeredBy, LINE_2101);
  assert.equal(call.outcome, 'answered');
});

test('internal: the dialling line connecting first does not answer the call; the callee does', () => {
  const { call, changes } = replay(frames('ws-call-e-internal.json'));
  assert.equal(call.direction, 'internal');
  const dialling = changes.find((c) => c.reasons.includes(`leg:${LINE_2102}:connected`))!;
  assert.equal(dialling.call.phase, 'ringing');
  assert.equal(dialling.call.answeredBy, null);
  assert.equal(call.answeredBy, LINE_2104);
  assert.equal(call.callee?.extension, '2104');
});

test('a withheld caller is kept as withheld, without a number', () => {
  const events = frames('ws-call-b-direct-missed.json', (t) => t.replaceAll('+18155550162', 'Anonymous'));
  const { call } = replay(events);
  assert.equal(call.caller.withheld, true);
  assert.equal(call.caller.e164, null);
  assert.equal(call.outcome, 'missed');
});

test('an internal call nobody answered is missed even though the dialling line rang', () => {
  const internal = { direction: 'internal' as const, caller: lineParty('2102'), dialed: null };
  const { call } = replay([
    snapshot('i1', 1, [leg('2102', 'ringing')], internal),
    snapshot('i1', 2, [leg('2102', 'ringing'), leg('2104', 'ringing')], internal),
    ending('i1', 3, internal),
  ]);
  assert.equal(call.outcome, 'missed');
  const onlyDialling = replay([
    snapshot('i2', 1, [leg('2102', 'ringing')], internal),
    ending('i2', 2, internal),
  ]);
  assert.equal(onlyDialling.call.outcome, 'abandoned');
});

test('a state that changes nothing emits nothing', () => {
  const first = applyEvent(null, snapshot('c1', 1, [leg('2101', 'ringing')]))!;
  assert.equal(applyEvent(first.call, snapshot('c1', 2, [leg('2101', 'ringing')])), null);
});

test('every change increments the version by one', () => {
  const { changes } = replay([
    snapshot('c1', 1, []),
    snapshot('c1', 2, [leg('2101', 'ringing')]),
    snapshot('c1', 3, [leg('2101', 'connected')]),
    ending('c1', 4),
  ]);
  assert.deepEqual(
    changes.map((c) => c.call.version),
    [1, 2, 3, 4],
  );
});

test('the caller is never overwritten once known, and filled when the first state lacked it', () => {
  const first = applyEvent(null, snapshot('c1', 1, [], { caller: null }))!;
  assert.equal(first.call.caller.raw, '');
  const filled = applyEvent(first.call, snapshot('c1', 2, []))!;
  assert.deepEqual(filled.reasons, ['caller']);
  assert.equal(filled.call.caller.e164, '+17735550123');
  const transfer = applyEvent(filled.call, snapshot('c1', 3, [], { caller: external('+13125550199') }));
  assert.equal(transfer, null);
});

test('ENDING ends a call whatever its legs show, and nothing changes an ended call', () => {
  const live = replay([snapshot('c1', 1, [leg('2101', 'connected')])]).call;
  const ended = applyEvent(live, ending('c1', 2))!;
  assert.equal(ended.call.phase, 'ended');
  assert.deepEqual(ended.reasons, [`leg:${LINES['2101']}:gone`, 'ended']);
  assert.equal(applyEvent(ended.call, snapshot('c1', 3, [leg('2102', 'ringing')])), null);
  assert.equal(endCall(ended.call, 0, 'x'), null);
});

test('an older state adds only history: a line that rang, the first answer', () => {
  const newest = replay([snapshot('c1', 1, []), snapshot('c1', 5, [])]).call;
  const rang = applyEvent(newest, snapshot('c1', 3, [leg('2102', 'ringing')]), { older: true })!;
  assert.deepEqual(rang.reasons, [`leg:${LINES['2102']}:gone`]);
  assert.equal(rang.call.legs[0]!.rangUnheard, true, 'it rang, unheard: its agent still gets the card');
  assert.equal(rang.call.phase, 'ringing');
  const answered = applyEvent(rang.call, snapshot('c1', 4, [leg('2102', 'connected')]), { older: true })!;
  assert.equal(answered.call.answeredBy, LINES['2102']);
  assert.equal(answered.call.legs[0]!.state, 'gone');
  assert.equal(applyEvent(answered.call, ending('c1', 6))!.call.outcome, 'answered');
});

test('a line an older state lists only as disconnected did not ring', () => {
  const newest = replay([snapshot('c1', 1, []), snapshot('c1', 5, [])]).call;
  const listed = applyEvent(newest, snapshot('c1', 3, [leg('2102', 'gone')]), { older: true })!;
  assert.equal(listed.call.legs[0]!.state, 'gone');
  assert.equal(listed.call.legs[0]!.rangUnheard, undefined);
});

test('a line heard live is never marked as rung unheard', () => {
  const live = replay([snapshot('c1', 1, [leg('2102', 'ringing')]), snapshot('c1', 2, [])]).call;
  assert.equal(live.legs[0]!.state, 'gone');
  assert.equal(live.legs[0]!.rangUnheard, undefined);
});

test('a line first listed as disconnected, then heard late ringing, rang unheard', () => {
  const live = replay([
    snapshot('c1', 1, []),
    snapshot('c1', 4, [leg('2101', 'gone'), leg('2104', 'ringing')]),
  ]);
  const first = live.call.legs.find((l) => l.lineId === LINES['2101'])!;
  assert.equal(first.neverRang, true);
  assert.equal(first.rangUnheard, undefined);
  const late = applyEvent(live.call, snapshot('c1', 2, [leg('2101', 'connected')]), { older: true })!;
  const rang = late.call.legs.find((l) => l.lineId === LINES['2101'])!;
  assert.equal(rang.rangUnheard, true);
  assert.equal(rang.neverRang, undefined);
  assert.ok(late.reasons.includes(`leg:${LINES['2101']}:rang-unheard`));
});

test('a transfer: the first answer, heard late, wins over the target’s answer heard live', () => {
  const live = replay([snapshot('c1', 1, []), snapshot('c1', 4, [leg('2104', 'connected')])]).call;
  assert.equal(live.answeredBy, LINES['2104']);
  const answer = snapshot('c1', 2, [leg('2101', 'connected')]);
  const late = applyEvent(live, answer, { older: true })!;
  assert.equal(late.call.answeredBy, LINES['2101']);
  assert.equal(late.call.answeredAt, answer.at);
  assert.ok(late.reasons.includes('answered-earlier'), 'answered once, re-credited');
  assert.ok(!late.reasons.includes('answered'));
  // A later history state (the target talking before its live state) does not move the answer again.
  const later = applyEvent(late.call, snapshot('c1', 3, [leg('2104', 'connected')]), { older: true });
  assert.equal(later?.call.answeredBy ?? late.call.answeredBy, LINES['2101']);
});

test('an older state never rolls a leg back', () => {
  const live = replay([
    snapshot('c1', 1, [leg('2103', 'ringing')]),
    snapshot('c1', 3, [leg('2103', 'connected')]),
  ]).call;
  assert.equal(applyEvent(live, snapshot('c1', 2, [leg('2103', 'ringing')]), { older: true }), null);
});

test('endCall ends a live call with the given reason and its outcome', () => {
  const live = replay([snapshot('c1', 1, [leg('2101', 'ringing')])]).call;
  const ended = endCall(live, 42, 'recovered: not active')!;
  assert.equal(ended.call.endedAt, 42);
  assert.equal(ended.call.outcome, 'missed');
  assert.deepEqual(ended.reasons.slice(-2), ['ended', 'recovered: not active']);
});

test('realtime: a line rings, answers and hangs up; the call ends when its last leg is gone', () => {
  const { call, changes } = replay([
    legEvent('r1', '2101', 'ringing'),
    legEvent('r1', '2101', 'connected'),
    legEvent('r1', '2101', 'gone'),
  ]);
  assert.deepEqual(
    changes.map((c) => c.reasons),
    [
      ['created', 'caller', 'dialed', `leg:${LINES['2101']}:ringing`],
      [`leg:${LINES['2101']}:connected`, 'answered'],
      [`leg:${LINES['2101']}:gone`, 'ended'],
    ],
  );
  assert.equal(call.outcome, 'answered');
  assert.equal(call.callee, null, 'the callee of an inbound call is the line, which legs describe');
});

test('realtime ring-all: the call lives on while another line still has it', () => {
  const { call, changes } = replay([
    legEvent('r1', '2102', 'ringing'),
    legEvent('r1', '2103', 'ringing'),
    legEvent('r1', '2103', 'connected'),
    legEvent('r1', '2102', 'gone'),
    legEvent('r1', '2103', 'gone'),
  ]);
  assert.equal(changes[3]!.call.phase, 'connected');
  assert.equal(call.answeredBy, LINES['2103']);
  assert.equal(call.outcome, 'answered');
});

test('realtime transfer: the new line reports the transferrer as caller, the original caller stays', () => {
  const { call } = replay([
    legEvent('r1', '2105', 'connected'),
    legEvent('r1', '2102', 'ringing', { caller: lineParty('2105') }),
    legEvent('r1', '2102', 'connected', { caller: lineParty('2105') }),
  ]);
  assert.equal(call.caller.e164, '+17085550134');
});

test('realtime withheld caller', () => {
  const { call } = replay([legEvent('r1', '2101', 'ringing', { caller: WITHHELD })]);
  assert.equal(call.caller.withheld, true);
});
