import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Contact } from '../../../src/shared/api.ts';
import { contactInput, emptyFields, fieldsFromContact, parsePhones } from './contact-form.ts';

const contact: Contact = {
  id: 'k1',
  name: 'Dana Reyes',
  company: 'Acme',
  email: null,
  tier: 'gold',
  tags: ['vip', 'east'],
  notes: null,
  custom: { plan: 'pro' },
  phones: [
    { raw: '(312) 555-0140 x12', e164: '+13125550140', label: 'office' },
    { raw: '+1 312 555 0199', e164: '+13125550199', label: null },
  ],
  tickets: [{ id: 'T-1', title: 'Broken', status: 'open', url: null }],
  appointments: [],
  externalId: 'crm-9',
  recordUrl: null,
  createdAt: 0,
  updatedAt: 0,
};

test('phones parse one per line, with an optional label before a colon', () => {
  assert.deepEqual(parsePhones('office: (312) 555-0140 x12\n\n +1 312 555 0199 \nmobile:+44 20 7946 0000'), [
    { raw: '(312) 555-0140 x12', label: 'office' },
    { raw: '+1 312 555 0199', label: null },
    { raw: '+44 20 7946 0000', label: 'mobile' },
  ]);
});

test('a contact survives the round trip through the form, hidden fields included', () => {
  const input = contactInput(fieldsFromContact(contact), contact);
  assert.equal(input.name, 'Dana Reyes');
  assert.deepEqual(input.tags, ['vip', 'east']);
  assert.deepEqual(input.phones, [
    { raw: '(312) 555-0140 x12', label: 'office' },
    { raw: '+1 312 555 0199', label: null },
  ]);
  assert.deepEqual(input.custom, { plan: 'pro' });
  assert.equal(input.tickets?.length, 1);
  assert.equal(input.externalId, 'crm-9');
});

test('blank fields become null and a new contact starts from the number', () => {
  const input = contactInput({ ...emptyFields('+13125550140'), name: '  Sam  ' });
  assert.equal(input.name, 'Sam');
  assert.equal(input.company, null);
  assert.deepEqual(input.tags, []);
  assert.deepEqual(input.phones, [{ raw: '+13125550140', label: null }]);
});
