import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhone } from '../phone/phone.ts';
import { createStoreMatcher, phoneKeys, rankMatches, unusableReason } from './matcher.ts';
import type { ContactStore, PhoneHit, PinStore } from './ports.ts';
import { contact } from './testing/values.ts';

const options = { defaultRegion: 'US' as const, suffixDigits: 7 };
const keys = phoneKeys(normalizePhone('+13125550140', options));

test('every candidate is returned, scored and explained, exact E.164 first', () => {
  const hits = [
    { contactId: 's', e164: '+443125550140', national: '3125550140', suffix: '5550140' },
    { contactId: 'x', e164: '+13125550140', national: '3125550140', suffix: '5550140' },
    { contactId: 'l', e164: '+17085550140', national: '7085550140', suffix: '5550140' },
  ];
  const matches = rankMatches(keys, hits, [contact('l'), contact('s'), contact('x')], null, 7);
  assert.deepEqual(
    matches.map((m) => [m.contact.id, m.reason, m.reasonText, m.score]),
    [
      ['x', 'exact-e164', 'exact E.164', 1],
      ['s', 'national-number', 'national number', 0.8],
      ['l', 'last-digits', 'last 7 digits', 0.5],
    ],
  );
});

test('a contact with two matching phones appears once, with its best match', () => {
  const hits = [
    { contactId: 'a', e164: '+17085550140', national: '7085550140', suffix: '5550140' },
    { contactId: 'a', e164: '+13125550140', national: '3125550140', suffix: '5550140' },
  ];
  const matches = rankMatches(keys, hits, [contact('a')], null, 7);
  assert.equal(matches.length, 1);
  assert.equal(matches[0]?.reason, 'exact-e164');
});

test('a pinned contact wins over an exact match, and says who pinned it', () => {
  const hits = [
    { contactId: 'x', e164: '+13125550140', national: '3125550140', suffix: '5550140' },
    { contactId: 'p', e164: '+17085550140', national: '7085550140', suffix: '5550140' },
  ];
  const matches = rankMatches(
    keys,
    hits,
    [contact('x'), contact('p')],
    { contactId: 'p', by: 'dana@example.com' },
    7,
  );
  assert.deepEqual(
    matches.map((m) => [m.contact.id, m.reasonText, m.pinnedBy]),
    [
      ['p', 'pinned', 'dana@example.com'],
      ['x', 'exact E.164', undefined],
    ],
  );
});

test('equal scores sort by name, so the card does not reshuffle', () => {
  const hits = ['b', 'a'].map((id) => ({
    contactId: id,
    e164: '+13125550140',
    national: null,
    suffix: null,
  }));
  const matches = rankMatches(
    keys,
    hits,
    [contact('b', { name: 'Zoe' }), contact('a', { name: 'Adam' })],
    null,
    7,
  );
  assert.deepEqual(
    matches.map((m) => m.contact.name),
    ['Adam', 'Zoe'],
  );
});

test('withheld, extension and invalid numbers are unknown callers with a reason', () => {
  assert.equal(unusableReason(normalizePhone('Anonymous', options)), 'withheld number');
  assert.equal(unusableReason(normalizePhone('', options)), 'withheld number');
  assert.equal(unusableReason(normalizePhone('2101', options)), 'internal extension');
  assert.equal(unusableReason(normalizePhone('12345678901234567', options)), 'invalid number');
  assert.equal(unusableReason(normalizePhone('not a number', options)), 'invalid number');
  assert.equal(unusableReason(normalizePhone('(312) 555-0140', options)), null);
});

test('the joined fast path matches exactly what findPhones + getMany match, pins included', async () => {
  const hits: PhoneHit[] = [
    { contactId: 'x', e164: '+13125550140', national: '3125550140', suffix: '5550140' },
    { contactId: 'l', e164: '+17085550140', national: '7085550140', suffix: '5550140' },
  ];
  const people = new Map(['x', 'l', 'p'].map((id) => [id, contact(id)]));
  const plain: Pick<ContactStore, 'findPhones' | 'getMany'> = {
    findPhones: async () => hits,
    getMany: async (ids) => ids.flatMap((id) => people.get(id) ?? []),
  };
  const joined = {
    ...plain,
    findContactsByPhone: async () => ({ hits, contacts: await plain.getMany(['x', 'l']) }),
  };
  const n = normalizePhone('+13125550140', options);
  // No pin, a pin to a contact the phones did not find, to one they did, and to a deleted contact.
  for (const pinned of [null, 'p', 'l', 'gone']) {
    const pins: Pick<PinStore, 'getPin'> = {
      getPin: async () => (pinned === null ? null : { contactId: pinned, by: 'dana', at: 0 }),
    };
    assert.deepEqual(
      await createStoreMatcher(joined, pins, 7).match(n),
      await createStoreMatcher(plain, pins, 7).match(n),
      `pin ${pinned}`,
    );
  }
});
