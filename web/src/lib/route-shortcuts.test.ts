import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageHash, parseRoute, routeHash } from './route.ts';
import { shortcutFor } from './shortcuts.ts';

test('routes parse and build round trip', () => {
  for (const hash of [
    '#/live',
    '#/history',
    '#/history/c%2F1',
    '#/trace',
    '#/trace/c%2F1',
    '#/contacts',
    '#/contacts/new',
    '#/contacts/k9',
    '#/settings',
  ]) {
    assert.equal(routeHash(parseRoute(hash)), hash);
  }
  assert.deepEqual(parseRoute('#/history/c%2F1'), { page: 'history', callId: 'c/1' });
});

test('unknown or empty hashes land on the live page', () => {
  assert.deepEqual(parseRoute(''), { page: 'live' });
  assert.deepEqual(parseRoute('#/nope'), { page: 'live' });
  assert.deepEqual(parseRoute('#/history/%E0%A4%A'), { page: 'history', callId: null });
  assert.equal(pageHash('contacts'), '#/contacts');
});

const key = (k: string, over: Partial<Parameters<typeof shortcutFor>[0]> = {}) =>
  shortcutFor({ key: k, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...over });

test('single keys navigate and open notes', () => {
  assert.deepEqual(key('h'), { kind: 'go', page: 'history' });
  assert.deepEqual(key('n'), { kind: 'notes' });
  assert.deepEqual(key('?'), { kind: 'help' });
  assert.equal(key('x'), null);
});

test('letters typed in a field or with a modifier are not shortcuts; Escape always is', () => {
  assert.equal(key('h', { inField: true }), null);
  assert.equal(key('c', { ctrlKey: true }), null);
  assert.equal(key('l', { metaKey: true }), null);
  assert.deepEqual(key('Escape', { inField: true }), { kind: 'close' });
});
