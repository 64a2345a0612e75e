// Opens the SQLite file (WAL, foreign keys) and wraps the same connection in Kysely, whose statements are kept
// prepared by their SQL text.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { Database } from '../database.ts';
import { MMAP_BYTES, NORMAL_CACHE_KIB } from './bulk-load.ts';
import { preparePrivateFiles } from './private-files.ts';

export interface OpenedSqlite {
  readonly sqlite: BetterSqlite3.Database;
  readonly db: Kysely<Database>;
}

export function openSqlite(file: string, mmapBytes = MMAP_BYTES): OpenedSqlite {
  if (file !== ':memory:') {
    preparePrivateFiles(file);
  }
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // Reads through a memory map skip the copy into the page cache: a contact read on 1M rows went from ~6.8
  // to ~5.2 µs (bench/lookup.ts). Pages touched count as (reclaimable, file-backed) RSS: SCREENPOP_SQLITE_MMAP_MB.
  sqlite.pragma(`mmap_size = ${mmapBytes}`);
  sqlite.pragma(`cache_size = ${NORMAL_CACHE_KIB}`); // 64 MiB page cache: most of the lookup indexes stay hot
  return {
    sqlite,
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) }),
  };
}

/** Distinct SQL texts kept prepared; past it the cache starts again (IN lists of many lengths, ad-hoc filters). */
const MAX_STATEMENTS = 500;

/**
 * Kysely's SQLite driver prepares every query it runs (a session read, an agent save: ~60-200 µs of prepare
 * each on a busy machine, issue 12). Its queries bind their values, so the same text recurs: keep each statement
 * and run it again. Safe to share: the driver runs one query at a time per connection (its mutex), a streamed
 * query included, and SQLite re-prepares a statement by itself after a schema change (migrations).
 */
export function cachingStatements(sqlite: BetterSqlite3.Database): SqliteDatabase & {
  readonly prepared: { hits: number; misses: number };
} {
  const statements = new Map<string, SqliteStatement>();
  const prepared = { hits: 0, misses: 0 };
  return {
    prepared,
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement !== undefined) {
        prepared.hits += 1;
        return statement;
      }
      prepared.misses += 1;
      if (statements.size >= MAX_STATEMENTS) {
        statements.clear();
      }
      statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      return statement;
    },
  };
}
