// SQLite CallLogStore: history() runs on every caller lookup, so it reads through cached prepared statements.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Clock } from '../../calls/ports.ts';
import type { CallHistory } from '../../lookup/ports.ts';
import type { CallLogTable, Database } from '../database.ts';
import { KyselyCallLogStore } from '../call-log-store.ts';
import { rowToEntry } from '../call-log-rows.ts';

export class SqliteCallLogStore extends KyselyCallLogStore {
  /** By limit: a bound LIMIT makes SQLite prepare the statement again on every run (~10 µs instead of ~1). */
  private readonly recent = new Map<number, BetterSqlite3.Statement<[string]>>();
  private readonly count: BetterSqlite3.Statement<[string, number]>;

  constructor(
    db: Kysely<Database>,
    clock: Clock,
    private readonly sqlite: BetterSqlite3.Database,
  ) {
    super(db, 'sqlite', clock);
    // Both read the (caller_e164, started_at) index only.
    this.count = sqlite
      .prepare<[string, number]>('SELECT count(*) FROM call_log WHERE caller_e164 = ? AND started_at >= ?')
      .pluck();
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
