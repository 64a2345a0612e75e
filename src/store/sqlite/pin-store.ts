// SQLite PinStore: getPin runs on every caller lookup, so it asks the lookup index first (most numbers have
// no pin) and reads through a cached prepared statement.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Clock } from '../../calls/ports.ts';
import type { Database } from '../database.ts';
import { KyselyPinStore } from '../pin-store.ts';
import type { LookupIndex } from './lookup-index.ts';

interface PinRow {
  readonly contact_id: number;
  readonly pinned_by: string;
  readonly pinned_at: number;
}

export class SqlitePinStore extends KyselyPinStore {
  private readonly byNumber: BetterSqlite3.Statement<[string]>;

  constructor(
    db: Kysely<Database>,
    clock: Clock,
    sqlite: BetterSqlite3.Database,
    private readonly index: LookupIndex,
  ) {
    super(db, clock);
    this.byNumber = sqlite.prepare<[string]>(
      'SELECT contact_id, pinned_by, pinned_at FROM pins WHERE e164 = ?',
    );
  }

  override async getPin(e164: string): Promise<{ contactId: string; by: string; at: number } | null> {
    if (!this.index.mayHavePin(e164)) {
      return null;
    }
    const row = this.byNumber.get(e164) as PinRow | undefined;
    return row === undefined
      ? null
      : { contactId: String(row.contact_id), by: row.pinned_by, at: row.pinned_at };
  }

  override async setPin(e164: string, contactId: string, by: string): Promise<void> {
    this.index.addPin(e164); // first: a lookup must never see the pin in the table but not in the index
    await super.setPin(e164, contactId, by);
  }
}
