// The SQLite write batch (issue 12): writes of one turn share one transaction, a bad write fails alone, an open
// Kysely transaction is never joined, and the pop path's stores write through it (counted, not timed).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../store.ts';
import { testPhone } from '../testing/targets.ts';
import type { Call } from '../../calls/types.ts';
import { SqliteWriteBatch } from './write-batch.ts';

const dir = mkdtempSync(join(tmpdir(), 'screenpop-write-batch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function table(name: string): BetterSqlite3.Database {
  const sqlite = new BetterSqlite3(join(dir, `${name}.db`));
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  return sqlite;
}

test('500 writes in one turn of the event loop are one transaction, all committed when they resolve', async () => {
  const sqlite = table('one-turn');
  const batch = new SqliteWriteBatch(sqlite);
  const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
  await Promise.all(Array.from({ length: 500 }, (_, i) => batch.run(() => insert.run(`v${i}`))));
  assert.deepEqual(batch.counters, { writes: 500, transactions: 1 });
  assert.equal(sqlite.prepare('SELECT count(*) FROM t').pluck().get(), 500);
  sqlite.close();
});

test('batches do not build a transaction function each (better-sqlite3 makes four, ~5 KB, per call)', async () => {
  const sqlite = table('transaction-functions');
  let built = 0;
  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn) => {
    built += 1;
    return transaction(fn);
  }) as typeof sqlite.transaction;
  const batch = new SqliteWriteBatch(sqlite);
  const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
  for (let i = 0; i < 10; i++) {
    await batch.run(() => insert.run(`v${i}`));
  }
  await Promise.allSettled([batch.run(() => insert.run('a')), batch.run(() => insert.run(null))]);
  assert.equal(batch.counters.transactions, 11, 'ten batches, then the good write of the bad batch alone');
  assert.ok(built <= 2, `transaction functions built: ${built}`);
  sqlite.close();
});

test('a write that fails is refused alone: the others of its batch are committed', async () => {
  const sqlite = table('one-bad');
  const batch = new SqliteWriteBatch(sqlite);
  const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
  const results = await Promise.allSettled([
    batch.run(() => insert.run('a')),
    batch.run(() => insert.run(null)), // NOT NULL
    batch.run(() => insert.run('c')),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(sqlite.prepare('SELECT v FROM t ORDER BY id').pluck().all(), ['a', 'c']);
  sqlite.close();
});

test('while another transaction is open on the connection the batch waits, and is not rolled back with it', async () => {
  const sqlite = table('open-transaction');
  const batch = new SqliteWriteBatch(sqlite);
  const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
  sqlite.exec('BEGIN');
  insert.run('theirs');
  const mine = batch.run(() => insert.run('mine'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(batch.counters.writes, 0, 'the batch must not write inside their transaction');
  sqlite.exec('ROLLBACK');
  await mine;
  assert.deepEqual(sqlite.prepare('SELECT v FROM t').pluck().all(), ['mine']);
  sqlite.close();
});

test('the store writes ended calls, contact links and audit entries (a rewrite keeps the link); close commits what waits', async () => {
  const file = join(dir, 'store.db');
  const store = await openStore({ databaseUrl: file, dataDir: dir, phone: testPhone });
  const call = (id: string): Call =>
    ({
      id,
      direction: 'inbound',
      caller: { raw: '+15035550100', e164: '+15035550100', name: null, withheld: false, extension: null },
      dialed: null,
      legs: [],
      answeredBy: null,
      startedAt: 1_000,
      answeredAt: null,
      endedAt: 2_000,
      outcome: null,
      phase: 'ended',
    }) as unknown as Call;
  const writes: Promise<void>[] = [];
  for (let i = 0; i < 200; i++) {
    writes.push(store.callLog.writeEndedCall(call(`c${i}`)));
    writes.push(store.callLog.linkContact(`c${i}`, '7'));
    writes.push(
      store.audit.record({
        at: 1_000 + i,
        actor: 'agent@example.test',
        action: 'card.viewed',
        targetType: 'call',
        targetId: `c${i}`,
        detail: null,
      }),
    );
  }
  await Promise.all(writes);
  const rows = await store.callLog.list({ limit: 500 });
  assert.equal(rows.length, 200);
  assert.ok(rows.every((r) => r.contactId === '7'));
  assert.equal((await store.audit.listAudit({ limit: 500 })).length, 200);
  // A rewrite keeps the link (the Kysely store's contract, kept by the prepared upsert).
  await store.callLog.writeEndedCall({ ...call('c0'), endedAt: 3_000 });
  assert.equal((await store.callLog.get('c0'))?.contactId, '7');
  assert.equal((await store.callLog.get('c0'))?.endedAt, 3_000);
  // Written and not yet committed when the store closes: committed by close.
  void store.callLog.writeEndedCall(call('last'));
  await store.close();
  const reopened = await openStore({ databaseUrl: file, dataDir: dir, phone: testPhone });
  assert.notEqual(await reopened.callLog.get('last'), null);
  await reopened.close();
});
