import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallTraceView, TraceStep } from '../../../src/shared/trace.ts';
import { describeStep, offsetText, routeText, timelineStart, traceFindings } from './trace-text.ts';

const T = 1_800_000_000_000;

const ringing: TraceStep = {
  at: T,
  kind: 'event',
  verdict: 'applied',
  source: 'call-events',
  summary: 'snapshot seq 1 STARTING inbound [2102:ringing] (id n1)',
  legs: [{ line: '2102', state: 'ringing' }],
  blind: false,
  ending: false,
};

function view(steps: TraceStep[], over: Partial<CallTraceView> = {}): CallTraceView {
  return { callId: 'c1', trace: { steps, dropped: 0 }, retentionMs: 3_600_000, logged: null, ...over };
}

const nobodyLine: TraceStep = {
  at: T + 1,
  kind: 'route',
  lines: [{ lineId: 'line-2102', extension: '2102', name: 'Front desk', agents: [], excludedBy: [] }],
};

const cardToNobody: TraceStep = {
  at: T + 2,
  kind: 'card',
  version: 1,
  phase: 'ringing',
  reason: 'snapshot',
  recipients: [],
  more: 0,
  notOpen: [],
};

test('a frame reads as what GoTo reported, with the raw summary kept as a detail', () => {
  const t = describeStep(ringing);
  assert.equal(t.title, 'GoTo (Call Events) reported: line 2102 ringing');
  assert.deepEqual(t.details, ['snapshot seq 1 STARTING inbound [2102:ringing] (id n1)']);
  assert.equal(t.tone, 'info');
});

test('an ignored or blind frame says why, in words', () => {
  const late = describeStep({ ...ringing, verdict: 'older' });
  assert.equal(late.details[0], 'Ignored: it arrived late, older than what the call already showed.');
  assert.equal(late.tone, 'warn');
  const blind = describeStep({ ...ringing, blind: true, source: 'realtime', legs: [], ending: true });
  assert.equal(blind.title, 'GoTo (Realtime) reported: the call is ending');
  assert.equal(
    describeStep({ ...ringing, legs: [] }).title,
    'GoTo (Call Events) reported: no line rings yet (menu or queue)',
  );
  assert.match(blind.details[0] ?? '', /connection was down: what happened meanwhile is unknown/);
});

test('a line nobody pops on: never signed in, or left out of the pop lines settings', () => {
  assert.deepEqual(
    routeText({ lineId: 'l', extension: '2102', name: 'Front desk', agents: [], excludedBy: [] }),
    {
      text: 'line 2102 (Front desk): nobody pops on it. No screenpop agent has this line (its user has never signed in to screenpop).',
      ok: false,
    },
  );
  assert.equal(
    routeText({ lineId: 'l', extension: '2103', name: null, agents: [], excludedBy: ['eli@x'] }).text,
    'line 2103: nobody pops on it. eli@x left it out of their “Lines that pop a card” settings.',
  );
  assert.deepEqual(
    routeText({ lineId: 'l', extension: null, name: null, agents: ['dana@x'], excludedBy: [] }),
    {
      text: 'l pops for dana@x.',
      ok: true,
    },
  );
});

test('a transition’s reasons say what happened to a line, not its id', () => {
  const t = describeStep({
    at: T,
    kind: 'transition',
    version: 2,
    phase: 'ringing',
    reasons: ['created', 'leg:9f2c-77:ringing', 'leg:9f2c-77:gone'],
  });
  assert.equal(t.title, 'The call is now ringing');
  assert.deepEqual(t.details, ['Because: created; a line is ringing; a line left the call']);
});

test('cards: to whom and why, or to nobody', () => {
  assert.equal(describeStep(cardToNobody).title, 'Card (update 1, ringing) went to nobody');
  assert.equal(describeStep(cardToNobody).tone, 'bad');
  const sent = describeStep({
    ...cardToNobody,
    version: 3,
    reason: 'lookup:done',
    recipients: ['a@x', 'b@x'],
    more: 2,
  });
  assert.equal(sent.title, 'Card (update 3, ringing) sent to a@x, b@x, 2 more');
  assert.deepEqual(sent.details, ['Because the caller lookup answered.']);
});

test('lookup: the source that found the caller, and how each source fared', () => {
  const t = describeStep({
    at: T,
    kind: 'lookup',
    status: 'partial',
    matched: { name: 'Ann Lee', source: 'hubspot', how: 'from CRM (hubspot)' },
    unknownReason: null,
    sources: [
      { name: 'store', state: 'done', error: null },
      { name: 'hubspot', state: 'cached', error: null },
      { name: 'zendesk', state: 'failed', error: 'HTTP 503' },
    ],
    ms: 42,
  });
  assert.equal(t.title, 'Caller found: Ann Lee, from hubspot (from CRM (hubspot))');
  assert.deepEqual(t.details, [
    'Lookup took 42 ms.',
    'screenpop contacts answered.',
    'hubspot answered from the cache.',
    'zendesk failed: HTTP 503.',
  ]);
  assert.equal(t.tone, 'warn');
});

test('findings: the card went to nobody because no agent has the line', () => {
  assert.deepEqual(traceFindings(view([ringing, nobodyLine, cardToNobody]), 'boss@x'), [
    'The card went to nobody: no signed-in agent pops on the lines this call rang.',
    'line 2102 (Front desk): nobody pops on it. No screenpop agent has this line (its user has never signed in to screenpop).',
  ]);
});

test('findings: an agent who excluded the line reads that their settings did it', () => {
  const excluded: TraceStep = {
    ...nobodyLine,
    lines: [{ lineId: 'line-2102', extension: '2102', name: null, agents: [], excludedBy: ['eli@x'] }],
  };
  const toBoss: TraceStep = { ...cardToNobody, recipients: ['boss@x'] };
  assert.deepEqual(traceFindings(view([ringing, excluded, toBoss]), 'eli@x'), [
    'No agent got the card: nobody pops on the lines this call rang; only supervisors saw it.',
    'Your settings leave line 2102 out of the lines that pop a card.',
  ]);
  assert.deepEqual(traceFindings(view([ringing, excluded, toBoss]), 'boss@x').slice(0, 2), [
    'No agent got the card: nobody pops on the lines this call rang; only supervisors saw it.',
    'You got the card as a supervisor (first at update 1).',
  ]);
});

test('findings: whether the asking agent got the card', () => {
  const popping: TraceStep = {
    ...nobodyLine,
    lines: [{ lineId: 'line-2102', extension: '2102', name: null, agents: ['dana@x'], excludedBy: [] }],
  };
  const toDana: TraceStep = { ...cardToNobody, recipients: ['boss@x', 'dana@x'] };
  assert.deepEqual(traceFindings(view([ringing, popping, toDana]), 'dana@x'), [
    'You got the card (first at update 1).',
  ]);
  assert.deepEqual(traceFindings(view([ringing, popping, toDana]), 'eli@x'), [
    'The card went to boss@x, dana@x, not to you.',
  ]);
  const closed: TraceStep = { ...toDana, notOpen: ['dana@x'] };
  assert.deepEqual(traceFindings(view([ringing, popping, closed]), 'dana@x'), [
    'You got the card (first at update 1).',
    'You had no screenpop tab open while the call was live: the card waited until you opened screenpop.',
  ]);
  assert.deepEqual(describeStep(closed).details, [
    'Because the call changed.',
    'No screenpop tab was open for dana@x: the card waited until they opened one.',
  ]);
  const reopened: TraceStep = { ...toDana, version: 2 };
  assert.equal(
    traceFindings(view([ringing, popping, closed, reopened]), 'dana@x').length,
    1,
    'open for update 2',
  );
});

test('a routine check against GoTo’s active calls is no outage', () => {
  const started: TraceStep = { at: T, kind: 'recovery', reason: 'started' };
  assert.equal(describeStep(started).title, 'Checked against GoTo’s list of active calls (at start-up)');
  assert.equal(describeStep(started).tone, 'info');
  assert.ok(!traceFindings(view([ringing, started]), 'x').some((f) => f.includes('interrupted')));
});

test('findings: no card built, ignored frames and an outage are named', () => {
  const findings = traceFindings(
    view([
      { ...ringing, verdict: 'duplicate' },
      { at: T + 5, kind: 'recovery', reason: 'socket closed (1006)' },
    ]),
    'dana@x',
  );
  assert.deepEqual(findings, [
    'No card was built: screenpop never saw this call start or change (its updates were duplicates, late or missing).',
    '1 update(s) from GoTo were ignored as duplicates or late arrivals.',
    'The GoTo connection was interrupted during the call: its state was read back after reconnecting, so what happened meanwhile (an answer, for example) may be unknown.',
  ]);
});

test('findings: a trace no longer held says so plainly, with what the call log knows', () => {
  const logged = {
    callId: 'c1',
    direction: 'inbound' as const,
    callerE164: '+13125550140',
    callerRaw: '3125550140',
    callerName: null,
    withheld: false,
    dialed: null,
    lineIds: ['line-2101'],
    answeredBy: null,
    answeredByName: null,
    startedAt: T,
    answeredAt: null,
    endedAt: T + 9000,
    outcome: 'missed' as const,
    contactId: null,
    notes: null,
    disposition: null,
    notesBy: null,
    notesAt: null,
  };
  assert.deepEqual(traceFindings(view([], { trace: null, logged }), 'dana@x'), [
    'This screenpop no longer holds the call’s step-by-step trace: traces are kept 60 minutes after the call’s last update, and a call handled by another screenpop instance is traced there.',
    'The call log has the call: missed, on line(s) line-2101.',
  ]);
});

test('step offsets read in ms, seconds, then minutes', () => {
  assert.equal(offsetText(0), '+0 ms');
  assert.equal(offsetText(1250), '+1.25 s');
  assert.equal(offsetText(125_000), '+2 min 5 s');
  assert.equal(offsetText(-9_900), '−9.90 s', 'connection notes before the call’s first frame');
  const note: TraceStep = {
    at: T - 9_900,
    kind: 'note',
    message: 'GoTo connection: call events channel connected',
  };
  assert.equal(timelineStart([note, ringing]), T);
  assert.equal(timelineStart([note]), T - 9_900);
});
