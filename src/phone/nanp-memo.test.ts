import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhone } from './phone.ts';
import { createBulkNormalizer } from './nanp-memo.ts';
import { seededRandom as random } from '../util/seeded-random.ts';

const us = { defaultRegion: 'US' as const, suffixDigits: 7 };

const SPELLINGS = [
  (a: string, e: string, l: string) => `(${a}) ${e}-${l}`,
  (a: string, e: string, l: string) => `(${a})${e}-${l}`,
  (a: string, e: string, l: string) => `${a}-${e}-${l}`,
  (a: string, e: string, l: string) => `${a}.${e}.${l}`,
  (a: string, e: string, l: string) => `${a} ${e} ${l}`,
  (a: string, e: string, l: string) => `${a}${e}${l}`,
  (a: string, e: string, l: string) => `+1${a}${e}${l}`,
  (a: string, e: string, l: string) => ` ${a}${e}${l} `,
  (a: string, e: string, l: string) => `1 ${a} ${e} ${l}`, // not a memo shape: libphonenumber answers
  (a: string, e: string, l: string) => `${a}-${e}-${l} x12`,
];

function digits(next: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    out += String(Math.floor(next() * 10));
  }
  return out;
}

function assertSameAsNormalizePhone(numbers: readonly string[]): void {
  const fast = createBulkNormalizer(us);
  for (const raw of numbers) {
    assert.deepEqual(fast(raw), normalizePhone(raw, us), raw);
  }
}

test('the memo answers exactly what normalizePhone answers, over prefixes seen many times', () => {
  const next = random(7);
  // 2,000 prefixes of every kind (valid, unassigned, 0xx/1xx exchanges, N11, toll-free, 555), 40 numbers each.
  const prefixes = Array.from({ length: 2000 }, () => digits(next, 6));
  const numbers: string[] = [];
  for (let i = 0; i < 80_000; i++) {
    const prefix = prefixes[Math.floor(next() * prefixes.length)]!;
    const spell = SPELLINGS[Math.floor(next() * SPELLINGS.length)]!;
    numbers.push(spell(prefix.slice(0, 3), prefix.slice(3), digits(next, 4)));
  }
  assertSameAsNormalizePhone(numbers);
});

test('the memo answers exactly what normalizePhone answers, for the prefixes real data uses', () => {
  const next = random(11);
  const areas = ['212', '312', '415', '617', '708', '800', '888', '900', '876', '416', '555', '911', '264'];
  const numbers = Array.from({ length: 40_000 }, () => {
    const spell = SPELLINGS[Math.floor(next() * SPELLINGS.length)]!;
    const area = areas[Math.floor(next() * areas.length)]!;
    return spell(area, digits(next, 3), digits(next, 4));
  });
  assertSameAsNormalizePhone(numbers);
});

test('anything but a plain NANP spelling goes to normalizePhone', () => {
  const fast = createBulkNormalizer(us);
  for (const raw of ['', 'Anonymous', '2101', '+44 20 7946 0958', '(312) 555-014', 'not a number', null]) {
    assert.deepEqual(fast(raw), normalizePhone(raw, us), String(raw));
  }
});

test('another default region normalizes exactly like normalizePhone', () => {
  const gb = { defaultRegion: 'GB' as const, suffixDigits: 7 };
  const fast = createBulkNormalizer(gb);
  for (const raw of ['(312) 555-0140', '020 7946 0958', '+13125550140']) {
    assert.deepEqual(fast(raw), normalizePhone(raw, gb), raw);
  }
});
