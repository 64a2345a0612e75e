import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProviders } from './provider-config.ts';
import type { HttpProviderConfig } from './http-config.ts';
import { mapResponse } from './provider-mapping.ts';
import { parsePath, readPath } from './json-path.ts';

const ctx = { provider: 'crm', e164: '+13125550140', raw: '3125550140', now: 42 };

function provider(fields: Record<string, unknown>): HttpProviderConfig {
  const [p] = parseProviders(JSON.stringify([{ name: 'crm', url: 'http://127.0.0.1/{e164}', fields }]), {});
  assert.ok(p?.type === 'http');
  return p;
}

test('paths read objects, array indexes and lists', () => {
  const body = { data: [{ name: 'Ann', tags: ['a', 'b'] }], results: [{ c: 1 }, { c: 2 }, {}] };
  assert.deepEqual(readPath(body, parsePath('data.0.name')), ['Ann']);
  assert.deepEqual(readPath(body, parsePath('results[].c')), [1, 2]);
  assert.deepEqual(readPath(body, parsePath('data.1.name')), []);
  assert.deepEqual(readPath(body, parsePath('data.0.name.x')), []);
  assert.deepEqual(readPath({ a: 'str' }, parsePath('a.length')), []);
  assert.deepEqual(readPath({}, parsePath('constructor')), []);
});

test('a single record: every field from its path', () => {
  const p = provider({
    name: 'data.0.properties.name',
    company: 'data.0.properties.company',
    email: 'data.0.email',
    tier: 'data.0.tier',
    tags: 'data.0.labels',
    externalId: 'data.0.id',
    recordUrl: 'data.0.link',
    tickets: { from: 'data.0.tickets', id: 'key', title: 'summary', status: 'state', url: 'href' },
    appointments: { from: 'data.0.meetings', at: 'start', title: 'subject' },
  });
  const body = {
    data: [
      {
        id: 987,
        properties: { name: 'Ann Lee', company: 'Acme' },
        email: 'ann@acme.example',
        tier: 'gold',
        labels: ['vip', 'beta'],
        link: 'https://crm.example/c/987',
        tickets: [
          { key: 'T-1', summary: 'Broken', state: 'open', href: 'https://crm.example/t/1' },
          { key: 'T-2' },
        ],
        meetings: [
          { start: '2026-11-25T10:00:00Z', subject: 'Renewal' },
          { start: 'never', subject: 'x' },
        ],
      },
    ],
  };
  const [c, ...rest] = mapResponse(body, p, ctx);
  assert.equal(rest.length, 0);
  assert.deepEqual(c, {
    id: 'provider:crm:987',
    name: 'Ann Lee',
    company: 'Acme',
    email: 'ann@acme.example',
    tier: 'gold',
    tags: ['vip', 'beta'],
    notes: null,
    custom: {},
    phones: [{ raw: '3125550140', e164: '+13125550140', label: null }],
    tickets: [{ id: 'T-1', title: 'Broken', status: 'open', url: 'https://crm.example/t/1' }],
    appointments: [{ at: Date.parse('2026-11-25T10:00:00Z'), title: 'Renewal' }],
    externalId: '987',
    recordUrl: 'https://crm.example/c/987',
    createdAt: 42,
    updatedAt: 42,
  });
});

test('a list: one contact per element, fields read per element; nameless elements dropped', () => {
  const p = provider({ name: 'results[].name', company: 'results[].company', tier: 'meta.tier' });
  const body = {
    meta: { tier: 'VIP' },
    results: [{ name: 'A', company: 'X' }, { company: 'Y' }, { name: 'B' }],
  };
  const contacts = mapResponse(body, p, ctx);
  assert.deepEqual(
    contacts.map((c) => [c.id, c.name, c.company, c.tier]),
    [
      ['provider:crm:+13125550140#0', 'A', 'X', 'VIP'],
      ['provider:crm:+13125550140#2', 'B', null, 'VIP'],
    ],
  );
});

test('hostile values stay plain text; only http(s) record links survive; wrong types are ignored', () => {
  const p = provider({ name: 'name', company: 'company', recordUrl: 'url', tags: 'tags', email: 'email' });
  const body = {
    name: '<img src=x onerror=alert(1)>\u0000 Eve',
    company: { evil: true },
    url: 'javascript:alert(1)',
    tags: 'a, b ,,c',
    email: 'x'.repeat(5000),
  };
  const [c] = mapResponse(body, p, ctx);
  assert.equal(c?.name, '<img src=x onerror=alert(1)>  Eve');
  assert.equal(c?.company, null);
  assert.equal(c?.recordUrl, null);
  assert.deepEqual(c?.tags, ['a', 'b', 'c']);
  assert.equal(c?.email?.length, 500);
});

test('a body of the wrong shape gives no contacts, not an exception', () => {
  const p = provider({ name: 'results[].name' });
  for (const body of [null, 42, 'text', [], { results: 'no' }, { results: [null, 1] }]) {
    assert.deepEqual(mapResponse(body, p, ctx), []);
  }
});
