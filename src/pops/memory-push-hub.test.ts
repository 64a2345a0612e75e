import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPushHub } from './memory-push-hub.ts';
import { card, pushHubContract } from './push-hub.contract.ts';

pushHubContract('memory', { open: async () => new MemoryPushHub(), close: async () => {} });

test('memory: each agent keeps its latest calls up to the capacity; the oldest fall out of replay', async () => {
  const hub = new MemoryPushHub(2);
  hub.publish(['a@x'], card('c1'));
  hub.publish(['a@x'], card('c2'));
  hub.publish(['a@x'], card('c3'));
  assert.deepEqual(
    hub.cards('a@x').map((c) => c.callId),
    ['c3', 'c2'],
  );
  assert.deepEqual(
    (await hub.since('a@x', 0)).map((e) => e.card.callId),
    ['c2', 'c3'],
  );
  assert.equal(await hub.wasSent('a@x', 'c1'), false);
});
