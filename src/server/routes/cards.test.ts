import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../test-harness.ts';
import { call, leg } from '../../pops/test-calls.ts';

test('GET /api/cards lists the agent’s cards, newest first, and not other agents’', async () => {
  const h = await harness({ trace: () => null });
  const dana = await h.signInAs('dana@x', ['line-1']);
  const eli = await h.signInAs('eli@x', ['line-2']);
  h.pops.onCallChange({
    call: call({ id: 'a', legs: [leg('line-1', 'ringing')] }),
    previous: null,
    reasons: [],
  });
  h.pops.onCallChange({
    call: call({ id: 'b', legs: [leg('line-1', 'ringing')] }),
    previous: null,
    reasons: [],
  });
  h.pops.onCallChange({
    call: call({ id: 'c', legs: [leg('line-2', 'ringing')] }),
    previous: null,
    reasons: [],
  });
  const res = await h.app.inject({ method: 'GET', url: '/api/cards', headers: { cookie: dana } });
  assert.deepEqual(
    res.json().items.map((c: { callId: string }) => c.callId),
    ['b', 'a'],
  );
  const other = await h.app.inject({ method: 'GET', url: '/api/cards', headers: { cookie: eli } });
  assert.deepEqual(
    other.json().items.map((c: { callId: string }) => c.callId),
    ['c'],
  );
  await h.close();
});

test('GET /api/calls/:id/trace shows the trace to an agent who got the card, and 404 to others', async () => {
  const h = await harness({ trace: (id) => (id === 'a' ? { callId: 'a', entries: [] } : null) });
  const dana = await h.signInAs('dana@x', ['line-1']);
  const eli = await h.signInAs('eli@x', ['line-2']);
  h.pops.onCallChange({
    call: call({ id: 'a', legs: [leg('line-1', 'ringing')] }),
    previous: null,
    reasons: [],
  });
  const mine = await h.app.inject({ method: 'GET', url: '/api/calls/a/trace', headers: { cookie: dana } });
  assert.equal(mine.statusCode, 200);
  assert.equal(mine.json().callId, 'a');
  const theirs = await h.app.inject({ method: 'GET', url: '/api/calls/a/trace', headers: { cookie: eli } });
  assert.equal(theirs.statusCode, 404);
  assert.equal(theirs.json().error, 'call_not_found');
  await h.close();
});
