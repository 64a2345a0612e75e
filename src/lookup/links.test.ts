import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillLinks, parseLinkTemplates } from './links.ts';

const values = {
  e164: '+13125550140',
  national: '3125550140',
  contactId: 'c/1 & 2',
  externalId: 'hs-9',
  callId: 'call-1',
};

test('placeholders are filled URL-encoded', () => {
  const { templates } = parseLinkTemplates(
    '[{"label":"CRM","url":"https://crm.example/search?q={e164}&c={contactId}"},{"label":"Log","url":"https://x.example/calls/{callId}"}]',
  );
  assert.deepEqual(fillLinks(templates, values), [
    { label: 'CRM', url: 'https://crm.example/search?q=%2B13125550140&c=c%2F1%20%26%202' },
    { label: 'Log', url: 'https://x.example/calls/call-1' },
  ]);
});

test('a link whose value is missing is left off rather than shown broken', () => {
  const { templates } = parseLinkTemplates('[{"label":"Record","url":"https://crm.example/r/{externalId}"}]');
  assert.deepEqual(fillLinks(templates, { ...values, externalId: null }), []);
});

test('bad templates are named: unknown placeholder, not http(s), missing label', () => {
  const { problems } = parseLinkTemplates(
    '[{"label":"A","url":"https://x.example/{phone}"},{"label":"B","url":"javascript:alert({e164})"},{"url":"https://x"}]',
  );
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? '', /\[0\]\.url: unknown placeholder \{phone\}/);
  assert.match(problems[1] ?? '', /\[1\]\.url: must be an http\(s\) URL template/);
  assert.match(problems[2] ?? '', /\[2\]\.label/);
});
