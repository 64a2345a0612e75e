import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCard, pendingEnrichment } from '../pops/card-builder.ts';
import type { CardEnrichment } from '../pops/card-builder.ts';
import { call, leg } from '../pops/testing/calls.ts';
import type { Call } from '../calls/types.ts';
import type { Card } from '../shared/messages.ts';
import { EventMapper, eventId } from './event-mapper.ts';

const noMatch: CardEnrichment = {
  lookup: { status: 'done', matches: [], unknownReason: 'no match' },
  history: { lastCall: null, callsLast30Days: 0 },
  urgency: { level: 'none', reason: null },
  links: [],
};

function card(c: Call, enrichment: CardEnrichment = pendingEnrichment(c), notes: Card['notes'] = null): Card {
  return buildCard({ call: c, enrichment, version: c.version, notes });
}

const ringing = call({ id: 'conv-m', startedAt: 1_000, legs: [leg('line-2101', 'ringing')] });

test('call.ringing waits for the lookup, then goes once', () => {
  const mapper = new EventMapper();
  assert.deepEqual(mapper.fromCard(card(ringing), 5), []);
  const [event] = mapper.fromCard(card(ringing, noMatch), 6);
  assert.equal(event?.type, 'call.ringing');
  assert.equal(event?.id, eventId('conv-m', 'call.ringing'));
  assert.equal(event?.data.match, null);
  assert.equal(event?.data.unknownReason, 'no match');
  assert.deepEqual(mapper.fromCard(card(ringing, noMatch), 7), []);
});

test('a withheld caller rings at once: there is nothing to look up', () => {
  const withheld = call({
    ...ringing,
    caller: { e164: null, raw: 'Anonymous', name: null, withheld: true, extension: null },
  });
  const [event] = new EventMapper().fromCard(card(withheld), 5);
  assert.equal(event?.type, 'call.ringing');
  assert.equal(event?.data.unknownReason, 'withheld number');
});

test('a missed call: ringing, then ended with no answer and its ring time', () => {
  const mapper = new EventMapper();
  mapper.fromCard(card(ringing, noMatch), 5);
  const missed = call({
    ...ringing,
    phase: 'ended',
    legs: [],
    outcome: 'missed',
    endedAt: 31_000,
    version: 2,
  });
  const events = mapper.fromCard(card(missed, noMatch), 6);
  assert.deepEqual(
    events.map((e) => e.type),
    ['call.ended'],
  );
  assert.equal(events[0]?.data.outcome, 'missed');
  assert.deepEqual(events[0]?.data.durations, { ringSeconds: 30, talkSeconds: null, totalSeconds: 30 });
});

test('a call first seen already answered still gives ringing before answered', () => {
  const answered = call({
    ...ringing,
    phase: 'connected',
    legs: [leg('line-2101', 'connected')],
    answeredBy: 'line-2101',
    answeredAt: 4_000,
  });
  assert.deepEqual(
    new EventMapper().fromCard(card(answered), 5).map((e) => e.type),
    ['call.ringing', 'call.answered'],
  );
});

test('every notes save is its own event; the call events have ids every instance derives alike', () => {
  const mapper = new EventMapper();
  const saved = { notes: 'n', disposition: null, by: 'dana@x' };
  assert.notEqual(mapper.notes('conv-m', saved, 1).id, mapper.notes('conv-m', saved, 2).id);
  assert.equal(eventId('conv-m', 'call.ended'), eventId('conv-m', 'call.ended'));
  assert.notEqual(eventId('conv-m', 'call.ended'), eventId('conv-n', 'call.ended'));
  assert.match(eventId('conv-m', 'call.ended'), /^msg_[A-Za-z0-9_-]{27}$/);
});
