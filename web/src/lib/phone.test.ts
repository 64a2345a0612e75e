import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPhone } from './phone.ts';

test('E.164 numbers are shown in international format; anything else as given', () => {
  assert.equal(formatPhone('+13125550140'), '+1 312 555 0140');
  assert.equal(formatPhone('+442079460018'), '+44 20 7946 0018');
  assert.equal(formatPhone('Anonymous'), 'Anonymous');
});
