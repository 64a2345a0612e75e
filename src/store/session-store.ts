// SessionStore over Kysely: browser sessions by opaque id.
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { SessionStore, WebSession } from './ports.ts';

export class KyselySessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createSession(session: WebSession): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        principal: session.principal,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async getSession(id: string): Promise<WebSession | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined
      ? null
      : { id: row.id, principal: row.principal, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
