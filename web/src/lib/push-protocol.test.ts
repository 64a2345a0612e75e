import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, BACKOFF_MAX_MS, parseServerMessage, pushUrl, stepPush } from './push-protocol.ts';
import { makeCard } from './testing/cards.ts';

test('the first hello resumes from its own cursor and asks for a full resync', () => {
  const step = stepPush(null, { type: 'hello', principal: 'a@x', cursor: 7 });
  assert.equal(step.cursor, 7);
  assert.deepEqual(step.actions, [
    { kind: 'send', message: { type: 'resume', cursor: 7 } },
    { kind: 'resync', reset: false },
  ]);
});

test('a hello after a reconnect resumes from the last cursor seen, without a resync', () => {
  const step = stepPush(12, { type: 'hello', principal: 'a@x', cursor: 15 });
  assert.equal(step.cursor, 12);
  assert.deepEqual(step.actions, [{ kind: 'send', message: { type: 'resume', cursor: 12 } }]);
});

test('a hello behind our cursor means the server restarted: adopt its cursor and replace the cards', () => {
  const step = stepPush(40, { type: 'hello', principal: 'a@x', cursor: 2 });
  assert.equal(step.cursor, 2);
  assert.deepEqual(step.actions, [
    { kind: 'send', message: { type: 'resume', cursor: 2 } },
    { kind: 'resync', reset: true },
  ]);
});

test('cards move the cursor forward only', () => {
  const card = makeCard();
  assert.equal(stepPush(5, { type: 'card', cursor: 9, card }).cursor, 9);
  assert.equal(stepPush(9, { type: 'card', cursor: 6, card }).cursor, 9);
  assert.deepEqual(stepPush(9, { type: 'card', cursor: 6, card }).actions, [{ kind: 'card', card }]);
});

test('resumed moves the cursor to the end of the replay', () => {
  assert.equal(stepPush(3, { type: 'resumed', cursor: 8, replayed: 5 }).cursor, 8);
});

test('a server error is reported and triggers a resync', () => {
  const step = stepPush(3, { type: 'error', code: 'cursor_expired', message: 'gone' });
  assert.deepEqual(step.actions, [
    { kind: 'error', code: 'cursor_expired', message: 'gone' },
    { kind: 'resync', reset: false },
  ]);
  assert.equal(step.cursor, 3);
});

test('well-formed frames parse; malformed ones are dropped', () => {
  assert.deepEqual(parseServerMessage('{"type":"hello","principal":"a","cursor":0}'), {
    type: 'hello',
    principal: 'a',
    cursor: 0,
  });
  const card = makeCard();
  assert.deepEqual(parseServerMessage(JSON.stringify({ type: 'card', cursor: 1, card })), {
    type: 'card',
    cursor: 1,
    card,
  });
  assert.equal(parseServerMessage('not json'), null);
  assert.equal(parseServerMessage('{"type":"card","cursor":1,"card":{"callId":3}}'), null);
  assert.equal(parseServerMessage('{"type":"hello","principal":"a","cursor":-1}'), null);
  assert.equal(parseServerMessage('{"type":"pong"}'), null);
  assert.equal(parseServerMessage('[]'), null);
});

test('back-off doubles per attempt, jitters between half and full step, and is capped', () => {
  assert.equal(
    backoffDelay(0, () => 1),
    500,
  );
  assert.equal(
    backoffDelay(0, () => 0),
    250,
  );
  assert.equal(
    backoffDelay(3, () => 1),
    4000,
  );
  assert.equal(
    backoffDelay(50, () => 1),
    BACKOFF_MAX_MS,
  );
});

test('the push URL follows the page origin and scheme', () => {
  assert.equal(pushUrl({ protocol: 'http:', host: '127.0.0.1:3000' }), 'ws://127.0.0.1:3000/api/push');
  assert.equal(pushUrl({ protocol: 'https:', host: 'pop.example' }), 'wss://pop.example/api/push');
});

test('a card frame is checked against the whole shared schema, not just its outline', () => {
  const card = makeCard();
  const bad = (over: object) => JSON.stringify({ type: 'card', cursor: 1, card: { ...card, ...over } });
  assert.equal(parseServerMessage(bad({ phase: 'exploded' })), null);
  assert.equal(parseServerMessage(bad({ caller: { ...card.caller, name: 42 } })), null);
  assert.equal(parseServerMessage(bad({ urgency: { level: 'none' } })), null);
  assert.notEqual(parseServerMessage(bad({})), null);
});
