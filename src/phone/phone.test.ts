import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInternational, formatNational, normalizePhone } from './phone.ts';

const us = { defaultRegion: 'US', suffixDigits: 7 } as const;

test('a bare 10-digit US number from Realtime becomes E.164', () => {
  const n = normalizePhone('7085550134', us);
  assert.equal(n.e164, '+17085550134');
  assert.equal(n.national, '7085550134');
  assert.equal(n.suffix, '5550134');
});

test('formatted and international spellings give the same E.164', () => {
  for (const raw of ['(708) 555-0134', '+1 708-555-0134', '1-708-555-0134', '+17085550134']) {
    assert.equal(normalizePhone(raw, us).e164, '+17085550134', raw);
  }
});

test('a foreign number keeps its own country', () => {
  assert.equal(normalizePhone('+44 20 7946 0958', us).e164, '+442079460958');
});

test('Anonymous and empty numbers are withheld, not errors', () => {
  assert.equal(normalizePhone('Anonymous', us).withheld, true);
  assert.equal(normalizePhone('', us).withheld, true);
  assert.equal(normalizePhone(null, us).e164, null);
});

test('a short number is an extension', () => {
  const n = normalizePhone('2101', us);
  assert.equal(n.extension, '2101');
  assert.equal(n.e164, null);
});

test('garbage gives nulls, never an exception', () => {
  const n = normalizePhone('<img src=x onerror=alert(1)>', us);
  assert.equal(n.e164, null);
  assert.equal(n.withheld, false);
});

test('formatInternational spaces an E.164 number', () => {
  assert.equal(formatInternational('+13125550140'), '+1 312 555 0140');
});

test('formatNational writes a number the way its own country does', () => {
  assert.equal(formatNational('+13125550140'), '(312) 555-0140');
  assert.equal(formatNational('+442079460018'), '020 7946 0018');
  assert.equal(formatNational('not a number'), 'not a number');
});
