import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProviders, providerProblems } from './provider-config.ts';
import { PROVIDER_TYPES, createProvider } from './provider-kinds.ts';
import { TestClock } from '../testing/values.ts';

const good = {
  name: 'hubspot',
  url: 'https://crm.example/contacts?phone={e164}',
  headers: { authorization: 'Bearer ${CRM_TOKEN}' },
  fields: { name: 'results[].name', company: 'results[].company' },
};

test('a valid provider gets its defaults and env references filled in', () => {
  const [p] = parseProviders(JSON.stringify([good]), { CRM_TOKEN: 's3cret' });
  assert.ok(p?.type === 'http');
  assert.equal(p?.headers.authorization, 'Bearer s3cret');
  assert.equal(p?.timeoutMs, 2000);
  assert.equal(p?.priority, 0);
  assert.equal(p?.cacheTtlMs, 60_000);
  assert.deepEqual(p?.fields.name, [
    { key: 'results', each: true },
    { key: 'name', each: false },
  ]);
});

test('each bad entry is named with its index, provider name and field', () => {
  const problems = providerProblems(
    JSON.stringify([
      { ...good, url: 'ftp://crm.example/{e164}' },
      { ...good, name: 'b', url: 'https://crm.example/{phone}' },
      { name: 'c', url: 'https://x.example/{e164}' },
      { ...good, name: 'd', timeoutMs: -1, extra: true },
      { ...good, name: 'e', fields: { name: 'a..b' } },
    ]),
    { CRM_TOKEN: 't' },
  );
  assert.deepEqual(problems, [
    'SCREENPOP_LOOKUP_PROVIDERS[0] ("hubspot").url: must be an http(s) URL template',
    'SCREENPOP_LOOKUP_PROVIDERS[1] ("b").url: unknown placeholder {phone}; use e164, e164_digits, national, raw',
    'SCREENPOP_LOOKUP_PROVIDERS[2] ("c").fields: Invalid input: expected object, received undefined',
    'SCREENPOP_LOOKUP_PROVIDERS[3] ("d").timeoutMs: Too small: expected number to be >=10',
    'SCREENPOP_LOOKUP_PROVIDERS[3] ("d"): Unrecognized key: "extra"',
    'SCREENPOP_LOOKUP_PROVIDERS[4] ("e").fields.name: bad path segment "" in "a..b"',
  ]);
});

test('an unset env var is a config problem, and its value never appears in messages', () => {
  assert.deepEqual(providerProblems(JSON.stringify([good]), {}), [
    'SCREENPOP_LOOKUP_PROVIDERS[0] ("hubspot").headers.authorization: environment variable CRM_TOKEN is not set',
  ]);
});

test('not JSON, not an array, duplicate names', () => {
  assert.deepEqual(providerProblems('{', {}), ['SCREENPOP_LOOKUP_PROVIDERS: not valid JSON']);
  assert.deepEqual(providerProblems('{}', {}), ['SCREENPOP_LOOKUP_PROVIDERS: must be a JSON array']);
  assert.deepEqual(providerProblems(JSON.stringify([good, good]), { CRM_TOKEN: 't' }), [
    'SCREENPOP_LOOKUP_PROVIDERS: provider name "hubspot" is used more than once',
  ]);
  assert.deepEqual(parseProviders('[]', {}), []);
});

test('"type" names the provider kind; without it an entry is an HTTP provider, as before kinds existed', () => {
  const [typed] = parseProviders(JSON.stringify([{ ...good, type: 'http' }]), { CRM_TOKEN: 't' });
  const [untyped] = parseProviders(JSON.stringify([good]), { CRM_TOKEN: 't' });
  assert.equal(untyped?.type, 'http');
  assert.deepEqual(typed, untyped);
});

test("an unknown type is named with the kinds there are, next to the other entries' problems", () => {
  assert.deepEqual(
    providerProblems(
      JSON.stringify([
        { ...good, type: 'carrier-pigeon' },
        { ...good, name: 'b', type: 7 },
        { ...good, name: 'c', timeoutMs: 1 },
      ]),
      { CRM_TOKEN: 't' },
    ),
    [
      `SCREENPOP_LOOKUP_PROVIDERS[0] ("hubspot").type: unknown provider type "carrier-pigeon"; use ${PROVIDER_TYPES.join(', ')}`,
      `SCREENPOP_LOOKUP_PROVIDERS[1] ("b").type: unknown provider type 7; use ${PROVIDER_TYPES.join(', ')}`,
      'SCREENPOP_LOOKUP_PROVIDERS[2] ("c").timeoutMs: Too small: expected number to be >=10',
    ],
  );
});

test('createProvider makes each entry through its kind, with the common fields', () => {
  const configs = parseProviders(
    JSON.stringify([good, { ...good, name: 'second', priority: 9, cacheTtlSeconds: 5, staleSeconds: 1 }]),
    { CRM_TOKEN: 't' },
  );
  const providers = configs.map((c) => createProvider(c, new TestClock(0)));
  assert.deepEqual(
    providers.map((p) => [p.name, p.priority, p.cacheTtlMs, p.staleMs]),
    [
      ['hubspot', 0, 60_000, 600_000],
      ['second', 9, 5000, 1000],
    ],
  );
});
