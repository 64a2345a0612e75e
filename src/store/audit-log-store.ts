// AuditStore over Kysely (both dialects): an append-only log of who viewed or changed what.
import type { Kysely } from 'kysely';
import type { AuditQuery, AuditStore } from '../server/ports.ts';
import type { AuditEntry } from '../shared/api.ts';
import type { Database } from './database.ts';

export class KyselyAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        detail: entry.detail,
      })
      .execute();
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (query.beforeId !== undefined) {
      q = q.where('id', '<', query.beforeId);
    }
    const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      at: Number(row.at),
      actor: row.actor,
      // Written only by record() with an AuditAction / target type.
      action: row.action as AuditEntry['action'],
      targetType: row.target_type as AuditEntry['targetType'],
      targetId: row.target_id,
      detail: row.detail,
    }));
  }
}
