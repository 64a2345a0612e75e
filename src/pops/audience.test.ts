import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDirectory, CallAudience } from './audience.ts';
import { agent, call, leg } from './testing/calls.ts';

function directory(supervisors: string[] = []): AgentDirectory {
  const dir = new AgentDirectory(supervisors);
  dir.put(agent('dana@x.com', ['line-1']));
  dir.put(agent('eli@x.com', ['line-2']));
  dir.put(agent('fay@x.com', ['line-3']));
  return dir;
}

test('an agent whose line rings gets the card, and nobody else', () => {
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-1', 'ringing')] }));
  assert.deepEqual(audience.recipients(directory()), ['dana@x.com']);
});

test('every ringing line of a ring-all queue pops its own agent', () => {
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-1', 'ringing'), leg('line-2', 'ringing')] }));
  assert.deepEqual(audience.recipients(directory()), ['dana@x.com', 'eli@x.com']);
});

test('an agent whose line rang keeps getting the card after the leg is gone', () => {
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-1', 'ringing'), leg('line-2', 'ringing')] }));
  audience.observe(call({ legs: [leg('line-2', 'connected')], phase: 'connected' }));
  audience.observe(call({ legs: [], phase: 'ended' }));
  assert.deepEqual(audience.recipients(directory()), ['dana@x.com', 'eli@x.com']);
});

test('a transfer adds the target line’s agent', () => {
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-1', 'connected')] }));
  audience.observe(call({ legs: [leg('line-1', 'gone'), leg('line-3', 'ringing')] }));
  assert.deepEqual(audience.recipients(directory()), ['dana@x.com', 'fay@x.com']);
});

test('a line GoTo only listed as disconnected (it never rang) is not part of the call', () => {
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-1', 'gone')] }));
  assert.deepEqual(audience.recipients(directory()), []);
});

test('a line that rang while screenpop was not listening (heard late, already gone) gets the ended card', () => {
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-2', 'connected')], phase: 'connected' }));
  audience.observe(
    call({ legs: [leg('line-2', 'connected'), { ...leg('line-1', 'gone'), rangUnheard: true }] }),
  );
  assert.deepEqual(audience.recipients(directory()), ['dana@x.com', 'eli@x.com']);
});

test('an agent who chose other pop lines does not get calls on the unchosen line', () => {
  const dir = directory();
  dir.put(agent('dana@x.com', ['line-1', 'line-9'], { popLines: ['line-9'] }));
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-1', 'ringing')] }));
  assert.deepEqual(audience.recipients(dir), []);
  audience.observe(call({ legs: [leg('line-9', 'ringing')] }));
  assert.deepEqual(audience.recipients(dir), ['dana@x.com']);
});

test('supervisors from config and by role see every call', () => {
  const dir = directory(['boss@x.com']);
  dir.put(agent('sam@x.com', [], { role: 'supervisor' }));
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-2', 'ringing')] }));
  assert.deepEqual(audience.recipients(dir), ['boss@x.com', 'eli@x.com', 'sam@x.com']);
  assert.equal(dir.isSupervisor('boss@x.com'), true);
  assert.equal(dir.isSupervisor('eli@x.com'), false);
});

test('a call on a line nobody pops reaches only the supervisors', () => {
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-77', 'ringing')] }));
  assert.deepEqual(audience.recipients(directory(['boss@x.com'])), ['boss@x.com']);
});

test('5,000 sign-ins: each touches only its own index entries, however many agents signed in before', () => {
  const dir = new AgentDirectory(['boss@x.com']);
  const perSignIn: number[] = [];
  for (let i = 0; i < 5_000; i++) {
    const before = dir.work.indexEntries;
    dir.put(agent(`a${i}@x.com`, [`line-${i}`, `line-shared-${i % 10}`]));
    perSignIn.push(dir.work.indexEntries - before);
  }
  assert.deepEqual(
    new Set(perSignIn),
    new Set([2]),
    'two lines, two entries, for the first agent and the last',
  );
  const before = dir.work.indexEntries;
  dir.put(agent('a0@x.com', ['line-new']));
  assert.equal(dir.work.indexEntries - before, 3, 'a settings change: two entries out, one in');
  assert.deepEqual(dir.agentsOnLines(['line-0']), new Set());
  assert.deepEqual(dir.agentsOnLines(['line-new']), new Set(['a0@x.com']));
});

test('naming a call’s recipients visits its lines’ agents and the supervisors, not every agent', () => {
  const dir = new AgentDirectory(['boss@x.com']);
  dir.put(agent('sam@x.com', [], { role: 'supervisor' }));
  for (let i = 0; i < 5_000; i++) {
    dir.put(agent(`a${i}@x.com`, [`line-${i}`]));
  }
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-7', 'ringing')] }));
  const before = dir.work.agentsVisited;
  assert.deepEqual(audience.recipients(dir), ['a7@x.com', 'boss@x.com', 'sam@x.com']);
  assert.equal(dir.work.agentsVisited - before, 3);
  audience.recipients(dir);
  assert.equal(dir.work.agentsVisited - before, 3, 'unchanged lines and agents: the last answer stands');
  dir.put(agent('sam@x.com', [], { role: 'agent' }));
  assert.deepEqual(
    audience.recipients(dir),
    ['a7@x.com', 'boss@x.com'],
    'a demoted supervisor leaves the set',
  );
});

test('lineRoute: who pops on a line, and who has it but left it out of their pop lines', () => {
  const dir = directory(['boss@x.com']);
  assert.deepEqual(dir.lineRoute('line-1'), { agents: ['dana@x.com'], excludedBy: [] });
  dir.put({ ...agent('dana@x.com', ['line-1', 'line-9']), popLines: ['line-9'] });
  assert.deepEqual(dir.lineRoute('line-1'), { agents: [], excludedBy: ['dana@x.com'] });
  assert.deepEqual(dir.lineRoute('line-9'), { agents: ['dana@x.com'], excludedBy: [] });
  dir.put(agent('dana@x.com', ['line-9']));
  assert.deepEqual(dir.lineRoute('line-1'), { agents: [], excludedBy: [] }, 'a line taken away is nobody’s');
  assert.deepEqual(dir.lineRoute('line-404'), { agents: [], excludedBy: [] });
});
