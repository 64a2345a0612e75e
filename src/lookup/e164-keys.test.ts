import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhone } from '../phone/phone.ts';
import { fromE164 } from './e164-keys.ts';

const samples = [
  '+13125550140',
  '+17085550134',
  '+442079460958',
  '+390612345678',
  '+4930123456',
  '+523125550140',
  '+61291234567',
  '+8613812345678',
  '+35312345678',
  '+97142345678',
  '+4915112345678',
];

test('keys from E.164 equal what normalizePhone gives', () => {
  for (const suffixDigits of [4, 7, 9]) {
    for (const e164 of samples) {
      const slow = normalizePhone(e164, { defaultRegion: 'US', suffixDigits });
      assert.ok(slow.e164 !== null, `${e164} should be valid`);
      assert.deepEqual(fromE164(e164, e164, suffixDigits), slow, e164);
    }
  }
});

test('anything that is not E.164 is refused', () => {
  for (const text of ['13125550140', '+0123456789', '+1', '(312) 555-0140', '+1312555014012345']) {
    assert.equal(fromE164(text, text, 7), null, text);
  }
});
