// Kysely over SQLite keeps its statements prepared by SQL text (issue 12): counted, with a streamed query and a
// schema change in between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { cachingStatements } from './open-sqlite.ts';

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
