import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRealtimeFrame } from './frames.ts';
import type { RealtimeFrameContext, RealtimeFrameResult } from './frames.ts';
import type { LegEvent } from '../../calls/types.ts';
import { fixtureList, usPhone } from '../testing/fixtures.ts';

const line2101 = {
  lineId: 'f6bd6587-36a1-47a6-bb92-84059ebe4ca7',
  extension: '2101',
  name: 'Priya Castellano',
};
const ctx: RealtimeFrameContext = {
  phone: usPhone,
  lineOf: (subId) => (subId === 'screenpop-line-2101' ? line2101 : null),
  accountKey: '4718093562201847735',
  now: () => 1_773_159_010_000,
};

const events = (results: RealtimeFrameResult[]): LegEvent[] =>
  results.flatMap((r) => (r.kind === 'event' ? [r.event] : []));

test('an inbound call on a line: announce → replace → withdraw become ringing → connected → gone', () => {
  const results = fixtureList('realtime/ws-frames-inbound-call.json').map((f) =>
    normalizeRealtimeFrame(JSON.stringify(f), ctx),
  );
  assert.deepEqual(
    results.map((r) => r.kind),
    ['event', 'keepalive', 'event', 'keepalive', 'keepalive', 'event'],
  );
  const legs = events(results);
  assert.deepEqual(
    legs.map((e) => e.leg.state),
    ['ringing', 'connected', 'gone'],
  );
  const first = legs[0]!;
  assert.equal(first.callId, '8e261198-7ef7-46dc-8875-0e87823ceb27', 'callId is the originatorId');
  assert.ok(legs.every((e) => e.callId === first.callId));
  assert.equal(first.direction, 'inbound');
  assert.deepEqual(first.caller, {
    e164: '+17085550134',
    raw: '7085550134',
    name: 'TOLLIVER JUNE',
    withheld: false,
    extension: null,
  });
  assert.equal(first.callee?.extension, '2101');
  assert.equal(first.dialed, '+13125550140');
  assert.deepEqual(first.leg, { ...line2101, state: 'ringing' });
  assert.equal(first.createdAt, 1773159005271);
  assert.equal(first.entityId, '625077057');
  assert.equal(legs[1]!.entityId, '625081870', 'replace carries the new entity id');
  assert.equal(first.accountKey, '4718093562201847735');
});

test('frames of a subscription that is not ours are ignored', () => {
  const frame = { type: 'announce', subId: 'someone-else', entityId: '1', data: { originatorId: 'x' } };
  assert.equal(normalizeRealtimeFrame(JSON.stringify(frame), ctx).kind, 'ignored');
});

test('UNBRIDGED is held; a dialling line with an extension callee is internal; "Main Line <…>" ani', () => {
  const frame = {
    type: 'replace',
    subId: 'screenpop-line-2101',
    newId: '9',
    data: {
      originatorId: 'o1',
      created: 5,
      direction: 'initiator',
      state: 'UNBRIDGED',
      caller: { name: 'Priya Castellano', number: '2101' },
      callee: { name: 'Marcus Oyelaran', number: '2102' },
      ani: 'Main Line <+13125550140>',
    },
  };
  const result = normalizeRealtimeFrame(JSON.stringify(frame), ctx);
  assert.equal(result.kind, 'event');
  const event = (result as Extract<RealtimeFrameResult, { kind: 'event' }>).event;
  assert.equal(event.leg.state, 'held');
  assert.equal(event.direction, 'internal');
  assert.equal(event.dialed, '+13125550140');
  assert.equal(event.entityId, '9');
});

test('bad realtime frames are invalid results, never exceptions', () => {
  assert.equal(normalizeRealtimeFrame('nope', ctx).kind, 'invalid');
  assert.equal(
    normalizeRealtimeFrame('{"type":"announce","subId":"screenpop-line-2101"}', ctx).kind,
    'invalid',
  );
  assert.equal(normalizeRealtimeFrame('{"no":"type"}', ctx).kind, 'invalid');
});
