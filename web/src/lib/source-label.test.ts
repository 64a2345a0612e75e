import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CardMatch } from '../../../src/shared/messages.ts';
import { matchSourceLabel, matchSourceTitle } from './source-label.ts';

const contact = {
  id: '1',
  name: 'Ann',
  company: null,
  email: null,
  tier: null,
  tags: [],
  recordUrl: null,
  tickets: [],
  appointments: [],
};
const match: CardMatch = { contact, score: 1, reason: 'exact E.164', pinned: false };

test('the card names the source of its contact: screenpop’s contacts, a CRM provider, or who pinned it', () => {
  assert.equal(matchSourceLabel(match), null, 'cards from before sources were sent show none');
  assert.equal(matchSourceLabel({ ...match, source: 'store' }), 'from screenpop contacts');
  assert.equal(matchSourceLabel({ ...match, source: 'hubspot' }), 'from hubspot');
  assert.equal(
    matchSourceLabel({ ...match, source: 'store', pinned: true, pinnedBy: 'dana@x' }),
    'from screenpop contacts, pinned by dana@x',
  );
  assert.equal(
    matchSourceTitle({ ...match, source: 'hubspot' }),
    'Contact, tickets and appointments from hubspot',
  );
});
