// The SQLite secrets, agents and sessions stores (issue 12): a sign-in's writes go through the write batch as
// prepared statements, so concurrent sign-ins share commits (counted, not timed), and the reads see them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store.ts';
import { testPhone } from '../testing/targets.ts';
import type { AgentSettings } from '../ports.ts';
import { openSqlite } from './open-sqlite.ts';
import { SqliteAgentStore, SqliteSecretStore, SqliteSessionStore } from './sign-in-stores.ts';
import { SqliteWriteBatch } from './write-batch.ts';

const dir = mkdtempSync(join(tmpdir(), 'screenpop-sign-in-stores-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const agent = (i: number): AgentSettings => ({
  principal: `agent${i}@x.example`,
  displayName: `Agent ${i}`,
  lines: [{ id: `line-${i}`, extension: String(100 + i), name: null }],
  popLines: null,
  desktopNotifications: false,
  role: 'agent',
});

test('the writes of 32 sign-ins at once (tokens, agent, session) commit together; reads see each', async () => {
  const file = join(dir, 'batch.db');
  await (await openStore({ databaseUrl: file, dataDir: dir, phone: testPhone })).close(); // the tables
  const { sqlite, db } = openSqlite(file);
  const clock = { now: () => 5_000 };
  const batch = new SqliteWriteBatch(sqlite);
  const secrets = new SqliteSecretStore(db, clock, sqlite, batch);
  const agents = new SqliteAgentStore(db, clock, sqlite, batch);
  const sessions = new SqliteSessionStore(db, sqlite, batch);
  await Promise.all(
    Array.from({ length: 32 }, (_, i) => [
      secrets.putSecret(`goto-tokens:agent${i}@x.example`, `sealed-${i}`),
      agents.saveAgent(agent(i)),
      sessions.createSession({ id: `s${i}`, principal: agent(i).principal, createdAt: 1, expiresAt: 2 }),
    ]).flat(),
  );
  assert.deepEqual(batch.counters, { writes: 96, transactions: 1 });
  assert.equal(await secrets.getSecret('goto-tokens:agent7@x.example'), 'sealed-7');
  assert.deepEqual(await agents.getAgent('agent7@x.example'), agent(7));
  assert.deepEqual(await sessions.getSession('s7'), {
    id: 's7',
    principal: 'agent7@x.example',
    createdAt: 1,
    expiresAt: 2,
  });
  // A sign-in again replaces the tokens and the settings (upserts), as the Kysely stores do.
  await Promise.all([secrets.putSecret('goto-tokens:agent7@x.example', 'new'), agents.saveAgent(agent(7))]);
  assert.equal(await secrets.getSecret('goto-tokens:agent7@x.example'), 'new');
  assert.equal((await agents.listAgents()).length, 32);
  assert.equal(await sessions.getSession('nope'), null);
  await db.destroy();
});

test('a delete called after a write lands after it, in the same turn or the next', async () => {
  const store = await openStore({ databaseUrl: join(dir, 'order.db'), dataDir: dir, phone: testPhone });
  const session = { id: 's1', principal: 'a@x.example', createdAt: 1, expiresAt: 2 };
  await Promise.all([store.secrets.putSecret('k', 'refreshed'), store.secrets.deleteSecret('k')]);
  await Promise.all([store.sessions.createSession(session), store.sessions.deleteSession('s1')]);
  assert.equal(await store.secrets.getSecret('k'), null, 'signed out after the refresh saved: no tokens');
  assert.equal(await store.sessions.getSession('s1'), null);
  await store.secrets.putSecret('k', 'v');
  await store.secrets.deleteSecret('k');
  assert.equal(await store.secrets.getSecret('k'), null);
  await store.close();
});

test('a SQLite store signs in through these stores', async () => {
  const store = await openStore({ databaseUrl: join(dir, 'store.db'), dataDir: dir, phone: testPhone });
  assert.ok(store.secrets instanceof SqliteSecretStore);
  assert.ok(store.agents instanceof SqliteAgentStore);
  assert.ok(store.sessions instanceof SqliteSessionStore);
  // Written and not yet committed when the store closes: committed by close.
  void store.sessions.createSession({ id: 'last', principal: 'a@x.example', createdAt: 1, expiresAt: 2 });
  await store.close();
  const reopened = await openStore({ databaseUrl: join(dir, 'store.db'), dataDir: dir, phone: testPhone });
  assert.notEqual(await reopened.sessions.getSession('last'), null);
  await reopened.close();
});
