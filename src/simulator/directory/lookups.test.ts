// Spec of the directory look-ups: the answers of a scan in directory order, without scanning per look-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimDirectory, SimUser } from '../context.ts';
import { findUserByHint } from '../oauth/authorization-request.ts';
import { linesOf } from '../routes/views.ts';
import { agentEmail, generateDirectory } from './generate.ts';
import { directoryLookups } from './lookups.ts';

/** The directory with its users, lines and accounts behind proxies counting each element read. */
function counted(directory: SimDirectory): { directory: SimDirectory; reads: () => number } {
  let reads = 0;
  const count = <T extends object>(items: readonly T[]): readonly T[] =>
    new Proxy(items, {
      get(target, property, receiver) {
        if (typeof property === 'string' && /^\d+$/.test(property)) {
          reads += 1;
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
  return {
    directory: {
      ...directory,
      users: count(directory.users),
      lines: count(directory.lines),
      accounts: count(directory.accounts),
    },
    reads: () => reads,
  };
}

test('a user is found by e-mail in any case or by user key; an unknown hint finds no one', () => {
  const d = generateDirectory({ agents: 50 });
  const lookups = directoryLookups(d);
  const agent = d.users.find((u) => u.email === agentEmail(7));
  assert.ok(agent !== undefined);
  assert.equal(lookups.userByHint(agentEmail(7).toUpperCase()), agent);
  assert.equal(lookups.userByHint(agent.userKey), agent);
  assert.equal(lookups.userByHint('nobody@example.com'), undefined);
});

test('when one user’s e-mail and an earlier user’s key both match the hint, the earlier user is found', () => {
  const d = generateDirectory({ agents: 3 });
  const [first, second] = d.users as [SimUser, SimUser];
  const clash: SimDirectory = { ...d, users: [first, { ...second, email: first.userKey }] };
  assert.equal(directoryLookups(clash).userByHint(first.userKey), first);
  const reversed: SimDirectory = { ...d, users: [{ ...first, email: second.userKey }, second] };
  assert.equal(directoryLookups(reversed).userByHint(second.userKey), reversed.users[0]);
});

test('lines and accounts are found by id and key', () => {
  const d = generateDirectory({ agents: 20 });
  const lookups = directoryLookups(d);
  const line = d.lines[13];
  assert.ok(line !== undefined);
  assert.equal(lookups.lineById(line.id), line);
  assert.equal(lookups.lineById('no-such-line'), undefined);
  assert.equal(lookups.accountByKey(line.accountKey), d.accounts[0]);
});

test('a sign-in’s authorize and lines look-ups read the directory once, however many sign-ins ask', () => {
  const d = generateDirectory({ agents: 2_000 });
  const { directory, reads } = counted(d);
  findUserByHint(directory, agentEmail(0));
  const afterFirst = reads();
  for (let i = 0; i < 2_000; i += 1) {
    const user = findUserByHint(directory, agentEmail(i));
    assert.ok(user !== undefined);
    assert.equal(linesOf(directory, user).length, 1);
  }
  // Building reads each item a bounded number of times (users twice: by e-mail and by key).
  assert.ok(afterFirst <= 2 * (d.users.length + d.lines.length + d.accounts.length));
  // One element read per answer (the found item), never a scan.
  assert.ok(reads() - afterFirst <= 3 * 2_000, `${reads() - afterFirst} element reads for 2,000 sign-ins`);
});
