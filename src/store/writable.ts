// Refuses a store that cannot be written at start-up, rather than starting and failing every write later.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Dialect } from './database.ts';

export class StoreNotWritableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotWritableError';
  }
}

function sqliteMessage(file: string, reason: string): string {
  return (
    `the database ${file} cannot be written (${reason}): screenpop needs write access to the file and to its ` +
    'folder (for the -wal and -shm files)'
  );
}

/**
 * Codes of a SQLite file or folder screenpop may not write or create (SQLite's extended codes too, such as
 * SQLITE_READONLY_DIRECTORY for a folder where the -shm file cannot be made); other open errors pass unchanged.
 */
const ACCESS_CODE = /^(SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_PERM|EACCES$|EPERM$|EROFS$)/;

/** An error opening the SQLite file, as StoreNotWritableError when it is about access. */
export function sqliteOpenError(file: string, error: unknown): unknown {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && ACCESS_CODE.test(code)) {
    return new StoreNotWritableError(sqliteMessage(file, error instanceof Error ? error.message : code));
  }
  return error;
}

/** Thrown inside the probe's transaction so that it rolls back; never escapes. */
const ROLLBACK = Symbol('rollback');

/**
 * Writes a row (to the migrator's lock table, which every migrated database has, changing nothing) and rolls
 * back. A read-only SQLite file or folder (SQLITE_READONLY), or a read-only PostgreSQL session (a standby,
 * default_transaction_read_only) fails here: migrations alone do not notice when none is pending.
 */
export async function assertWritable(db: Kysely<Database>, dialect: Dialect, where: string): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`UPDATE kysely_migration_lock SET is_locked = is_locked`.execute(trx);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error === ROLLBACK) {
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreNotWritableError(
      dialect === 'sqlite'
        ? sqliteMessage(where, reason)
        : `the PostgreSQL database cannot be written (${reason}): connect to the primary, with a role that ` +
            'may write, outside a read-only transaction mode',
    );
  }
}
