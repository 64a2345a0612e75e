// SQLite AuditStore: entries are appended through one prepared statement in the write batch (a card.viewed entry
// per agent and call is on the pop path); reads stay the Kysely store's.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../../shared/api.ts';
import { KyselyAuditStore } from '../audit-log-store.ts';
import type { Database } from '../database.ts';
import type { SqliteWriteBatch } from './write-batch.ts';

type AuditRow = [number, string, string, string, string, string | null];

export class SqliteAuditStore extends KyselyAuditStore {
  private readonly insert: BetterSqlite3.Statement<AuditRow>;

  constructor(
    db: Kysely<Database>,
    sqlite: BetterSqlite3.Database,
    private readonly batch: SqliteWriteBatch,
  ) {
    super(db);
    this.insert = sqlite.prepare<AuditRow>(
      'INSERT INTO audit_log (at, actor, action, target_type, target_id, detail) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  override record(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    const row: AuditRow = [
      entry.at,
      entry.actor,
      entry.action,
      entry.targetType,
      entry.targetId,
      entry.detail,
    ];
    return this.batch.run(() => this.insert.run(...row));
  }
}
