// openStore: picks SQLite or PostgreSQL from the database URL, migrates, and hands out every store port.
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { systemClock } from '../calls/ports.ts';
import type { Clock } from '../calls/ports.ts';
import type { CallLogStore, ContactStore, PinStore, UpsertResult } from '../lookup/ports.ts';
import type { PreparedContact } from './contact-rows.ts';
import type { PhoneOptions } from '../phone/phone.ts';
import type { Database, Dialect } from './database.ts';
import type { AgentStore, SecretStore, SessionStore } from './ports.ts';
import type { OutboxStore } from '../webhooks/ports.ts';
import type { CrmRecordStore } from '../crmlog/ports.ts';
import { KyselyCrmRecordStore } from './crm-record-store.ts';
import { migrationProvider } from './migrations.ts';
import { KyselySecretStore } from './secret-store.ts';
import { KyselyAgentStore } from './agent-store.ts';
import { KyselySessionStore } from './session-store.ts';
import { KyselyNoteRevisionStore } from './note-revision-store.ts';
import { KyselyAuditStore } from './audit-log-store.ts';
import type { AuditStore, NoteRevisionStore } from './ports.ts';
import { KyselyWebhookStore } from './webhook-store.ts';
import { openSqlite } from './sqlite/open-sqlite.ts';
import { SqliteContactStore } from './sqlite/contact-store.ts';
import { SqlitePinStore } from './sqlite/pin-store.ts';
import { SqliteCallLogStore } from './sqlite/call-log-store.ts';
import { restorePendingIndexes } from './sqlite/bulk-load.ts';
import { LookupIndex } from './sqlite/lookup-index.ts';
import { SqliteAuditStore } from './sqlite/audit-store.ts';
import { Checkpointer } from './sqlite/checkpointer.ts';
import { SqliteWriteBatch } from './sqlite/write-batch.ts';
import { SqliteAgentStore, SqliteSecretStore, SqliteSessionStore } from './sqlite/sign-in-stores.ts';
import { openPostgres } from './postgres/open-postgres.ts';
import { PostgresCallLogStore, PostgresContactStore, PostgresPinStore } from './postgres/hot-reads.ts';
import { assertWritable, sqliteOpenError } from './writable.ts';

export interface StoreOptions {
  /** postgres:// or postgresql:// URL, a SQLite path ("sqlite:" / "file:" prefixes allowed), or null for DATA_DIR/screenpop.db. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  /** Built once by the config (src/config): every layer normalizes numbers alike. */
  readonly phone: PhoneOptions;
  readonly clock?: Clock;
  /** PostgreSQL only: schema to create and use (tests run one per file). */
  readonly pgSchema?: string;
  /**
   * False for a process that answers no caller lookups (`screenpop import`): SQLite then builds its lookup
   * index (~16 MB for 1M phones) only if a lookup comes after all.
   */
  readonly lookups?: boolean;
  /**
   * SQLite: build the lookup index one chunk per event-loop turn after opening (a server: it answers sooner,
   * lookups ask the database until the index is whole) instead of before openStore resolves.
   */
  readonly warmLookupsInBackground?: boolean;
  /**
   * SQLite: WAL checkpoints on a worker thread (checkpointer.ts) instead of inside a commit on the main thread
   * (a server: the pop path's commits must not stall for them).
   */
  readonly checkpointInBackground?: boolean;
  /** SQLite: bytes of the file read through a memory map (default 1 GiB; 0: off). */
  readonly sqliteMmapBytes?: number;
}

/** Lets an importer load an empty store fast (see KyselyContactStore.beginBulkLoad). */
export interface BulkLoader {
  /** The phone options the store normalizes with; a parsing worker must prepare rows with the same. */
  readonly phone: PhoneOptions;
  beginBulkLoad(): Promise<boolean>;
  endBulkLoad(): Promise<void>;
  /** upsertMany for rows already run through prepareContact (contact-rows.ts) with `phone`. */
  upsertPrepared(prepared: readonly PreparedContact[]): Promise<UpsertResult>;
}

export interface Store {
  readonly dialect: Dialect;
  readonly contacts: ContactStore & BulkLoader;
  readonly callLog: CallLogStore;
  readonly pins: PinStore;
  readonly secrets: SecretStore;
  readonly agents: AgentStore;
  readonly sessions: SessionStore;
  readonly noteRevisions: NoteRevisionStore;
  readonly audit: AuditStore;
  readonly webhooks: OutboxStore;
  /** CRM call logging: each call's record id per CRM (src/crmlog). */
  readonly crmRecords: CrmRecordStore;
  /** One round trip to the database (readiness: /readyz); rejects when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string | null): url is string {
  return url !== null && /^postgres(ql)?:\/\//.test(url);
}

/** The SQLite file a non-PostgreSQL URL names. */
export function sqliteFile(databaseUrl: string | null, dataDir: string): string {
  if (databaseUrl === null || databaseUrl === '') {
    return join(dataDir, 'screenpop.db');
  }
  return databaseUrl.replace(/^(sqlite|file):(\/\/)?/, '');
}

/**
 * Several instances starting at once on one PostgreSQL database: Kysely's migrator takes a session advisory lock
 * (pg_advisory_lock, one-hour lock_timeout) around the run, so one instance migrates and the others wait, then
 * find nothing left to do; it also tolerates racing creations of its own bookkeeping tables.
 * test/e2e/several-instances.e2e.test.ts starts three at once on an empty database.
 */
async function migrate(db: Kysely<Database>, dialect: Dialect, schema: string | undefined): Promise<void> {
  // With a schema, the Migrator must look for its own tables there, not in any schema it can see.
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function openSqliteOrExplain(file: string, mmapBytes: number | undefined): ReturnType<typeof openSqlite> {
  try {
    return openSqlite(file, mmapBytes);
  } catch (error) {
    throw sqliteOpenError(file, error);
  }
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const { phone } = options;
  const clock = options.clock ?? systemClock;
  if (isPostgresUrl(options.databaseUrl)) {
    const { db, pool } = await openPostgres({
      url: options.databaseUrl,
      ...(options.pgSchema === undefined ? {} : { schema: options.pgSchema }),
    });
    return assemble(db, 'postgres', clock, { schema: options.pgSchema, where: 'PostgreSQL' }, () => ({
      contacts: new PostgresContactStore({ db, phone, clock }, pool),
      pins: new PostgresPinStore(db, clock, pool),
      callLog: new PostgresCallLogStore(db, clock, pool),
    }));
  }
  const file = sqliteFile(options.databaseUrl, options.dataDir);
  const { sqlite, db } = openSqliteOrExplain(file, options.sqliteMmapBytes);
  const batch = new SqliteWriteBatch(sqlite);
  return assemble(db, 'sqlite', clock, { schema: undefined, where: file }, () => {
    restorePendingIndexes(sqlite); // a bulk load that crashed half-way left its indexes here
    const checkpointer =
      options.checkpointInBackground === true && file !== ':memory:' ? new Checkpointer(sqlite, file) : null;
    const index = new LookupIndex(sqlite, {
      eager: options.lookups !== false,
      background: options.warmLookupsInBackground === true,
    });
    return {
      contacts: new SqliteContactStore({ db, dialect: 'sqlite', phone, clock }, sqlite, index),
      pins: new SqlitePinStore(db, clock, sqlite, index),
      callLog: new SqliteCallLogStore(db, clock, sqlite, batch),
      audit: new SqliteAuditStore(db, sqlite, batch),
      secrets: new SqliteSecretStore(db, clock, sqlite, batch),
      agents: new SqliteAgentStore(db, clock, sqlite, batch),
      sessions: new SqliteSessionStore(db, sqlite, batch),
      // Writes still waiting for their batch commit before the connection closes.
      beforeClose: async () => {
        batch.flush();
        await checkpointer?.stop();
      },
    };
  });
}

async function assemble(
  db: Kysely<Database>,
  dialect: Dialect,
  clock: Clock,
  at: { readonly schema: string | undefined; readonly where: string },
  // A factory: the SQLite stores prepare their statements, so the tables must exist first.
  hotStores: () => {
    contacts: ContactStore & BulkLoader;
    pins: PinStore;
    callLog: CallLogStore;
    audit?: AuditStore;
    secrets?: SecretStore;
    agents?: AgentStore;
    sessions?: SessionStore;
    beforeClose?: () => Promise<void> | void;
  },
): Promise<Store> {
  try {
    await migrate(db, dialect, at.schema);
    await assertWritable(db, dialect, at.where);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const { beforeClose, audit, secrets, agents, sessions, ...hot } = hotStores();
  return {
    dialect,
    ...hot,
    secrets: secrets ?? new KyselySecretStore(db, clock),
    agents: agents ?? new KyselyAgentStore(db, clock),
    sessions: sessions ?? new KyselySessionStore(db),
    noteRevisions: new KyselyNoteRevisionStore(db),
    audit: audit ?? new KyselyAuditStore(db),
    webhooks: new KyselyWebhookStore(db, dialect),
    crmRecords: new KyselyCrmRecordStore(db),
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: async () => {
      await beforeClose?.();
      return db.destroy();
    },
  };
}
