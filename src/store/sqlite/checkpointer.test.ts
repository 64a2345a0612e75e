import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Checkpointer } from './checkpointer.ts';

test('the WAL is checkpointed by the worker thread, not by the commits of the main connection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'screenpop-checkpoint-'));
  const file = join(dir, 'db.sqlite');
  const sqlite = new BetterSqlite3(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const checkpointer = new Checkpointer(sqlite, file, 50, 0);
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
    const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    const pad = 'x'.repeat(1_000);
    // ~3,000 pages of WAL: far past the 1,000 pages at which a commit would have checkpointed by itself.
    for (let i = 0; i < 300; i++) {
      sqlite.transaction(() => {
        for (let j = 0; j < 40; j++) {
          insert.run(pad);
        }
      })();
    }
    // Generous: the worker runs every 50 ms; a busy machine only makes it later.
    for (let waited = 0; checkpointer.counters.walPages === 0 && waited < 30_000; waited += 50) {
      await sleep(50);
    }
    assert.equal(checkpointer.counters.errors, 0, checkpointer.counters.lastError ?? '');
    assert.ok(checkpointer.counters.checkpoints > 0);
    assert.ok(checkpointer.counters.walPages >= 1_000, `WAL pages ${checkpointer.counters.walPages}`);
    const before = statSync(file).size;
    assert.ok(before > 10_000_000, `the database file holds the checkpointed pages (${before} bytes)`);
    await checkpointer.stop();
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1_000); // back to automatic
    assert.equal(sqlite.prepare('SELECT count(*) FROM t').pluck().get(), 12_000);
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
