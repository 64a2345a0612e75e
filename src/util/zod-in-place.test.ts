import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { checksInPlace, inPlaceParser } from './zod-in-place.ts';

const item = z.object({
  id: z.string(),
  seq: z.number().int(),
  size: z.number().nullish(),
  tags: z.array(z.string()).nullish(),
  extra: z.unknown(),
  inner: z.object({ name: z.string().nullish() }).nullish(),
});
const parse = inPlaceParser(item);

test('a value of the schema’s shape comes back as the same object, its unknown members kept', () => {
  const value = {
    id: 'a',
    seq: 1,
    tags: ['x'],
    extra: undefined,
    inner: { name: null, more: 1 },
    other: true,
  };
  const result = parse(value);
  assert.ok(result.success);
  assert.equal(result.data, value);
});

test('anything else gets zod’s own verdict and error', () => {
  const bad: unknown[] = [
    { id: 'a', seq: 1.5, extra: 0 }, // not an integer
    { id: 'a', seq: 2 ** 53, extra: 0 }, // not a safe integer
    { id: 'a', seq: 1 }, // a required member absent, even one that takes undefined
    { id: 'a', seq: 1, extra: 0, tags: ['x', 2] },
    { id: 'a', seq: 1, extra: 0, inner: [] }, // an array is not an object
    [],
    null,
    'text',
  ];
  for (const value of bad) {
    const result = parse(value);
    assert.equal(result.success, false, JSON.stringify(value));
    assert.deepEqual(result.error?.issues, item.safeParse(value).error?.issues);
  }
});

test('a schema with a refinement or a kind it does not know is parsed by zod alone', () => {
  assert.equal(checksInPlace(item), true);
  assert.equal(checksInPlace(z.object({ email: z.string().email() })), false);
  assert.equal(checksInPlace(z.object({ n: z.number().min(1) })), false);
  assert.equal(checksInPlace(z.object({ a: z.string() }).passthrough()), false);
  const defaulted = z.object({ a: z.string().default('x') });
  const result = inPlaceParser(defaulted)({});
  assert.deepEqual(result.data, { a: 'x' }, 'zod’s copy, with its default');
});
