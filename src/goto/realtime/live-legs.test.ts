import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LegEvent, LegState } from '../../calls/types.ts';
import { applyEvent } from '../../calls/call-state.ts';
import { LiveLegs } from './live-legs.ts';
import { RealtimeOutages } from './outages.ts';
import { createRealtimeSource } from './source.ts';
import type { RealtimeSource } from './source.ts';
import { createGoToApi } from '../http/rest-client.ts';
import type { SourceDriver } from '../socket/reconnecting-source.ts';
import { silent } from '../testing/harness.ts';
import { usPhone } from '../testing/fixtures.ts';

function leg(legId: string, state: LegState, callId = 'call-1'): LegEvent {
  return {
    kind: 'leg',
    source: 'realtime',
    callId,
    entityId: `e-${legId}`,
    legId,
    accountKey: null,
    createdAt: 1_000,
    at: 1_000,
    direction: 'inbound',
    caller: { e164: '+13125550111', raw: '3125550111', name: null, withheld: false, extension: null },
    callee: null,
    dialed: null,
    leg: { lineId: `line-${legId}`, extension: legId, name: null, state },
  };
}

test('after a reconnect, legs take the state GoTo lists, and unlisted legs are gone; all marked blind', () => {
  const legs = new LiveLegs();
  legs.record(leg('a', 'ringing'), 10);
  legs.record(leg('b', 'ringing'), 10);
  legs.record(leg('c', 'connected'), 10);
  const out = legs.reconcile(
    new Map([
      ['a', 'connected'],
      ['c', 'connected'],
    ]),
    20,
    30,
  );
  assert.deepEqual(
    out.map((e) => [e.legId, e.leg.state, e.blind, e.at]),
    [
      ['a', 'connected', true, 30],
      ['b', 'gone', true, 30],
    ],
  );
  assert.equal(legs.size, 2, 'b is forgotten');
  assert.deepEqual(legs.reconcile(new Map([['a', 'connected']]), 40, 50).length, 1, 'only c changes now');
});

test('a leg heard of after the list was asked for is newer than the list and left alone', () => {
  const legs = new LiveLegs();
  legs.record(leg('a', 'ringing'), 25);
  assert.deepEqual(legs.reconcile(new Map(), 20, 30), []);
});

test('when no list can be read, legs not heard of again end as gone after the timeout', () => {
  const legs = new LiveLegs();
  legs.record(leg('a', 'ringing'), 10);
  legs.record(leg('b', 'connected'), 10);
  legs.expireUnheardAfter(100, 20);
  legs.record(leg('b', 'held'), 50); // heard of again: no deadline
  assert.deepEqual(legs.expired(119), []);
  assert.deepEqual(
    legs.expired(120).map((e) => [e.legId, e.leg.state, e.blind]),
    [['a', 'gone', true]],
  );
  assert.equal(legs.size, 1);
  assert.deepEqual(legs.expired(10_000), [], 'b was heard of again: it never expires from that outage');
  legs.expireUnheardAfter(100, 200); // a later outage whose check failed too
  assert.deepEqual(
    legs.expired(300).map((e) => [e.legId, e.leg.state]),
    [['b', 'gone']],
  );
});

test('outages shared by the sources: blind since a time while one is down or ended after it', () => {
  const outages = new RealtimeOutages();
  const a = {};
  const b = {};
  assert.equal(outages.blindSince(0), false);
  outages.begin(a, 100);
  outages.begin(b, 110);
  assert.equal(outages.blindSince(500), true, 'a source is down now');
  outages.end(a, 200);
  outages.end(b, 300);
  assert.equal(outages.blindSince(250), true, 'b was down after 250');
  assert.equal(outages.blindSince(301), false);
});

test('the call model: a blind "gone" that ends an unanswered call marks its outcome unknown', () => {
  const ringing = applyEvent(null, leg('a', 'ringing'))!.call;
  const seen = applyEvent(ringing, leg('a', 'gone'))!.call;
  assert.equal(seen.outcome, 'missed');
  assert.equal(seen.outcomeUnknown, undefined);
  const blind = applyEvent(ringing, { ...leg('a', 'gone'), blind: true })!;
  assert.equal(blind.call.phase, 'ended');
  assert.equal(blind.call.outcomeUnknown, true);
  assert.ok(blind.reasons.includes('outcome-unknown'));
  const answered = applyEvent(ringing, leg('a', 'connected'))!.call;
  const after = applyEvent(answered, { ...leg('a', 'gone'), blind: true })!.call;
  assert.equal(after.outcome, 'answered');
  assert.equal(after.outcomeUnknown, undefined, 'an answer seen is an answer');
});

test('a Realtime source stopped while its socket is down ends its outage', async () => {
  const outages = new RealtimeOutages();
  const source = createRealtimeSource({
    api: createGoToApi({
      urls: { api: 'http://127.0.0.1:9', admin: 'http://127.0.0.1:9', realtime: 'http://127.0.0.1:9' },
      tokens: { accessToken: async () => 'token', refreshAfterRejection: async () => 'token' },
      logger: silent,
    }),
    lineIds: null,
    accountKey: null,
    phone: usPhone,
    logger: silent,
    outages,
  }) as unknown as SourceDriver & RealtimeSource;
  source.down?.('socket closed');
  assert.equal(outages.blindSince(Date.now() + 60_000), true);
  await source.stop();
  assert.equal(outages.blindSince(Date.now() + 60_000), false);
});
