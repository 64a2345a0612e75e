// Spec: the POST /_sim/calls scenario body — validation, resolution of numbers, expected outcomes — and the
// traffic generator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../index.ts';
import { CallMix } from './traffic.ts';
import { fastSimulator } from './testing/support.ts';

let sim: RunningSimulator;

before(async () => {
  sim = await fastSimulator();
});

after(async () => {
  await sim.close();
});

async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.url}/_sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('a call is started with 201 and its ids and expected outcome', async () => {
  const placed = await post({ scenario: 'answered', from: '+17085550134', to: '+13125550177' });
  assert.equal(placed.status, 201);
  assert.match(String(placed.body['conversationSpaceId']), /^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab]/);
  assert.match(String(placed.body['originatorId']), /^[0-9a-f]{8}-[0-9a-f]{4}-4/);
  assert.deepEqual(placed.body['expected'], { outcome: 'answered', answeredBy: '2105' });
});

test('withheld and unknown callers are accepted', async () => {
  assert.equal((await post({ scenario: 'missed', from: 'Anonymous', to: '2101' })).status, 201);
  assert.equal((await post({ scenario: 'queue', from: '3125550199', to: '2200' })).status, 201);
});

test('bad bodies are 400 with a reason', async () => {
  const cases: unknown[] = [
    {},
    { scenario: 'party', from: '1', to: '2101' },
    { scenario: 'answered', from: 'not a number', to: '2101' },
    { scenario: 'answered', from: '7085550134', to: '9999' },
    { scenario: 'queue', from: '7085550134', to: '2101' },
    { scenario: 'transfer', from: '7085550134', to: '2105' },
    { scenario: 'transfer', from: '7085550134', to: '2105', transferTo: '2105' },
    { scenario: 'outbound', from: '7085550134', to: '6305550188' },
    { scenario: 'internal', from: '2101', to: '8888' },
    { scenario: 'queue', from: '7085550134', to: '2200', answeredBy: '2101' },
    { scenario: 'answered', from: '7085550134', to: '2101', talkMs: -1 },
    'text',
  ];
  for (const body of cases) {
    const answer = await post(body);
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.equal(typeof answer.body['message'], 'string');
  }
});

test('GET /_sim/calls lists placed calls with their conversations', async () => {
  const placed = await post({ scenario: 'internal', from: '2101', to: '2104' });
  const response = await fetch(`${sim.url}/_sim/calls`);
  const list = (await response.json()) as {
    items: { callId: string; conversations: { conversationSpaceId: string }[] }[];
  };
  const call = list.items.find((c) => c.callId === placed.body['callId']);
  assert.equal(call?.conversations[0]?.conversationSpaceId, placed.body['conversationSpaceId']);
});

test('the call mix is mostly queue and answered calls, with missed, withheld and repeat callers', () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const mix = new CallMix(sim.directory, random);
  const bodies = Array.from({ length: 400 }, () => mix.next()).filter((b) => b !== null);
  const count = (s: string) => bodies.filter((b) => b.scenario === s).length;
  assert.ok(count('queue') + count('answered') > 200);
  assert.ok(count('missed') > 10);
  assert.ok(bodies.some((b) => b.from === 'Anonymous'));
  const froms = bodies.map((b) => b.from).filter((f) => f.startsWith('+'));
  assert.ok(new Set(froms).size < froms.length, 'some callers call again');
});

test('the traffic generator places calls until maxCalls', async () => {
  const before = sim.telephony.listCalls().length;
  const response = await fetch(`${sim.url}/_sim/traffic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callsPerSecond: 50, maxCalls: 5 }),
  });
  assert.equal(response.status, 200);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(sim.telephony.listCalls().length - before, 5);
  sim.telephony.traffic(null);
});
