// Bulk loading an empty SQLite contact table: inserting 1M rows into six random-order indexes is most of an
// import's time, while building an index afterwards is one sort. So a load into an empty table drops the
// secondary indexes first and rebuilds them at the end. Their SQL waits in pending_indexes meanwhile, so a
// crash half-way is repaired on the next open (restorePendingIndexes).
import type BetterSqlite3 from 'better-sqlite3';

const TABLES = ['contacts', 'contact_phones'];
/** Page cache while bulk loading (negative: KiB) and the normal one (see open-sqlite.ts). */
const BULK_CACHE_KIB = -16_384;
export const NORMAL_CACHE_KIB = -65_536;
/**
 * WAL pages between checkpoints while bulk loading (SQLite's default is 1000): each checkpoint copies the WAL
 * into the database and syncs it, ~120 times for 1M contacts at the default, ~8 times at this (−1.5 s of ~19).
 */
const BULK_WAL_AUTOCHECKPOINT = 16_384;
const NORMAL_WAL_AUTOCHECKPOINT = 1000;
/**
 * Memory-mapped reads in normal use, by default (open-sqlite.ts, SCREENPOP_SQLITE_MMAP_MB); off during a bulk
 * load, whose index builds read it all, then back to the connection's own setting.
 */
export const MMAP_BYTES = 1 << 30;
/** The memory map of each connection whose bulk load turned it off, to restore at its end. */
const mmapBeforeBulk = new WeakMap<BetterSqlite3.Database, number>();

/** Drops the contact tables' secondary indexes when they hold no contact; false (nothing done) otherwise. */
export function dropIndexesForBulkLoad(sqlite: BetterSqlite3.Database): boolean {
  const dropped = sqlite.transaction(() => {
    if (sqlite.prepare('SELECT 1 FROM contacts LIMIT 1').get() !== undefined) {
      return false;
    }
    const indexes = sqlite
      .prepare(
        `SELECT name, sql FROM sqlite_master
         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${TABLES.map(() => '?').join(', ')})`,
      )
      .all(...TABLES) as { name: string; sql: string }[];
    // Appending needs few cached pages; the memory is better left to the importer (RSS goal ≤ 300 MB).
    sqlite.pragma(`cache_size = ${BULK_CACHE_KIB}`);
    sqlite.pragma(`wal_autocheckpoint = ${BULK_WAL_AUTOCHECKPOINT}`);
    const save = sqlite.prepare('INSERT OR REPLACE INTO pending_indexes (name, sql) VALUES (?, ?)');
    for (const index of indexes) {
      save.run(index.name, index.sql);
      sqlite.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
    }
    return true;
  })();
  if (dropped) {
    mmapBeforeBulk.set(sqlite, sqlite.pragma('mmap_size', { simple: true }) as number);
    sqlite.pragma('mmap_size = 0');
  }
  return dropped;
}

/** Rebuilds every index a bulk load dropped (at its end, or on open after a crash). */
export function restorePendingIndexes(sqlite: BetterSqlite3.Database): void {
  // The builds sort within the page cache's budget and spill the rest to temp files: with the small bulk
  // cache an import's peak RSS (here, at its end) drops by ~50 MB, for little time.
  sqlite.pragma(`cache_size = ${BULK_CACHE_KIB}`);
  const pending = sqlite.prepare('SELECT name, sql FROM pending_indexes').all() as {
    name: string;
    sql: string;
  }[];
  for (const index of pending) {
    sqlite.transaction(() => {
      sqlite.exec(index.sql.replace(/^CREATE (UNIQUE )?INDEX /i, (m) => `${m}IF NOT EXISTS `));
      sqlite.prepare('DELETE FROM pending_indexes WHERE name = ?').run(index.name);
    })();
  }
  sqlite.pragma(`cache_size = ${NORMAL_CACHE_KIB}`);
  const mmap = mmapBeforeBulk.get(sqlite);
  if (mmap !== undefined) {
    sqlite.pragma(`mmap_size = ${mmap}`);
    mmapBeforeBulk.delete(sqlite);
  }
  if (pending.length > 0) {
    sqlite.pragma(`wal_autocheckpoint = ${NORMAL_WAL_AUTOCHECKPOINT}`);
    sqlite.pragma('wal_checkpoint(TRUNCATE)'); // the index builds left a WAL of their size behind
  }
  sqlite.pragma('shrink_memory');
}
