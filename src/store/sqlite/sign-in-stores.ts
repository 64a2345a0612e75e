// SQLite secrets, agents and sessions: the three writes of every sign-in (GoTo tokens, the agent's settings, the
// browser session) go through prepared statements in the write batch, and the reads of every sign-in and API
// request (session, agent, secret) through prepared statements. Through Kysely each was a query built, compiled
// and committed on its own (issue 12: ~15% of screenpop's CPU per sign-in). Deleting a secret or a session goes
// through the batch too, so it lands after a write called before it (a token refresh's save, then a sign-out).
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Clock } from '../../calls/ports.ts';
import { KyselyAgentStore } from '../agent-store.ts';
import type { Database, SessionsTable } from '../database.ts';
import type { AgentSettings, WebSession } from '../ports.ts';
import { KyselySecretStore } from '../secret-store.ts';
import { KyselySessionStore } from '../session-store.ts';
import type { SqliteWriteBatch } from './write-batch.ts';

/**
 * One text value by key, with its updated_at: read by a prepared statement, written by one in the write batch
 * (constant identifiers).
 */
class KeyedText {
  readonly #read: BetterSqlite3.Statement<[string], string | undefined>;
  readonly #upsert: BetterSqlite3.Statement<[string, string, number]>;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly batch: SqliteWriteBatch,
    private readonly time: Clock,
    table: 'secrets' | 'agents',
    key: string,
    value: string,
  ) {
    this.#read = sqlite
      .prepare<[string], string | undefined>(`SELECT ${value} FROM ${table} WHERE ${key} = ?`)
      .pluck();
    this.#upsert = sqlite.prepare<[string, string, number]>(
      `INSERT INTO ${table} (${key}, ${value}, updated_at) VALUES (?, ?, ?) ` +
        `ON CONFLICT (${key}) DO UPDATE SET ${value} = excluded.${value}, updated_at = excluded.updated_at`,
    );
  }

  get(key: string): string | undefined {
    return this.#read.get(key);
  }

  put(key: string, value: string): Promise<void> {
    const at = this.time.now();
    return this.batch.run(() => this.#upsert.run(key, value, at));
  }
}

export class SqliteSecretStore extends KyselySecretStore {
  private readonly rows: KeyedText;
  private readonly remove: BetterSqlite3.Statement<[string]>;

  constructor(
    db: Kysely<Database>,
    time: Clock,
    sqlite: BetterSqlite3.Database,
    private readonly batch: SqliteWriteBatch,
  ) {
    super(db, time);
    this.rows = new KeyedText(sqlite, batch, time, 'secrets', 'key', 'value');
    this.remove = sqlite.prepare<[string]>('DELETE FROM secrets WHERE key = ?');
  }

  override async getSecret(key: string): Promise<string | null> {
    return this.rows.get(key) ?? null;
  }

  override putSecret(key: string, value: string): Promise<void> {
    return this.rows.put(key, value);
  }

  override deleteSecret(key: string): Promise<void> {
    return this.batch.run(() => this.remove.run(key));
  }
}

export class SqliteAgentStore extends KyselyAgentStore {
  private readonly rows: KeyedText;

  constructor(db: Kysely<Database>, time: Clock, sqlite: BetterSqlite3.Database, batch: SqliteWriteBatch) {
    super(db, time);
    this.rows = new KeyedText(sqlite, batch, time, 'agents', 'principal', 'settings');
  }

  override async getAgent(principal: string): Promise<AgentSettings | null> {
    const settings = this.rows.get(principal);
    return settings === undefined ? null : (JSON.parse(settings) as AgentSettings);
  }

  override saveAgent(settings: AgentSettings): Promise<void> {
    return this.rows.put(settings.principal, JSON.stringify(settings));
  }
}

export class SqliteSessionStore extends KyselySessionStore {
  private readonly read: BetterSqlite3.Statement<[string], SessionsTable | undefined>;
  private readonly insert: BetterSqlite3.Statement<[string, string, number, number]>;
  private readonly remove: BetterSqlite3.Statement<[string]>;

  constructor(
    db: Kysely<Database>,
    sqlite: BetterSqlite3.Database,
    private readonly batch: SqliteWriteBatch,
  ) {
    super(db);
    this.read = sqlite.prepare<[string], SessionsTable | undefined>(
      'SELECT id, principal, created_at, expires_at FROM sessions WHERE id = ?',
    );
    this.insert = sqlite.prepare<[string, string, number, number]>(
      'INSERT INTO sessions (id, principal, created_at, expires_at) VALUES (?, ?, ?, ?)',
    );
    this.remove = sqlite.prepare<[string]>('DELETE FROM sessions WHERE id = ?');
  }

  override createSession(session: WebSession): Promise<void> {
    const { id, principal, createdAt, expiresAt } = session;
    return this.batch.run(() => this.insert.run(id, principal, createdAt, expiresAt));
  }

  override deleteSession(id: string): Promise<void> {
    return this.batch.run(() => this.remove.run(id));
  }

  override async getSession(id: string): Promise<WebSession | null> {
    const row = this.read.get(id);
    return row === undefined
      ? null
      : { id: row.id, principal: row.principal, createdAt: row.created_at, expiresAt: row.expires_at };
  }
}
