import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answeredByText, lineLabel, phaseLabel, rangWhileAway, ringingLines } from './card-text.ts';
import { makeCard } from './testing/cards.ts';

const sales = { lineId: 'L1', extension: '101', name: 'Sales', state: 'connected' as const };

test('"you" when one of my lines answered, else the line name', () => {
  const card = makeCard({ phase: 'connected', answeredBy: sales });
  assert.equal(answeredByText(card, new Set(['L1'])), 'you');
  assert.equal(answeredByText(card, new Set(['L2'])), 'Sales (101)');
  assert.equal(answeredByText(makeCard(), new Set(['L1'])), null);
});

test('line labels fall back from name to extension to id', () => {
  assert.equal(lineLabel({ lineId: 'L9', name: null, extension: '204' }), 'ext 204');
  assert.equal(lineLabel({ lineId: 'L9', name: null, extension: null }), 'L9');
});

test('phase labels distinguish the ended outcomes', () => {
  assert.equal(phaseLabel(makeCard()), 'Ringing');
  assert.equal(phaseLabel(makeCard({ phase: 'connected' })), 'Answered');
  assert.equal(phaseLabel(makeCard({ phase: 'ended', outcome: 'missed' })), 'Missed');
  assert.equal(phaseLabel(makeCard({ phase: 'ended', outcome: 'abandoned' })), 'Abandoned');
  assert.equal(phaseLabel(makeCard({ phase: 'ended', outcome: 'answered' })), 'Ended');
});

test('a call that ended unanswered right after a reconnect says its state is unknown, not "Missed"', () => {
  const card = makeCard({ phase: 'ended', outcome: 'missed', outcomeUnknown: true });
  assert.equal(phaseLabel(card), 'State unknown after a reconnect');
});

test('a card of a call that rang my line while screenpop was reconnecting says so, to me only', () => {
  const card = makeCard({
    phase: 'ended',
    outcome: 'missed',
    lines: [{ lineId: 'L1', extension: '101', name: 'Sales', state: 'gone', rangUnheard: true }],
  });
  assert.equal(rangWhileAway(card, new Set(['L1'])), true);
  assert.equal(rangWhileAway(card, new Set(['L2'])), false);
  assert.equal(rangWhileAway(makeCard({ phase: 'ended', outcome: 'missed' }), new Set(['L1'])), false);
});

test('only lines still ringing are listed', () => {
  const card = makeCard({
    lines: [
      { ...sales, state: 'ringing' },
      { lineId: 'L2', extension: '102', name: null, state: 'gone' },
    ],
  });
  assert.equal(ringingLines(card), 'Sales (101)');
});

test('my own ringing lines are named as mine, a wide queue is counted', () => {
  const line = (id: string) => ({
    lineId: id,
    extension: id,
    name: `Agent ${id}`,
    state: 'ringing' as const,
  });
  const queue = makeCard({ lines: [line('1'), line('2'), line('3'), line('4')] });
  assert.equal(ringingLines(queue, new Set(['2'])), 'your line and 3 others');
  assert.equal(ringingLines(queue, new Set(['9'])), '4 lines');
  assert.equal(ringingLines(makeCard({ lines: [line('2')] }), new Set(['2'])), 'your line');
  assert.equal(
    ringingLines(makeCard({ lines: [line('1'), line('2')] }), new Set()),
    'Agent 1 (1), Agent 2 (2)',
  );
});
