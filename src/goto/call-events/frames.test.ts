import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCallEventsFrame, normalizeWebhookBody } from './frames.ts';
import { phoneCacheFor } from '../party.ts';
import { reportSchema, toCallReport } from './report.ts';
import { normalizeCallState } from './state-normalizer.ts';
import type { FrameResult } from './frames.ts';
import type { CallSnapshotEvent, LegUpdate } from '../../calls/types.ts';
import { fixture, fixtureList, usPhone } from '../testing/fixtures.ts';

function replay(file: string): CallSnapshotEvent[] {
  return fixtureList(`call-events/${file}`).map((frame) => {
    const result = normalizeCallEventsFrame(JSON.stringify(frame), usPhone);
    assert.equal(result.kind, 'event', JSON.stringify(result));
    return (result as Extract<FrameResult, { kind: 'event' }>).event;
  });
}

const legs = (e: CallSnapshotEvent): string[] => e.legs.map((l: LegUpdate) => `${l.extension}:${l.state}`);
const bySeq = (events: CallSnapshotEvent[], callId: string, seq: number): CallSnapshotEvent => {
  const found = events.find((e) => e.callId.startsWith(callId) && e.seq === seq);
  assert.ok(found, `no state ${seq} of ${callId}`);
  return found;
};

test('call (a): inbound through the queue, caller is type.caller and not the company DID', () => {
  const events = replay('ws-call-a-queue-answered.json');
  assert.deepEqual(
    events.map((e) => e.seq),
    Array.from({ length: 19 }, (_, i) => i + 1),
  );
  const first = events[0]!;
  assert.equal(first.stateType, 'STARTING');
  assert.equal(first.direction, 'inbound');
  assert.equal(first.callId, '88596f59-2c00-3727-857d-99ebcba25a93');
  assert.equal(first.notificationId, '2c9f219a-8730-4c8c-bcd3-6f98e8e99d31');
  assert.equal(first.accountKey, '4718093562201847735');
  assert.deepEqual(first.caller, {
    e164: '+17735550123',
    raw: '+17735550123',
    name: 'FENN MARLOWE',
    withheld: false,
    extension: null,
  });
  assert.equal(first.callee, null);
  assert.equal(first.dialed, '+13125550140');
  assert.equal(first.createdAt, Date.parse('2026-03-10T15:02:11.304Z'));
  assert.deepEqual(first.legs, []);
  assert.equal(first.queue, null);
  const queue = (fixture('account.json') as { callQueue: { queueId: string } }).callQueue;
  assert.deepEqual(events[6]!.queue, { id: queue.queueId, name: 'Service Desk' });
  assert.equal(events[5]!.queue, null, 'not in the queue yet');
  assert.deepEqual(legs(events[7]!), ['2102:ringing']);
  assert.deepEqual(legs(events[9]!), ['2102:ringing', '2103:ringing', '2104:ringing']);
  assert.deepEqual(legs(events[10]!), ['2102:gone', '2103:ringing', '2104:ringing']);
  assert.deepEqual(legs(events[13]!), ['2103:connected']);
  assert.equal(events[13]!.legs[0]!.name, 'Helena Brandt');
  assert.match(events[13]!.legs[0]!.lineId, /^930e15a6-/);
  assert.deepEqual(legs(events[15]!), ['2103:gone']);
  const ending = events[18]!;
  assert.equal(ending.stateType, 'ENDING');
  assert.deepEqual(ending.legs, []);
  assert.equal(ending.caller, null);
  const raw = fixtureList('call-events/ws-call-a-queue-answered.json')[18] as {
    data: { content: { state: { timestamp: string } } };
  };
  assert.equal(ending.at, Date.parse(raw.data.content.state.timestamp));
});

test('call (b): both devices of one line merge into one leg; the best device state wins', () => {
  const events = replay('ws-call-b-direct-missed.json');
  assert.deepEqual(
    events.map((e) => e.stateType),
    ['STARTING', 'STARTING', 'STARTING', 'STARTING', 'STARTING', 'STARTING', 'ENDING'],
  );
  assert.equal(events[0]!.caller?.e164, '+18155550162');
  assert.equal(events[0]!.caller?.name, 'WIRELESS CALLER');
  assert.equal(events[0]!.dialed, '+13125550177');
  assert.deepEqual(legs(events[2]!), ['2105:ringing']);
  assert.deepEqual(legs(events[4]!), ['2105:ringing'], 'one device still rings');
  assert.deepEqual(legs(events[5]!), ['2105:gone']);
  assert.ok(events.every((e) => e.queue === null && e.direction === 'inbound'));
});

test('call (c): outbound, the dialling line is the caller and type.callee the called party', () => {
  const events = replay('ws-call-c-outbound.json');
  assert.ok(events.every((e) => e.direction === 'outbound'));
  assert.deepEqual(events[0]!.caller, {
    e164: null,
    raw: '2101',
    name: 'Priya Castellano',
    withheld: false,
    extension: '2101',
  });
  assert.equal(events[0]!.callee?.e164, '+16305550188', 'from dialString before the callee shows');
  assert.equal(events[1]!.callee?.e164, '+16305550188');
  assert.equal(events[1]!.callee?.name, null, 'an empty callee name is no name');
  assert.equal(events[1]!.dialed, null);
  assert.deepEqual(legs(events[0]!), ['2101:ringing']);
  assert.deepEqual(legs(events[3]!), ['2101:connected']);
  assert.equal(events[6]!.stateType, 'ENDING');
});

test('call (d): hold marks the agent leg held; warm transfer links both conversations', () => {
  const events = replay('ws-call-d-warm-transfer.json');
  const caller = '7aaa851f';
  const consult = 'b75fc43a';
  assert.equal(bySeq(events, caller, 1).caller?.name, 'BRIARWOOD    IL');
  assert.equal(bySeq(events, caller, 1).caller?.e164, '+12245550119');
  assert.deepEqual(legs(bySeq(events, caller, 6)), ['2105:connected']);
  assert.deepEqual(legs(bySeq(events, caller, 7)), ['2105:held']);
  const transfer = bySeq(events, caller, 8);
  assert.deepEqual(legs(transfer), ['2105:connected', '2102:ringing']);
  assert.equal(transfer.caller?.e164, '+12245550119', 'IN_WARM_TRANSFER caller is still the caller');
  assert.deepEqual(transfer.associated, ['b75fc43a-97c9-3363-b8ca-90fe014c4d00']);
  assert.deepEqual(legs(bySeq(events, caller, 10)), ['2102:connected']);
  const consultFirst = bySeq(events, consult, 1);
  assert.equal(consultFirst.direction, 'internal');
  assert.equal(consultFirst.caller?.extension, '2105');
  assert.equal(consultFirst.callee?.extension, '2102');
  assert.equal(bySeq(events, consult, 2).callee?.name, 'Marcus Oyelaran');
  assert.ok(events.filter((e) => e.callId.startsWith(consult)).every((e) => e.direction === 'internal'));
});

test('call (e): internal calls are OUTBOUND with two LINE participants and no PHONE_NUMBER', () => {
  const events = replay('ws-call-e-internal.json');
  assert.ok(events.every((e) => e.direction === 'internal'));
  assert.equal(events[1]!.caller?.name, 'Marcus Oyelaran');
  assert.equal(events[1]!.callee?.extension, '2104');
  assert.equal(events[1]!.callee?.name, 'Tomasz Whitfield');
  assert.deepEqual(legs(events[1]!), ['2102:ringing', '2104:ringing']);
  assert.deepEqual(legs(events[4]!), ['2102:connected', '2104:gone']);
});

test('webhook bodies of call (a) give the same events as its WebSocket frames', () => {
  const ws = replay('ws-call-a-queue-answered.json');
  const hooks = fixtureList('call-events/webhook-call-a-queue-answered.json').map((body) => {
    const result = normalizeWebhookBody(body, usPhone);
    assert.equal(result.kind, 'event');
    return (result as Extract<FrameResult, { kind: 'event' }>).event;
  });
  assert.deepEqual(hooks, ws);
});

test('a well-formed notification is not copied: the event keeps its own metadata object (issue 12: garbage)', () => {
  const body = fixtureList('call-events/webhook-call-a-queue-answered.json')[0] as {
    content: { metadata: object };
  };
  const result = normalizeWebhookBody(body, usPhone);
  assert.equal(result.kind, 'event');
  assert.equal((result as Extract<FrameResult, { kind: 'event' }>).metadata, body.content.metadata);
});

test('channel control frames are recognised as JSON and as bare strings', () => {
  const refresh = JSON.stringify(fixture('channel/refresh-required-frame.json'));
  const close = JSON.stringify(fixture('channel/to-be-closed-frame.json'));
  assert.deepEqual(normalizeCallEventsFrame(refresh, usPhone), {
    kind: 'control',
    control: 'refresh-required',
  });
  assert.deepEqual(normalizeCallEventsFrame(close, usPhone), { kind: 'control', control: 'to-be-closed' });
  assert.deepEqual(normalizeCallEventsFrame('WEBSOCKET_REFRESH_REQUIRED', usPhone), {
    kind: 'control',
    control: 'refresh-required',
  });
  assert.deepEqual(normalizeCallEventsFrame('"WEBSOCKET_TO_BE_CLOSED"', usPhone), {
    kind: 'control',
    control: 'to-be-closed',
  });
});

test('notifications of other sources on the channel are ignored, not errors', () => {
  const other = { data: { id: 'n-1', source: 'call-history', type: 'CALL_HISTORY', content: {} } };
  const result = normalizeCallEventsFrame(JSON.stringify(other), usPhone);
  assert.deepEqual(result, { kind: 'ignored', reason: 'call-history/CALL_HISTORY' });
});

test('bad frames become a clear invalid result and never throw', () => {
  assert.deepEqual(normalizeCallEventsFrame('{nope', usPhone), {
    kind: 'invalid',
    reason: 'not_json',
    error: 'frame is not JSON',
  });
  const noState = normalizeCallEventsFrame(
    JSON.stringify({ data: { source: 'call-events', type: 'call-state', content: { metadata: {} } } }),
    usPhone,
  );
  assert.equal(noState.kind, 'invalid');
  const weird = normalizeCallEventsFrame(
    JSON.stringify({
      data: {
        source: 'call-events',
        type: 'call-state',
        content: {
          metadata: { conversationSpaceId: 'c', direction: 'SIDEWAYS', accountKey: '1' },
          state: { sequenceNumber: 1, type: 'STARTING', timestamp: '2026-01-01T00:00:00Z' },
        },
      },
    }),
    usPhone,
  );
  assert.deepEqual(weird, {
    kind: 'invalid',
    reason: 'bad_call_value',
    error: 'unknown call direction "SIDEWAYS"',
  });
});

test('an "Anonymous" caller is withheld, with no number', () => {
  const frame = {
    data: {
      id: 'n1',
      source: 'call-events',
      type: 'call-state',
      content: {
        metadata: { conversationSpaceId: 'c1', direction: 'INBOUND', accountKey: '1', callCreated: null },
        state: {
          sequenceNumber: 1,
          type: 'STARTING',
          timestamp: '2026-01-01T00:00:00.5Z',
          participants: [
            {
              id: 'p1',
              originator: 'p1',
              status: { value: 'RINGING' },
              type: {
                value: 'PHONE_NUMBER',
                number: '+13125550140',
                caller: { name: null, number: 'Anonymous' },
              },
              extraMember: { anything: true },
            },
          ],
        },
      },
    },
  };
  const result = normalizeCallEventsFrame(JSON.stringify(frame), usPhone);
  assert.equal(result.kind, 'event');
  const event = (result as Extract<FrameResult, { kind: 'event' }>).event;
  assert.deepEqual(event.caller, {
    e164: null,
    raw: 'Anonymous',
    name: null,
    withheld: true,
    extension: null,
  });
  assert.equal(event.createdAt, event.at, 'absent callCreated falls back to the state time');
});

test('a REPORT_SUMMARY frame names the finished conversation', () => {
  const result = normalizeCallEventsFrame(
    JSON.stringify(fixture('reports/report-summary-notification.json')),
    usPhone,
  );
  assert.deepEqual(result, { kind: 'report', conversationSpaceId: '88596f59-2c00-3727-857d-99ebcba25a93' });
});

test("a report's callStates normalize like the live frames of the same call (AGENT legs, 3-digit times)", () => {
  const report = toCallReport(reportSchema.parse(fixture('reports/report-call-a.json')));
  const fromReport = report.states.map((s) =>
    normalizeCallState(report.metadata, s, null, phoneCacheFor(usPhone)),
  );
  const live = replay('ws-call-a-queue-answered.json');
  assert.deepEqual(
    fromReport.map((e) => [e.seq, e.stateType, e.at, e.direction, e.caller?.e164, legs(e)]),
    live.map((e) => [e.seq, e.stateType, e.at, e.direction, e.caller?.e164, legs(e)]),
  );
});

test('an internal call from a report is internal from its first state (dialString rebuilt)', () => {
  const line = (id: string, originator: string, extension: string) => ({
    id,
    originator,
    type: {
      value: 'LINE',
      lineId: `line-${extension}`,
      extensionNumber: extension,
      name: `Ext ${extension}`,
    },
  });
  const report = toCallReport(
    reportSchema.parse({
      conversationSpaceId: 'c-1',
      direction: 'OUTBOUND',
      accountKey: 'a-1',
      callCreated: '2026-03-10T15:00:00.000Z',
      participants: [line('p-1', 'p-1', '2102'), line('p-2', 'p-1', '2105')],
      callStates: [
        {
          id: 's-1',
          type: 'STARTING',
          sequenceNumber: 1,
          timestamp: '2026-03-10T15:00:00.000Z',
          participants: [line('p-1', 'p-1', '2102')],
        },
      ],
    }),
  );
  assert.equal(report.metadata.dialString, '2105');
  const first = normalizeCallState(report.metadata, report.states[0]!, null, phoneCacheFor(usPhone));
  assert.equal(first.direction, 'internal');
});

test('a state whose origin has left names no caller (not its callee): a consult’s last state', () => {
  const line = (id: string, originator: string, extension: string, status: string) => ({
    id,
    originator,
    status: { value: status },
    type: {
      value: 'LINE',
      lineId: `line-${extension}`,
      extensionNumber: extension,
      name: `Ext ${extension}`,
    },
  });
  const metadata = {
    conversationSpaceId: 'c-2',
    direction: 'OUTBOUND',
    accountKey: 'a-1',
    callCreated: '2026-03-10T15:00:00.000Z',
    dialString: '2105',
  };
  const state = (seq: number, participants: unknown[]) =>
    normalizeCallState(
      metadata as never,
      { sequenceNumber: seq, type: 'ACTIVE', timestamp: '2026-03-10T15:00:09.000Z', participants } as never,
      null,
      phoneCacheFor(usPhone),
    );
  const talking = state(4, [
    line('p-1', 'p-1', '2101', 'CONNECTED'),
    line('p-2', 'p-1', '2105', 'CONNECTED'),
  ]);
  assert.equal(talking.caller?.extension, '2101');
  const last = state(6, [line('p-2', 'p-1', '2105', 'DISCONNECTING')]);
  assert.equal(last.caller, null, 'the callee is not the caller');
  assert.equal(last.direction, 'internal');
});
