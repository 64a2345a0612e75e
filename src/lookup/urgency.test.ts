import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_URGENCY_RULES, evaluateUrgency, ordinal, parseUrgencyRules } from './urgency.ts';
import { HOUR, MINUTE, logEntry } from './testing/values.ts';

const now = 1_800_000_000_000;

test('a 3rd call within the hour is urgent, with how many and over how long', () => {
  const previous = [logEntry('b', now - 25 * MINUTE), logEntry('a', now - 40 * MINUTE)];
  const u = evaluateUrgency(DEFAULT_URGENCY_RULES, { now, previous, contact: null });
  assert.deepEqual(u, { level: 'urgent', reason: '3rd call in 40 minutes' });
});

test('calls older than the window do not count towards repeat calls', () => {
  const previous = [logEntry('b', now - 25 * MINUTE), logEntry('a', now - 61 * MINUTE)];
  const u = evaluateUrgency(DEFAULT_URGENCY_RULES, { now, previous, contact: null });
  assert.equal(u.level, 'none');
});

test('calling back within 24 h after a missed call is elevated', () => {
  const previous = [logEntry('a', now - 3 * HOUR, { outcome: 'missed', answeredBy: null })];
  const u = evaluateUrgency(DEFAULT_URGENCY_RULES, { now, previous, contact: null });
  assert.deepEqual(u, { level: 'elevated', reason: 'called back after a missed call' });
});

test('an abandoned last call counts as missed; an answered one in between clears it', () => {
  const abandoned = [logEntry('a', now - HOUR * 2, { outcome: 'abandoned' })];
  assert.equal(
    evaluateUrgency(DEFAULT_URGENCY_RULES, { now, previous: abandoned, contact: null }).level,
    'elevated',
  );
  const answeredSince = [logEntry('b', now - HOUR * 2), logEntry('a', now - HOUR * 3, { outcome: 'missed' })];
  assert.equal(
    evaluateUrgency(DEFAULT_URGENCY_RULES, { now, previous: answeredSince, contact: null }).level,
    'none',
  );
});

test('a missed call more than 24 h ago is not a call-back', () => {
  const previous = [logEntry('a', now - 25 * HOUR, { outcome: 'missed' })];
  assert.equal(evaluateUrgency(DEFAULT_URGENCY_RULES, { now, previous, contact: null }).level, 'none');
});

test('a VIP or gold tier is elevated, case-insensitively', () => {
  const u = evaluateUrgency(DEFAULT_URGENCY_RULES, {
    now,
    previous: [],
    contact: { tier: 'Gold', tags: [] },
  });
  assert.deepEqual(u, { level: 'elevated', reason: 'tier Gold' });
  const silver = evaluateUrgency(DEFAULT_URGENCY_RULES, {
    now,
    previous: [],
    contact: { tier: 'silver', tags: [] },
  });
  assert.equal(silver.level, 'none');
});

test('the highest level wins over an earlier lower one', () => {
  const previous = [
    logEntry('c', now - 5 * MINUTE, { outcome: 'missed' }),
    logEntry('b', now - 10 * MINUTE, { outcome: 'missed' }),
  ];
  const u = evaluateUrgency(
    [
      { kind: 'callback-after-missed', withinHours: 24, level: 'elevated' },
      { kind: 'repeat-calls', calls: 3, withinMinutes: 60, level: 'urgent' },
    ],
    { now, previous, contact: null },
  );
  assert.deepEqual(u, { level: 'urgent', reason: '3rd call in 10 minutes' });
});

test('no rules, no urgency', () => {
  const previous = [logEntry('b', now - MINUTE), logEntry('a', now - 2 * MINUTE)];
  assert.deepEqual(evaluateUrgency([], { now, previous, contact: null }), { level: 'none', reason: null });
});

test('ordinals read as English', () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 103, 111].map(ordinal), [
    '1st',
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '21st',
    '22nd',
    '103rd',
    '111th',
  ]);
});

test('rules parse from JSON with defaults filled in; empty text means the default rules', () => {
  assert.deepEqual(parseUrgencyRules('').rules, DEFAULT_URGENCY_RULES);
  const { rules, problems } = parseUrgencyRules(
    '[{"kind":"repeat-calls","calls":4},{"kind":"tag","tags":["escalated"],"level":"urgent"}]',
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(rules, [
    { kind: 'repeat-calls', calls: 4, withinMinutes: 60, level: 'urgent' },
    { kind: 'tag', tags: ['escalated'], level: 'urgent' },
  ]);
  const tagged = evaluateUrgency(rules, { now, previous: [], contact: { tier: null, tags: ['Escalated'] } });
  assert.deepEqual(tagged, { level: 'urgent', reason: 'tagged Escalated' });
});

test('bad rules are listed one problem per entry and field', () => {
  const { problems } = parseUrgencyRules(
    '[{"kind":"repeat-calls","calls":1},{"kind":"moon"},{"kind":"tier","tiers":[]}]',
  );
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? '', /^SCREENPOP_URGENCY_RULES\[0\]\.calls:/);
  assert.match(problems[1] ?? '', /^SCREENPOP_URGENCY_RULES\[1\]/);
  assert.match(problems[2] ?? '', /^SCREENPOP_URGENCY_RULES\[2\]\.tiers:/);
  assert.deepEqual(parseUrgencyRules('{').problems, ['SCREENPOP_URGENCY_RULES: not valid JSON']);
  assert.deepEqual(parseUrgencyRules('{}').problems, ['SCREENPOP_URGENCY_RULES: must be a JSON array']);
});
