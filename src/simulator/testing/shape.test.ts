// Spec for shapeDiff: what counts as a structural difference between a payload and a fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './fixtures.ts';
import { discriminatorOf, shapeDiff, timestampSpellings } from './shape.ts';

test('identical structure with different values has no diff', () => {
  const expected = { id: 'a', n: 1, ok: true, nested: { list: [1, 2] } };
  const actual = { id: 'zzz', n: 99.5, ok: false, nested: { list: [7] } };
  assert.deepEqual(shapeDiff(actual, expected), []);
});

test('a missing member is reported with its path and expected kind', () => {
  assert.deepEqual(shapeDiff({ a: { b: 1 } }, { a: { b: 1, c: 'x' } }), ['$.a.c: missing (expected string)']);
});

test('an unexpected member is reported', () => {
  assert.deepEqual(shapeDiff({ a: 1, extra: null }, { a: 1 }), ['$.extra: unexpected member (null)']);
});

test('null versus absent is a difference both ways', () => {
  assert.deepEqual(shapeDiff({}, { usage: null }), ['$.usage: missing (expected null)']);
  assert.deepEqual(shapeDiff({ usage: null }, {}), ['$.usage: unexpected member (null)']);
});

test('a null where a value is expected is a kind difference', () => {
  assert.deepEqual(shapeDiff({ topic: null }, { topic: 'x' }), ['$.topic: expected string, got null']);
});

test('a digit string key spelled as a number is a kind difference', () => {
  assert.deepEqual(shapeDiff({ accountKey: 4718 }, { accountKey: '4718' }), [
    '$.accountKey: expected string, got number',
  ]);
});

test('array elements are compared with the expected element shape', () => {
  const diffs = shapeDiff(
    { items: [{ id: 'a' }, { id: 'b', name: 'x' }] },
    { items: [{ id: 'q', name: 'y' }] },
  );
  assert.deepEqual(diffs, ['$.items[0].name: missing (expected string)']);
});

test('an empty expected array accepts any elements, an empty actual array is fine', () => {
  assert.deepEqual(shapeDiff({ a: [1, 'x'] }, { a: [] }), []);
  assert.deepEqual(shapeDiff({ a: [] }, { a: [{ id: 'x' }] }), []);
});

test('elements of differing kinds are matched by type.value', () => {
  const expected = [
    { type: { value: 'PHONE_NUMBER', number: '+1' }, status: { value: 'RINGING' } },
    { type: { value: 'LINE', lineId: 'l', extensionNumber: '2101' }, status: { value: 'RINGING' } },
  ];
  const good = [{ type: { value: 'LINE', lineId: 'm', extensionNumber: '2102' }, status: { value: 'X' } }];
  assert.deepEqual(shapeDiff(good, expected), []);
  const bad = [{ type: { value: 'LINE', number: '+1' }, status: { value: 'X' } }];
  assert.deepEqual(shapeDiff(bad, expected), [
    '$[0].type.lineId: missing (expected string)',
    '$[0].type.extensionNumber: missing (expected string)',
    '$[0].type.number: unexpected member (string)',
  ]);
});

test('an element whose kind the fixture never shows is reported', () => {
  assert.deepEqual(shapeDiff([{ type: 'ENDING' }], [{ type: 'STARTING' }]), [
    '$[0]: no expected element of kind type=ENDING',
  ]);
});

test('an element matches the closest of several expected elements of its kind (optional members)', () => {
  const expected = [
    { type: 'ACTIVE', id: 'a', ivr: [] },
    { type: 'ACTIVE', id: 'b' },
  ];
  assert.deepEqual(shapeDiff([{ type: 'ACTIVE', id: 'c' }], expected), []);
  assert.deepEqual(shapeDiff([{ type: 'ACTIVE', id: 'c', ivr: [], more: 1 }], expected), [
    '$[0].more: unexpected member (number)',
  ]);
});

test('timestamp spelling: trimmed milliseconds versus three digits versus nanoseconds', () => {
  assert.deepEqual(shapeDiff({ t: '2026-03-10T15:02:11.57Z' }, { t: '2026-03-10T15:02:11.61Z' }), []);
  assert.deepEqual(shapeDiff({ t: '2026-03-10T15:02:12Z' }, { t: '2026-03-10T15:02:11.570Z' }), []);
  assert.equal(shapeDiff({ t: '2026-03-10T15:02:11.57Z' }, { t: '2026-03-10T15:02:11.570Z' }).length, 1);
  assert.equal(shapeDiff({ t: '2026-03-10T15:02:11.570Z' }, { t: '2026-03-10T15:02:11.57Z' }).length, 1);
  assert.equal(
    shapeDiff({ t: '2026-03-10T15:02:11.602Z' }, { t: '2026-03-10T15:02:11.61105578Z' }).length,
    1,
  );
  assert.equal(shapeDiff({ t: '2026-03-10T15:02:11+00:00' }, { t: '2026-03-10T15:02:11.6Z' }).length, 1);
  assert.deepEqual(
    shapeDiff({ t: '2026-03-10T15:02:11.330396546Z' }, { t: '2026-03-10T15:02:11.61105578Z' }),
    [],
  );
});

test('timestampSpellings classifies each spelling', () => {
  assert.deepEqual(timestampSpellings('2026-03-10T15:02:12Z'), ['trimmed-ms', 'fixed-ms', 'nanos']);
  assert.deepEqual(timestampSpellings('2026-03-10T15:02:12.5Z'), ['trimmed-ms']);
  assert.deepEqual(timestampSpellings('2026-03-10T15:02:12.602Z'), ['trimmed-ms', 'fixed-ms']);
  assert.deepEqual(timestampSpellings('2026-03-10T15:02:12.600Z'), ['fixed-ms']);
  assert.deepEqual(timestampSpellings('2026-03-10T15:02:12.50Z'), []);
  assert.deepEqual(timestampSpellings('2026-03-10T15:02:12.330396546Z'), ['nanos']);
  assert.deepEqual(timestampSpellings('hello'), []);
});

test('discriminatorOf prefers type.value, then a string type', () => {
  assert.equal(discriminatorOf({ type: { value: 'LINE' } }), 'type.value=LINE');
  assert.equal(discriminatorOf({ type: 'ACTIVE' }), 'type=ACTIVE');
  assert.equal(discriminatorOf({ id: 'x' }), null);
  assert.equal(discriminatorOf('x'), null);
});

test('a non-string where a timestamp is expected is a kind difference', () => {
  assert.deepEqual(shapeDiff({ t: 1 }, { t: '2026-03-10T15:02:12Z' }), ['$.t: expected string, got number']);
});

test('on the fixtures: webhook bodies differ from WebSocket data exactly by the null members left out', async () => {
  const frames = (await fixture('call-events/ws-call-a-queue-answered.json')) as { data: unknown }[];
  const webhook = (await fixture('call-events/webhook-call-a-queue-answered.json')) as unknown[];
  const diffs = shapeDiff(
    webhook,
    frames.map((f) => f.data),
  );
  assert.equal(diffs.length, 4 * webhook.length);
  assert.deepEqual(
    new Set(diffs.map((d) => d.replace(/\[\d+\]/, '[]'))),
    new Set([
      '$[].usage: missing (expected null)',
      '$[].topic: missing (expected null)',
      '$[].displayNotification: missing (expected null)',
      '$[].contentVersion: missing (expected null)',
    ]),
  );
});

test('on the fixtures: a line of /users/v1/users has the shape of a /users/v1/lines item', async () => {
  const users = (await fixture('users/users.json')) as { items: { lines: unknown[] }[] };
  const lines = (await fixture('users/lines.json')) as { items: unknown[] };
  assert.deepEqual(
    shapeDiff(
      users.items.flatMap((u) => u.lines),
      lines.items,
    ),
    [],
  );
});
