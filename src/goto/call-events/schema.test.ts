import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { seededRandom } from '../../util/seeded-random.ts';
import { checksInPlace, inPlaceParser } from '../../util/zod-in-place.ts';
import { fixtureList } from '../testing/fixtures.ts';
import { mutate, pick, randomValue } from '../testing/mutations.ts';
import {
  callStateContentSchema,
  frameSchema,
  notificationSchema,
  reportSummaryContentSchema,
} from './schema.ts';

const FRAMES = [
  'ws-call-a-queue-answered.json',
  'ws-call-b-direct-missed.json',
  'ws-call-c-outbound.json',
  'ws-call-d-warm-transfer.json',
  'ws-call-e-internal.json',
].flatMap((file) => fixtureList(`call-events/${file}`));

const SCHEMAS: [string, z.ZodType, (frame: unknown) => unknown][] = [
  ['frame', frameSchema, (frame) => frame],
  ['notification', notificationSchema, (frame) => (frame as { data: unknown }).data],
  [
    'call-state content',
    callStateContentSchema,
    (frame) => (frame as { data: { content: unknown } }).data.content,
  ],
];

test('the schemas of every frame on the pop path are checked in place, not copied', () => {
  for (const [name, schema] of SCHEMAS) {
    assert.ok(checksInPlace(schema), `${name}: a kind the in-place check does not know crept in`);
  }
  assert.ok(checksInPlace(reportSummaryContentSchema));
});

test('checked in place or parsed by zod, 3,000 mutated frames get the same verdict, data and error', () => {
  const rand = seededRandom(12_012);
  let passed = 0;
  for (let i = 0; i < 3_000; i++) {
    const [name, schema, part] = pick(rand, SCHEMAS);
    const frame = pick(rand, FRAMES);
    const roll = rand();
    const value = roll < 0.2 ? part(frame) : roll < 0.9 ? mutate(rand, part(frame)) : randomValue(rand);
    const zod = schema.safeParse(value);
    const inPlace = inPlaceParser(schema)(value);
    assert.equal(inPlace.success, zod.success, `${name} #${i}: ${JSON.stringify(value)?.slice(0, 300)}`);
    if (inPlace.success) {
      passed += 1;
      // The same members as zod's copy once the members the schema does not name are left out.
      assert.deepEqual(schema.parse(inPlace.data), zod.data, `${name} #${i}`);
    } else {
      assert.deepEqual(inPlace.error.issues, zod.error?.issues, `${name} #${i}`);
    }
  }
  assert.ok(passed > 1_000 && passed < 2_500, `both verdicts are exercised (${passed} passed)`);
});
