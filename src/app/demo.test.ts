import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/config.ts';
import { normalizePhone } from '../phone/phone.ts';
import { SHARED_NUMBER, demoContacts, knownNumber, unknownNumber } from './demo-contacts.ts';
import { seededRandom } from '../util/seeded-random.ts';
import { DIRECT_DID, QUEUE_DID, nextDemoCall } from './demo-traffic.ts';
import { DEMO_CONTACTS, DEMO_PAT, simulatorConfig } from './demo.ts';

const us = { defaultRegion: 'US' as const, suffixDigits: 7 };

test('every demo number is a valid E.164 number', () => {
  for (let i = 0; i < DEMO_CONTACTS; i++) {
    assert.equal(normalizePhone(knownNumber(i), us).e164, knownNumber(i));
  }
  for (let i = 0; i < 100; i++) {
    assert.equal(normalizePhone(unknownNumber(i), us).e164, unknownNumber(i));
  }
});

test('no two demo numbers share their last seven digits, so a "last digits" match never mixes callers up', () => {
  const numbers = [
    ...Array.from({ length: DEMO_CONTACTS }, (_, i) => knownNumber(i)),
    ...Array.from({ length: 100 }, (_, i) => unknownNumber(i)),
    SHARED_NUMBER,
  ];
  const suffixes = new Set(numbers.map((n) => n.slice(-7)));
  assert.equal(suffixes.size, numbers.length);
});

test('the generated contacts are the same on every start, and two share one number', () => {
  const a = demoContacts(DEMO_CONTACTS, 0);
  const b = demoContacts(DEMO_CONTACTS, 0);
  assert.deepEqual(a, b);
  assert.equal(a.length, DEMO_CONTACTS + 2);
  assert.equal(a.filter((c) => c.phones?.[0]?.raw === SHARED_NUMBER).length, 2);
  assert.ok(a.some((c) => (c.tickets?.length ?? 0) > 0));
  assert.ok(a.some((c) => (c.appointments?.length ?? 0) > 0));
});

test('the demo traffic mixes known, repeat, unknown and withheld callers, and some missed calls', () => {
  const random = seededRandom(7);
  const recent = [knownNumber(1)];
  const calls = Array.from({ length: 500 }, () => nextDemoCall(random, recent, DEMO_CONTACTS));
  const known = new Set(Array.from({ length: DEMO_CONTACTS }, (_, i) => knownNumber(i)));
  assert.ok(calls.some((c) => c.from === 'Anonymous'));
  assert.ok(calls.some((c) => c.from.startsWith('+1917555')));
  assert.ok(calls.some((c) => known.has(c.from)));
  assert.ok(calls.filter((c) => c.from === knownNumber(1)).length > 20, 'repeat callers');
  assert.ok(calls.some((c) => c.scenario === 'missed'));
  assert.ok(calls.some((c) => c.scenario === 'transfer'));
  assert.ok(calls.every((c) => c.to === QUEUE_DID || c.to === DIRECT_DID));
});

test('demo mode points every GoTo URL at the simulator and uses its client and PAT', () => {
  const config = simulatorConfig(loadConfig({}), 'http://127.0.0.1:7999');
  assert.equal(config.goto.authUrl, 'http://127.0.0.1:7999');
  assert.equal(config.goto.apiUrl, 'http://127.0.0.1:7999');
  assert.equal(config.goto.adminUrl, 'http://127.0.0.1:7999');
  assert.equal(config.goto.realtimeUrl, 'http://127.0.0.1:7999');
  assert.equal(config.goto.clientId, 'screenpop-demo');
  assert.equal(config.goto.personalAccessToken, DEMO_PAT);
});
