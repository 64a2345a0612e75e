import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../testing/harness.ts';
import type { Harness } from '../testing/harness.ts';
import { call, leg } from '../../pops/testing/calls.ts';

/** A new call ringing on one line, as the call tracker reports it. */
function ring(h: Harness, id: string, lineId: string): void {
  h.pops.onCallChange({ call: call({ id, legs: [leg(lineId, 'ringing')] }), previous: null, reasons: [] });
}

test('GET /api/cards lists the agent’s cards, newest first, and not other agents’', async () => {
  const h = await harness({ trace: () => null });
  const dana = await h.signInAs('dana@x', ['line-1']);
  const eli = await h.signInAs('eli@x', ['line-2']);
  ring(h, 'a', 'line-1');
  ring(h, 'b', 'line-1');
  ring(h, 'c', 'line-2');
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
  const h = await harness({ trace: (id) => (id === 'a' ? { callId: 'a', entries: [], dropped: 0 } : null) });
  const dana = await h.signInAs('dana@x', ['line-1']);
  const eli = await h.signInAs('eli@x', ['line-2']);
  ring(h, 'a', 'line-1');
  const mine = await h.app.inject({ method: 'GET', url: '/api/calls/a/trace', headers: { cookie: dana } });
  assert.equal(mine.statusCode, 200);
  assert.equal(mine.json().callId, 'a');
  const theirs = await h.app.inject({ method: 'GET', url: '/api/calls/a/trace', headers: { cookie: eli } });
  assert.equal(theirs.statusCode, 404);
  assert.equal(theirs.json().error, 'call_not_found');
  await h.close();
});
