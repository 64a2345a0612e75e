import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallerLookup } from '../lookup/caller-lookup.ts';
import { contact, party, ringingCall } from '../lookup/testing/values.ts';
import type { LookupResult } from '../lookup/types.ts';
import { toCardEnrichment } from './card-builder.ts';
import type { CardEnrichment } from './card-builder.ts';
import { cardLookup } from './card-lookup.ts';

const result: LookupResult = {
  number: { raw: '+13125550140', e164: '+13125550140', national: '3125550140' },
  status: 'pending',
  matches: [
    {
      contact: contact('7', { name: 'Ann', tier: 'VIP', notes: 'private', custom: { a: 'b' } }),
      score: 1,
      reason: 'pinned',
      reasonText: 'pinned',
      source: 'store',
      pinnedBy: 'dana',
    },
  ],
  unknownReason: null,
  history: {
    lastCall: {
      callId: 'p1',
      at: 5,
      outcome: 'answered',
      answeredBy: 'line-1',
      answeredByName: null,
      notes: 'n',
      disposition: 'd',
    },
    callsLast30Days: 3,
  },
  urgency: { level: 'urgent', reason: '3rd call in 40 minutes' },
  links: [{ label: 'CRM', url: 'https://crm.example/x' }],
  sources: [],
};

test('a lookup result maps onto the card fields, without store-only contact fields', () => {
  const e = toCardEnrichment(result);
  assert.deepEqual(e.lookup.matches[0], {
    contact: {
      id: '7',
      name: 'Ann',
      company: null,
      email: null,
      tier: 'VIP',
      tags: [],
      recordUrl: null,
      tickets: [],
      appointments: [],
    },
    score: 1,
    reason: 'pinned',
    pinned: true,
    source: 'store',
    pinnedBy: 'dana',
  });
  assert.deepEqual(e.lookup.status, 'pending');
  assert.equal(e.history.lastCall?.answeredByName, null, 'a line id is no name to show');
  assert.deepEqual(e.urgency, result.urgency);
  assert.deepEqual(e.links, result.links);
});

test('cardLookup sends the first result and every later update', async () => {
  const service: CallerLookup = {
    lookup: async (_call, onUpdate) => {
      setTimeout(() => onUpdate?.({ ...result, status: 'done' }), 5);
      return result;
    },
    lookupNumber: async () => result,
    providerHealth: () => [],
    close: () => {},
  };
  const seen: CardEnrichment[] = [];
  cardLookup(service).start(ringingCall('c1', party('+13125550140')), (e) => seen.push(e));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(
    seen.map((e) => e.lookup.status),
    ['pending', 'done'],
  );
});
