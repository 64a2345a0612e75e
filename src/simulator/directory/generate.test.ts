// Spec of the generated contact-centre directory: consistent, every agent reachable on its own line, and usable
// by a running simulator whose traffic plan places its calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectoryView } from '../telephony/directory.ts';
import { startSimulator } from '../index.ts';
import { postSim, withSimulator } from '../testing/sim-client.ts';
import { agentDid, agentEmail, agentExtension, generateDirectory } from './generate.ts';

test('every agent has one line, and its line, DID and extension are unique', () => {
  const d = generateDirectory({ agents: 2_500, queueSize: 7 });
  const agents = d.users.filter((u) => !u.admin);
  assert.equal(agents.length, 2_500);
  assert.equal(d.lines.length, 2_500);
  assert.ok(agents.every((u) => u.lineIds.length === 1));
  const unique = (values: readonly string[]) => new Set(values).size === values.length;
  assert.ok(unique(d.lines.map((l) => l.id)));
  assert.ok(unique([...d.lines.map((l) => l.extension), ...d.queues.map((q) => q.extension)]));
  assert.ok(unique(d.phoneNumbers.map((p) => p.number)));
  assert.ok(unique(d.users.map((u) => u.email)));
  assert.equal(d.queues.length, Math.ceil(2_500 / 7));
  assert.equal(d.users.filter((u) => u.admin && u.personalAccessTokens.length > 0).length, 1);
});

test('each agent is reached on its own line by its DID and by its extension; each queue rings its members', () => {
  const d = generateDirectory({ agents: 300, queueSize: 4 });
  const view = new DirectoryView(d);
  for (let i = 0; i < 300; i += 1) {
    const user = d.users.find((u) => u.email === agentEmail(i));
    const lineId = user?.lineIds[0];
    assert.ok(lineId !== undefined, `agent ${i} exists`);
    const byDid = view.resolveInbound(agentDid(i), agentDid(i));
    const byExtension = view.resolveInbound(agentExtension(i), null);
    assert.equal(byDid?.kind === 'line' ? byDid.line.id : null, lineId);
    assert.equal(byExtension?.kind === 'line' ? byExtension.line.id : null, lineId);
    assert.equal(byExtension?.phoneNumber?.number, agentDid(i), 'shows its own DID');
  }
  const rung = new Set<string>();
  for (const queue of d.queues) {
    const did = d.phoneNumbers.find((p) => p.routesTo.kind === 'queue' && p.routesTo.queueId === queue.id);
    const target = view.resolveInbound(did?.number ?? '', did?.number ?? null);
    assert.equal(target?.kind === 'queue' ? target.queue.id : null, queue.id);
    view.queueLines(queue).forEach((line) => rung.add(line.id));
  }
  assert.equal(rung.size, 300, 'every line is in exactly one queue');
});

test('rejects an agent count out of range', () => {
  assert.throws(() => generateDirectory({ agents: 0 }), /agents must be/);
  assert.throws(() => generateDirectory({ agents: 1.5 }), /agents must be/);
});

test('a simulator started with agents places a traffic plan through one control request', async () => {
  await withSimulator(startSimulator({ agents: 20, timeScale: 20 }), async (sim) => {
    assert.equal(sim.directory.lines.length, 20);
    const plan = {
      scenario: 'missed',
      to: [agentDid(0), agentExtension(1), '900000'],
      from: ['+13125550101', '+13125550102'],
      answerAfterMs: 1_000,
      talkMs: 1_000,
    };
    const started = await postSim(sim, '/_sim/traffic', { callsPerSecond: 200, maxCalls: 6, plan });
    assert.equal(started.status, 200);
    assert.deepEqual(started.body, { traffic: { callsPerSecond: 200, maxCalls: 6 } });
    const deadline = Date.now() + 10_000;
    while (sim.telephony.trafficPlaced() < 6 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const calls = (await (await fetch(`${sim.url}/_sim/calls`)).json()) as {
      items: { scenario: string }[];
    };
    assert.equal(calls.items.length, 6);
    assert.ok(calls.items.every((c) => c.scenario === 'missed'));
    const placed = (await (await fetch(`${sim.url}/_sim/traffic`)).json()) as { placed: number };
    assert.equal(placed.placed, 6);
  });
});
