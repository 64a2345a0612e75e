import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMapOption, planColumns } from './column-map.ts';

test('common headers map to contact fields; phone labels come from the header; the rest is custom', () => {
  const plan = planColumns([
    'Full Name',
    'Organization',
    'E-mail Address',
    'Work Phone',
    'Mobile',
    'Phone 2',
    'Customer Tier',
    'Tags',
    'Notes',
    'ID',
    'URL',
    'Favourite Colour',
  ]);
  assert.deepEqual(
    plan.map((c) => [c.field, c.label]),
    [
      ['name', null],
      ['company', null],
      ['email', null],
      ['phone', 'work'],
      ['phone', 'mobile'],
      ['phone', null],
      ['tier', null],
      ['tags', null],
      ['notes', null],
      ['externalId', null],
      ['recordUrl', null],
      ['custom', null],
    ],
  );
});

test('first and last name columns are recognised', () => {
  assert.deepEqual(
    planColumns(['First Name', 'Last Name', 'Surname', 'given_name']).map((c) => c.field),
    ['firstName', 'lastName', 'lastName', 'firstName'],
  );
});

test('--map overrides the automatic choice, by header ignoring case, with an optional phone label', () => {
  const plan = planColumns(
    ['Org', 'Digits', 'ID', 'Cell'],
    parseMapOption('org=organization, Digits=phone:desk ,ID=ignore,Cell=custom'),
  );
  assert.deepEqual(
    plan.map((c) => [c.field, c.label]),
    [
      ['company', null],
      ['phone', 'desk'],
      ['ignore', null],
      ['custom', null],
    ],
  );
});

test('--map rejects what it cannot understand', () => {
  assert.throws(() => parseMapOption('Phone'), /not Header=field/);
  assert.throws(() => parseMapOption('Phone=telepathy'), /unknown field "telepathy"/);
});
