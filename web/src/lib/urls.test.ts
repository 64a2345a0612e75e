import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callNotesUrl, callsUrl, contactsUrl, contactUrl, safeHttpUrl } from './urls.ts';

test('only absolute http and https links survive', () => {
  assert.equal(safeHttpUrl('https://crm.example/t/1'), 'https://crm.example/t/1');
  assert.equal(safeHttpUrl('http://crm.example'), 'http://crm.example/');
  assert.equal(safeHttpUrl('javascript:alert(1)'), null);
  assert.equal(safeHttpUrl(' JavaScript:alert(1)'), null);
  assert.equal(safeHttpUrl('data:text/html,<script>'), null);
  assert.equal(safeHttpUrl('/relative'), null);
  assert.equal(safeHttpUrl(''), null);
  assert.equal(safeHttpUrl(null), null);
});

test('call history queries carry only what is set', () => {
  assert.equal(callsUrl({}), '/api/calls');
  assert.equal(
    callsUrl({ q: '  acme ', missedOnly: true, limit: 50 }),
    '/api/calls?q=acme&outcome=missed&limit=50',
  );
  assert.equal(callsUrl({ q: '', before: 123 }), '/api/calls?before=123');
  assert.equal(callsUrl({ q: 'a&b=c' }), '/api/calls?q=a%26b%3Dc');
});

test('contact queries and ids are encoded', () => {
  assert.equal(contactsUrl({ q: '+1 312', limit: 25 }), '/api/contacts?q=%2B1+312&limit=25');
  assert.equal(contactsUrl({ offset: 0 }), '/api/contacts');
  assert.equal(contactUrl('a/b'), '/api/contacts/a%2Fb');
  assert.equal(callNotesUrl('c 1'), '/api/calls/c%201/notes');
});
