// openStore: picks SQLite or PostgreSQL from the database URL, migrates, and hands out every store port.
import { join } from 'node:path';
import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import { isSupportedCountry } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import { systemClock } from '../calls/ports.ts';
import type { Clock } from '../calls/ports.ts';
import type { CallLogStore, ContactStore, PinStore, UpsertResult } from '../lookup/ports.ts';
import type { PreparedContact } from './contact-rows.ts';
import type { PhoneOptions } from '../phone/phone.ts';
import type { Database, Dialect } from './database.ts';
import type { AgentStore, SecretStore, SessionStore } from './ports.ts';
import type { OutboxStore } from '../webhooks/ports.ts';
import { migrationProvider } from './migrations.ts';
import { KyselyContactStore } from './contact-store.ts';
import { KyselyCallLogStore } from './call-log-store.ts';
import { KyselyPinStore } from './pin-store.ts';
import { KyselySecretStore } from './secret-store.ts';
import { KyselyAgentStore } from './agent-store.ts';
import { KyselySessionStore } from './session-store.ts';
import { KyselyWebhookStore } from './webhook-store.ts';
import { openSqlite } from './sqlite/open-sqlite.ts';
import { SqliteContactStore } from './sqlite/contact-store.ts';
import { SqlitePinStore } from './sqlite/pin-store.ts';
import { SqliteCallLogStore } from './sqlite/call-log-store.ts';
import { restorePendingIndexes } from './sqlite/bulk-load.ts';
import { LookupIndex } from './sqlite/lookup-index.ts';
import { openPostgres } from './postgres/open-postgres.ts';

export interface StoreOptions {
  /** postgres:// or postgresql:// URL, a SQLite path ("sqlite:" / "file:" prefixes allowed), or null for DATA_DIR/screenpop.db. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly phone: { readonly defaultRegion: string; readonly suffixDigits: number };
  readonly clock?: Clock;
  /** PostgreSQL only: schema to create and use (tests run one per file). */
  readonly pgSchema?: string;
  /**
   * False for a process that answers no caller lookups (`screenpop import`): SQLite then builds its lookup
   * index (~16 MB for 1M phones) only if a lookup comes after all.
   */
  readonly lookups?: boolean;
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
  readonly webhooks: OutboxStore;
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

function phoneOptions(options: StoreOptions): PhoneOptions {
  const region = options.phone.defaultRegion;
  if (!isSupportedCountry(region)) {
    throw new Error(`unsupported default region ${region}`);
  }
  return { defaultRegion: region as CountryCode, suffixDigits: options.phone.suffixDigits };
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const phone = phoneOptions(options);
  const clock = options.clock ?? systemClock;
  if (isPostgresUrl(options.databaseUrl)) {
    const db = await openPostgres({
      url: options.databaseUrl,
      ...(options.pgSchema === undefined ? {} : { schema: options.pgSchema }),
    });
    return assemble(db, 'postgres', clock, options.pgSchema, () => ({
      contacts: new KyselyContactStore({ db, dialect: 'postgres', phone, clock }),
      pins: new KyselyPinStore(db, clock),
      callLog: new KyselyCallLogStore(db, 'postgres', clock),
    }));
  }
  const { sqlite, db } = openSqlite(sqliteFile(options.databaseUrl, options.dataDir));
  return assemble(db, 'sqlite', clock, undefined, () => {
    restorePendingIndexes(sqlite); // a bulk load that crashed half-way left its indexes here
    const index = new LookupIndex(sqlite, { eager: options.lookups !== false });
    return {
      contacts: new SqliteContactStore({ db, dialect: 'sqlite', phone, clock }, sqlite, index),
      pins: new SqlitePinStore(db, clock, sqlite, index),
      callLog: new SqliteCallLogStore(db, clock, sqlite),
    };
  });
}

async function assemble(
  db: Kysely<Database>,
  dialect: Dialect,
  clock: Clock,
  schema: string | undefined,
  // A factory: the SQLite stores prepare their statements, so the tables must exist first.
  hotStores: () => { contacts: ContactStore & BulkLoader; pins: PinStore; callLog: CallLogStore },
): Promise<Store> {
  try {
    await migrate(db, dialect, schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    dialect,
    ...hotStores(),
    secrets: new KyselySecretStore(db, clock),
    agents: new KyselyAgentStore(db, clock),
    sessions: new KyselySessionStore(db),
    webhooks: new KyselyWebhookStore(db, dialect),
    close: () => db.destroy(),
  };
}
