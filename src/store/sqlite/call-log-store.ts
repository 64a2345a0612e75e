// SQLite CallLogStore: history() runs on every caller lookup, so it reads through cached prepared statements;
// every ended call is written, and a known caller's linked, through prepared statements in the write batch.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Call } from '../../calls/types.ts';
import type { Clock } from '../../calls/ports.ts';
import type { CallHistory } from '../../lookup/ports.ts';
import type { CallLogTable, Database } from '../database.ts';
import { KyselyCallLogStore } from '../call-log-store.ts';
import { callToEntry, entryToRow, rowToEntry } from '../call-log-rows.ts';
import type { SqliteWriteBatch } from './write-batch.ts';

/** Every column of call_log: the type requires each one, so a column added to the table must be added here. */
const COLUMN_SET: Record<keyof CallLogTable, true> = {
  call_id: true,
  direction: true,
  caller_e164: true,
  caller_raw: true,
  caller_name: true,
  withheld: true,
  dialed: true,
  line_ids: true,
  answered_by: true,
  answered_by_name: true,
  started_at: true,
  answered_at: true,
  ended_at: true,
  outcome: true,
  contact_id: true,
  notes: true,
  disposition: true,
  notes_by: true,
  notes_at: true,
};
const COLUMNS = Object.keys(COLUMN_SET);
/** What agents add to a row: a rewrite of the call's facts keeps them. */
const KEPT: ReadonlySet<string> = new Set([
  'call_id',
  'notes',
  'disposition',
  'notes_by',
  'notes_at',
  'contact_id',
]);

export class SqliteCallLogStore extends KyselyCallLogStore {
  /** By limit: a bound LIMIT makes SQLite prepare the statement again on every run (~10 µs instead of ~1). */
  private readonly recent = new Map<number, BetterSqlite3.Statement<[string]>>();
  private readonly count: BetterSqlite3.Statement<[string, number]>;
  private readonly upsert: BetterSqlite3.Statement<[CallLogTable]>;
  private readonly link: BetterSqlite3.Statement<[string, string]>;

  constructor(
    db: Kysely<Database>,
    clock: Clock,
    private readonly sqlite: BetterSqlite3.Database,
    private readonly batch: SqliteWriteBatch,
  ) {
    super(db, 'sqlite', clock);
    // Both read the (caller_e164, started_at) index only.
    this.count = sqlite
      .prepare<[string, number]>('SELECT count(*) FROM call_log WHERE caller_e164 = ? AND started_at >= ?')
      .pluck();
    // The same upsert as the Kysely store's, with the columns named from the row mapping itself.
    const facts = COLUMNS.filter((c) => !KEPT.has(c));
    this.upsert = sqlite.prepare<[CallLogTable]>(
      `INSERT INTO call_log (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')}) ` +
        `ON CONFLICT (call_id) DO UPDATE SET ${facts.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    this.link = sqlite.prepare<[string, string]>('UPDATE call_log SET contact_id = ? WHERE call_id = ?');
  }

  override writeEndedCall(call: Call): Promise<void> {
    const row = entryToRow(callToEntry(call));
    return this.batch.run(() => this.upsert.run(row));
  }

  override linkContact(callId: string, contactId: string): Promise<void> {
    return this.batch.run(() => this.link.run(contactId, callId));
  }

  override async history(e164: string, since: number, limit: number): Promise<CallHistory> {
    const rows = this.recentStatement(Math.max(Math.trunc(limit), 1)).all(e164) as CallLogTable[];
    const recent = rows.map(rowToEntry);
    const count = rows.length === 0 ? 0 : (this.count.get(e164, since) as number);
    return { last: recent[0] ?? null, count, recent: recent.slice(0, limit) };
  }

  private recentStatement(limit: number): BetterSqlite3.Statement<[string]> {
    let statement = this.recent.get(limit);
    if (statement === undefined) {
      statement = this.sqlite.prepare<[string]>(
        `SELECT * FROM call_log WHERE caller_e164 = ? ORDER BY started_at DESC LIMIT ${limit}`,
      );
      this.recent.set(limit, statement);
    }
    return statement;
  }
}
