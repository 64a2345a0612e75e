// Kysely over SQLite keeps its statements prepared by SQL text (issue 12): counted, with a streamed query and a
// schema change in between. The memory map follows SCREENPOP_SQLITE_MMAP_MB, bulk loads included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MMAP_BYTES, dropIndexesForBulkLoad, restorePendingIndexes } from './bulk-load.ts';
import { cachingStatements, openSqlite } from './open-sqlite.ts';

interface Db {
  t: { id: number; v: string };
}

test('the same query with other values is prepared once; streams and schema changes still work', async () => {
  const sqlite = new BetterSqlite3(':memory:');
  const database = cachingStatements(sqlite);
  const db = new Kysely<Db>({ dialect: new SqliteDialect({ database }) });
  await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`.execute(db);
  for (let i = 0; i < 100; i++) {
    await db
      .insertInto('t')
      .values({ id: i, v: `v${i}` })
      .execute();
  }
  const before = { ...database.prepared };
  for (let i = 0; i < 100; i++) {
    const row = await db.selectFrom('t').select('v').where('id', '=', i).executeTakeFirst();
    assert.equal(row?.v, `v${i}`);
  }
  assert.deepEqual(
    { hits: database.prepared.hits - before.hits, misses: database.prepared.misses - before.misses },
    { hits: 99, misses: 1 },
  );
  let streamed = 0;
  for await (const row of db.selectFrom('t').selectAll().stream()) {
    streamed += row.id >= 0 ? 1 : 0;
  }
  assert.equal(streamed, 100);
  await sql`ALTER TABLE t ADD COLUMN w TEXT`.execute(db);
  const again = await db.selectFrom('t').select('v').where('id', '=', 7).executeTakeFirst();
  assert.equal(again?.v, 'v7', 'a kept statement still runs after the schema changed');
  await db.destroy();
});

test('the memory map is the configured one, off during a bulk load and the configured one again after it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'screenpop-mmap-'));
  try {
    const mmap = (s: BetterSqlite3.Database) => s.pragma('mmap_size', { simple: true });
    const byDefault = openSqlite(join(dir, 'default.db'));
    assert.equal(mmap(byDefault.sqlite), MMAP_BYTES);
    byDefault.sqlite.close();
    for (const bytes of [0, 64 * 1024 * 1024]) {
      const { sqlite } = openSqlite(join(dir, `mmap-${bytes}.db`), bytes);
      sqlite.exec(
        'CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); CREATE INDEX by_name ON contacts (name)',
      );
      sqlite.exec('CREATE TABLE contact_phones (id INTEGER PRIMARY KEY, contact_id INTEGER)');
      sqlite.exec('CREATE TABLE pending_indexes (name TEXT PRIMARY KEY, sql TEXT NOT NULL)');
      assert.equal(mmap(sqlite), bytes);
      assert.equal(dropIndexesForBulkLoad(sqlite), true);
      assert.equal(mmap(sqlite), 0);
      restorePendingIndexes(sqlite);
      assert.equal(mmap(sqlite), bytes, 'back to the setting, not to the default');
      sqlite.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
