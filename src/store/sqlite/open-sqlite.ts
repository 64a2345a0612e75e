// Opens the SQLite file (WAL, foreign keys) and wraps the same connection in Kysely.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../database.ts';
import { NORMAL_CACHE_KIB } from './bulk-load.ts';

export interface OpenedSqlite {
  readonly sqlite: BetterSqlite3.Database;
  readonly db: Kysely<Database>;
}

export function openSqlite(file: string): OpenedSqlite {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true });
  }
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = ${NORMAL_CACHE_KIB}`); // 64 MiB page cache: most of the lookup indexes stay hot
  return { sqlite, db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }) };
}
