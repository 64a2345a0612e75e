import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCard, callerDisplay, pendingEnrichment } from './card-builder.ts';
import { call, leg } from './testing/calls.ts';

test('the caller shows as an international number', () => {
  assert.equal(callerDisplay(call()), '+1 312 555 0140');
});

test('a withheld caller shows as "Withheld" and the lookup is done with a reason', () => {
  const c = call({ caller: { e164: null, raw: 'Anonymous', name: null, withheld: true, extension: null } });
  assert.equal(callerDisplay(c), 'Withheld');
  assert.deepEqual(pendingEnrichment(c).lookup, {
    status: 'done',
    matches: [],
    unknownReason: 'withheld number',
  });
});

test('an unparseable number shows raw and is marked invalid', () => {
  const c = call({ caller: { e164: null, raw: '999', name: null, withheld: false, extension: null } });
  assert.equal(callerDisplay(c), '999');
  assert.equal(pendingEnrichment(c).lookup.unknownReason, 'invalid number');
});

test('a usable number starts as pending', () => {
  assert.equal(pendingEnrichment(call()).lookup.status, 'pending');
});

test('the card carries phase, lines, answerer and the caller-ID name untouched', () => {
  const c = call({
    caller: {
      e164: '+13125550140',
      raw: '+13125550140',
      name: '<img src=x>',
      withheld: false,
      extension: null,
    },
    legs: [leg('line-1', 'connected', 'Dana')],
    answeredBy: 'line-1',
    phase: 'connected',
    answeredAt: 2_000,
  });
  const card = buildCard({ call: c, enrichment: pendingEnrichment(c), version: 3, notes: null });
  assert.equal(card.version, 3);
  assert.equal(card.phase, 'connected');
  assert.equal(card.caller.name, '<img src=x>');
  assert.deepEqual(card.answeredBy, { lineId: 'line-1', extension: '1', name: 'Dana', state: 'connected' });
  assert.equal(card.lines.length, 1);
  assert.equal(card.answeredAt, 2_000);
});

test('the answerer keeps its name after its leg is gone', () => {
  const c = call({ legs: [], answeredBy: 'line-1', phase: 'ended', outcome: 'answered', endedAt: 5_000 });
  const seen = new Map([
    ['line-1', { lineId: 'line-1', extension: '2101', name: 'Dana', state: 'connected' as const }],
  ]);
  const card = buildCard({
    call: c,
    enrichment: pendingEnrichment(c),
    version: 4,
    notes: null,
    seenLines: seen,
  });
  assert.deepEqual(card.answeredBy, { lineId: 'line-1', extension: '2101', name: 'Dana', state: 'gone' });
  assert.equal(card.outcome, 'answered');
});

test('an outbound call’s card shows the number the agent dialled, the party the lookup searches', () => {
  const c = call({
    direction: 'outbound',
    caller: { e164: null, raw: '2102', name: 'Marcus', withheld: false, extension: '2102' },
    callee: { e164: '+17085551003', raw: '7085551003', name: null, withheld: false, extension: null },
  });
  const card = buildCard({ call: c, enrichment: pendingEnrichment(c), version: 1, notes: null });
  assert.equal(card.caller.display, '+1 708 555 1003');
  assert.equal(card.caller.e164, '+17085551003');
  assert.equal(card.lookup.status, 'pending');
});

test('a call whose outcome is a guess after a reconnect carries that to its card', () => {
  const c = call({ legs: [], phase: 'ended', outcome: 'missed', endedAt: 5_000, outcomeUnknown: true });
  const card = buildCard({ call: c, enrichment: pendingEnrichment(c), version: 2, notes: null });
  assert.equal(card.outcomeUnknown, true);
  const sure = buildCard({
    call: { ...c, outcomeUnknown: undefined },
    enrichment: pendingEnrichment(c),
    version: 3,
    notes: null,
  });
  assert.equal('outcomeUnknown' in sure, false, 'absent when the outcome is known');
});

test('a line that rang while screenpop was not listening is marked on the card', () => {
  const c = call({
    legs: [{ ...leg('line-1', 'gone'), rangUnheard: true }, leg('line-2', 'gone')],
    phase: 'ended',
    outcome: 'missed',
    endedAt: 5_000,
  });
  const card = buildCard({ call: c, enrichment: pendingEnrichment(c), version: 1, notes: null });
  assert.equal(card.lines[0]!.rangUnheard, true);
  assert.equal('rangUnheard' in card.lines[1]!, false);
});
