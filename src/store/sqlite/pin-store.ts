// SQLite PinStore: getPin runs on every caller lookup, so it reads through a cached prepared statement.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Clock } from '../../calls/ports.ts';
import type { Database } from '../database.ts';
import { KyselyPinStore } from '../pin-store.ts';

interface PinRow {
  readonly contact_id: number;
  readonly pinned_by: string;
  readonly pinned_at: number;
}

export class SqlitePinStore extends KyselyPinStore {
  private readonly byNumber: BetterSqlite3.Statement<[string]>;

  constructor(db: Kysely<Database>, clock: Clock, sqlite: BetterSqlite3.Database) {
    super(db, clock);
    this.byNumber = sqlite.prepare<[string]>(
      'SELECT contact_id, pinned_by, pinned_at FROM pins WHERE e164 = ?',
    );
  }

  override async getPin(e164: string): Promise<{ contactId: string; by: string; at: number } | null> {
    const row = this.byNumber.get(e164) as PinRow | undefined;
    return row === undefined
      ? null
      : { contactId: String(row.contact_id), by: row.pinned_by, at: row.pinned_at };
  }
}
