import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDirectory } from './audience.ts';
import { MemoryPushHub } from './memory-push-hub.ts';
import { PopService, VERSIONS_PER_EPOCH, versionBaseOf, type CardLookup } from './pop-service.ts';
import type { CardEnrichment } from './card-builder.ts';
import { agent, call, leg } from './testing/calls.ts';
import type { Call } from '../calls/types.ts';
import { UNKNOWN_PARTY } from '../calls/call-state.ts';

const silent = { debug: () => {}, warn: () => {} };

function setup() {
  const directory = new AgentDirectory([]);
  directory.put(agent('dana@x', ['line-1']));
  directory.put(agent('eli@x', ['line-2']));
  const hub = new MemoryPushHub();
  const updates: { call: Call; update: (e: CardEnrichment) => void }[] = [];
  const lookup: CardLookup = { start: (c, update) => updates.push({ call: c, update }) };
  const pops = new PopService({ directory, hub, lookup, log: silent, retentionMs: 60_000 });
  return { hub, pops, updates };
}

const found: CardEnrichment = {
  lookup: { status: 'done', matches: [], unknownReason: 'no match' },
  history: { lastCall: null, callsLast30Days: 2 },
  urgency: { level: 'elevated', reason: '2 calls today' },
  links: [],
};

test('a ringing call pops for the line’s agent with a pending lookup', () => {
  const { hub, pops, updates } = setup();
  pops.onCallChange({
    call: call({ legs: [leg('line-1', 'ringing')] }),
    previous: null,
    reasons: ['created'],
  });
  assert.equal(updates.length, 1);
  const [card] = hub.cards('dana@x');
  assert.equal(card?.phase, 'ringing');
  assert.equal(card?.lookup.status, 'pending');
  assert.deepEqual(hub.cards('eli@x'), []);
  pops.close();
});

test('the lookup result updates the card with a higher version', () => {
  const { hub, pops, updates } = setup();
  pops.onCallChange({
    call: call({ legs: [leg('line-1', 'ringing')] }),
    previous: null,
    reasons: ['created'],
  });
  updates[0]?.update(found);
  const [card] = hub.cards('dana@x');
  assert.equal(card?.version, 2);
  assert.equal(card?.urgency.level, 'elevated');
  pops.close();
});

test('the lookup starts once per call', () => {
  const { pops, updates } = setup();
  const c = call({ legs: [leg('line-1', 'ringing')] });
  pops.onCallChange({ call: c, previous: null, reasons: ['created'] });
  pops.onCallChange({ call: { ...c, phase: 'connected', version: 2 }, previous: c, reasons: ['answered'] });
  assert.equal(updates.length, 1);
  pops.close();
});

test('a call first heard without its caller is looked up again once the caller is heard', () => {
  const { pops, updates } = setup();
  const first = call({ caller: UNKNOWN_PARTY, legs: [leg('line-1', 'gone')], phase: 'ended' });
  pops.onCallChange({ call: first, previous: null, reasons: ['created', 'ended'] });
  const named = { ...first, caller: call().caller, version: 2 };
  pops.onCallChange({ call: named, previous: first, reasons: ['caller'] });
  assert.equal(updates.length, 2);
  assert.equal(updates[1]!.call.caller, named.caller);
  // The unknown party's answer comes late: it does not overwrite the caller's.
  updates[1]!.update(found);
  updates[0]!.update({ ...found, history: { lastCall: null, callsLast30Days: 0 } });
  assert.equal(pops.card(first.id)?.history.callsLast30Days, 2);
  pops.onCallChange({ call: { ...named, version: 3 }, previous: named, reasons: ['associated'] });
  assert.equal(updates.length, 2, 'a known caller is looked up once');
  pops.close();
});

test('answered by another agent and ended: both agents see every step', () => {
  const { hub, pops } = setup();
  const ringing = call({ legs: [leg('line-1', 'ringing'), leg('line-2', 'ringing')] });
  pops.onCallChange({ call: ringing, previous: null, reasons: ['created'] });
  const answered = call({
    legs: [leg('line-2', 'connected', 'Eli')],
    answeredBy: 'line-2',
    phase: 'connected',
  });
  pops.onCallChange({ call: answered, previous: ringing, reasons: ['answered'] });
  const ended = call({ legs: [], answeredBy: 'line-2', phase: 'ended', outcome: 'answered', endedAt: 9 });
  pops.onCallChange({ call: ended, previous: answered, reasons: ['ended'] });
  for (const principal of ['dana@x', 'eli@x']) {
    const [card] = hub.cards(principal);
    assert.equal(card?.phase, 'ended');
    assert.equal(card?.answeredBy?.name, 'Eli');
    assert.equal(card?.version, 3);
  }
  pops.close();
});

test('an agent who signs in while their line rings gets the live card', () => {
  const { hub, pops } = setup();
  pops.onCallChange({
    call: call({ legs: [leg('line-5', 'ringing')] }),
    previous: null,
    reasons: ['created'],
  });
  assert.deepEqual(hub.cards('fay@x'), []);
  pops.agentChanged(agent('fay@x', ['line-5']));
  assert.equal(hub.cards('fay@x')[0]?.callId, 'conv-1');
  assert.equal(pops.canSee('fay@x', 'conv-1'), true);
  assert.equal(pops.canSee('eli@x', 'conv-1'), false);
  pops.close();
});

test('saved notes show on the call’s card', () => {
  const { hub, pops } = setup();
  pops.onCallChange({
    call: call({ legs: [leg('line-1', 'ringing')] }),
    previous: null,
    reasons: ['created'],
  });
  pops.notesSaved('conv-1', { text: 'wants a callback', disposition: 'follow-up' });
  assert.deepEqual(hub.cards('dana@x')[0]?.notes, { text: 'wants a callback', disposition: 'follow-up' });
  pops.close();
});

test('5,000 sign-ins visit only the live calls on each agent’s lines, not every call held', () => {
  const directory = new AgentDirectory([]);
  const hub = new MemoryPushHub();
  const lookup: CardLookup = { start: () => {} };
  const pops = new PopService({ directory, hub, lookup, log: silent, retentionMs: 60_000 });
  for (let i = 0; i < 200; i++) {
    const ringing = call({ id: `live-${i}`, legs: [leg(`line-${i}`, 'ringing')] });
    pops.onCallChange({ call: ringing, previous: null, reasons: ['created'] });
  }
  for (let i = 0; i < 300; i++) {
    const ended = call({
      id: `ended-${i}`,
      legs: [leg(`line-${i}`, 'gone')],
      phase: 'ended',
      outcome: 'missed',
    });
    pops.onCallChange({ call: ended, previous: null, reasons: ['created', 'ended'] });
  }
  const perSignIn: number[] = [];
  for (let i = 0; i < 5_000; i++) {
    const before = pops.work.callsVisited;
    pops.agentChanged(agent(`a${i}@x`, [`line-${i}`]));
    perSignIn.push(pops.work.callsVisited - before);
  }
  assert.equal(Math.max(...perSignIn), 1, 'at most the one live call on the agent’s line');
  assert.equal(pops.work.callsVisited, 200);
  assert.equal(hub.cards('a7@x')[0]?.callId, 'live-7');
  assert.deepEqual(hub.cards('a4000@x'), []);
  pops.agentChanged(agent('sue@x', [], { role: 'supervisor' }));
  assert.equal(pops.work.callsVisited, 400, 'a supervisor signing in gets every live call, and only those');
  assert.equal(pops.canSee('sue@x', 'live-199'), true);
  pops.close();
});

test('versions never go backwards when a new leader (higher epoch) takes a call over from version 1', () => {
  const hub = new MemoryPushHub();
  const lookup: CardLookup = { start: () => {} };
  const directory = () => {
    const d = new AgentDirectory([]);
    d.put(agent('dana@x', ['line-1']));
    return d;
  };
  const ringing = { call: call({ legs: [leg('line-1', 'ringing')] }), previous: null, reasons: ['created'] };
  const oldLeader = new PopService({
    directory: directory(),
    hub,
    lookup,
    log: silent,
    versionBase: () => versionBaseOf(3),
  });
  for (let n = 0; n < 5; n++) {
    oldLeader.onCallChange(ringing); // the old leader got to its 5th version
  }
  const before = hub.cards('dana@x')[0]?.version ?? 0;
  const newLeader = new PopService({
    directory: directory(),
    hub,
    lookup,
    log: silent,
    versionBase: () => versionBaseOf(4),
  });
  newLeader.onCallChange({
    call: call({ phase: 'connected', legs: [leg('line-1', 'connected')] }),
    previous: null,
    reasons: ['recovered'],
  });
  const after = hub.cards('dana@x')[0];
  assert.equal(before, 3 * VERSIONS_PER_EPOCH + 5);
  assert.equal(after?.version, 4 * VERSIONS_PER_EPOCH + 1);
  assert.equal(after?.phase, 'connected', 'the hub kept the new leader’s card: its version is higher');
  assert.ok(Number.isSafeInteger(versionBaseOf(2 ** 32) + VERSIONS_PER_EPOCH - 1));
  oldLeader.close();
  newLeader.close();
});

/** A call rings line-1 and ends unanswered at `at`. */
function ringAndEnd(pops: PopService, id: string, at: number): void {
  const ringing = call({ id, legs: [leg('line-1', 'ringing')] });
  pops.onCallChange({ call: ringing, previous: null, reasons: ['created'] });
  const ended = call({ id, legs: [], phase: 'ended', outcome: 'missed', endedAt: at });
  pops.onCallChange({ call: ended, previous: ringing, reasons: ['ended'] });
}

test('ended calls are kept for the retention and at most maxEnded of them, the oldest dropped first', () => {
  const directory = new AgentDirectory([]);
  directory.put(agent('dana@x', ['line-1']));
  let now = 0;
  const pops = new PopService({
    directory,
    hub: new MemoryPushHub(),
    lookup: { start: () => {} },
    log: silent,
    retentionMs: 60_000,
    maxEnded: 3,
    now: () => now,
  });
  const end = (id: string) => ringAndEnd(pops, id, now);
  for (const id of ['c1', 'c2', 'c3', 'c4']) {
    end(id);
    now += 1_000;
  }
  // Past the count limit: the first call to end is gone, the others still take notes.
  assert.equal(pops.card('c1'), null);
  assert.deepEqual(
    ['c2', 'c3', 'c4'].map((id) => pops.card(id)?.phase),
    ['ended', 'ended', 'ended'],
  );
  assert.equal(pops.canSee('dana@x', 'c4'), true);
  // Past the retention: a call ending later sweeps the expired ones.
  now += 60_000;
  end('c5');
  assert.deepEqual(
    ['c2', 'c3', 'c4', 'c5'].map((id) => pops.card(id) !== null),
    [false, false, false, true],
  );
  assert.equal(pops.endedHeld, 1);
});

test('an ended call past compactAfterMs keeps its last card: notes still reach the agent with a higher version', () => {
  const directory = new AgentDirectory([]);
  directory.put(agent('dana@x', ['line-1']));
  directory.put(agent('eli@x', ['line-2']));
  let now = 0;
  const hub = new MemoryPushHub();
  const pops = new PopService({
    directory,
    hub,
    lookup: { start: () => {} },
    log: silent,
    compactAfterMs: 60_000,
    now: () => now,
  });
  const end = (id: string) => ringAndEnd(pops, id, now);
  end('old');
  const before = hub.cards('dana@x')[0]!;
  now += 61_000;
  end('new'); // a call ending later archives the old one
  assert.equal(pops.archivedHeld, 1);
  assert.equal(pops.canSee('dana@x', 'old'), true);
  assert.equal(pops.canSee('eli@x', 'old'), false);
  assert.deepEqual(pops.card('old'), before);
  pops.notesSaved('old', { text: 'called back', disposition: 'resolved' });
  const after = hub.cards('dana@x').find((c) => c.callId === 'old')!;
  assert.equal(after.version, before.version + 1);
  assert.deepEqual(after.notes, { text: 'called back', disposition: 'resolved' });
  assert.equal(after.phase, 'ended');
  assert.equal(hub.cards('eli@x').length, 0);
  pops.close();
});
