import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDirectory, CallAudience } from './audience.ts';
import { agent, call, leg } from './test-calls.ts';

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

test('a gone leg alone does not make a line part of the call', () => {
  const audience = new CallAudience();
  audience.observe(call({ legs: [leg('line-1', 'gone')] }));
  assert.deepEqual(audience.recipients(directory()), []);
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
