import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshot } from '../../calls/testing/events.ts';
import { SeenCalls } from './seen-calls.ts';
import type { CallMetadata } from './schema.ts';

const metadata: CallMetadata = {
  conversationSpaceId: 'c1',
  direction: 'INBOUND',
  accountKey: '1',
  callCreated: null,
  dialString: null,
};

test('a newer state is news of the call: it moves when the call was last heard of', () => {
  const seen = new SeenCalls();
  seen.record(snapshot('c1', 1, []), metadata, 1_000);
  seen.record(snapshot('c1', 2, []), metadata, 2_000);
  assert.equal(seen.get('c1')?.seenAt, 2_000);
  assert.equal(seen.get('c1')?.last.seq, 2);
});

test('states delivered again or late are not news: a recovery must still check the call', () => {
  const seen = new SeenCalls();
  seen.record(snapshot('c1', 1, []), metadata, 1_000);
  seen.record(snapshot('c1', 3, []), metadata, 3_000);
  seen.record(snapshot('c1', 1, []), metadata, 5_000); // a recovery reading from 1
  seen.record(snapshot('c1', 2, []), metadata, 6_000); // a gap filled
  assert.equal(seen.get('c1')?.seenAt, 3_000);
  assert.equal(seen.get('c1')?.last.seq, 3);
});

test('a state in a recovery list does not count as hearing from the call', () => {
  const seen = new SeenCalls();
  seen.record(snapshot('c1', 4, []), metadata, null);
  assert.equal(seen.get('c1')?.seenAt, 0);
});
