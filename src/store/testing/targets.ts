// The databases every store test runs against: a fresh SQLite file, and PostgreSQL when TEST_DATABASE_URL is set.
// TEST_STORES=sqlite (or postgres) narrows the list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Clock } from '../../calls/ports.ts';
import { openStore } from '../store.ts';
import type { Store } from '../store.ts';

export interface StoreTarget {
  readonly name: 'sqlite' | 'postgres';
  /** Why this target does not run here; undefined when it does. */
  readonly skip: string | undefined;
  /** A new, empty, migrated store; closed and removed by cleanup(). */
  open(clock?: Clock): Promise<Store>;
  cleanup(): Promise<void>;
}

export const testPhone = { defaultRegion: 'US', suffixDigits: 7 } as const;

let counter = 0;

function sqliteTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), 'screenpop-store-'));
  const opened: Store[] = [];
  return {
    name: 'sqlite',
    skip: undefined,
    async open(clock) {
      counter += 1;
      const store = await openStore({
        databaseUrl: join(dir, `test-${counter}.db`),
        dataDir: dir,
        phone: testPhone,
        ...(clock === undefined ? {} : { clock }),
      });
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Test files run in parallel on one database. Opening a store runs Kysely's migrator, whose introspection
 * reads every schema and fails ("schema … does not exist") when another file drops its schemas meanwhile.
 * So opens hold this advisory lock shared, and dropping schemas holds it alone.
 */
const SCHEMA_LOCK = 72_730_001;

export async function withSchemaLock<T>(
  url: string,
  mode: 'shared' | 'exclusive',
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      mode === 'shared' ? 'SELECT pg_advisory_lock_shared($1)' : 'SELECT pg_advisory_lock($1)',
      [SCHEMA_LOCK],
    );
    return await work(client);
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

function postgresTarget(url: string | undefined): StoreTarget {
  const opened: Store[] = [];
  const schemas: string[] = [];
  return {
    name: 'postgres',
    skip: url === undefined ? 'TEST_DATABASE_URL is not set' : undefined,
    async open(clock) {
      counter += 1;
      const schema = `sp_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
      schemas.push(schema);
      const store = await withSchemaLock(url ?? '', 'shared', () =>
        openStore({
          databaseUrl: url ?? '',
          dataDir: tmpdir(),
          phone: testPhone,
          pgSchema: schema,
          ...(clock === undefined ? {} : { clock }),
        }),
      );
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(opened.map((s) => s.close()));
      if (url === undefined || schemas.length === 0) {
        return;
      }
      await withSchemaLock(url, 'exclusive', async (client) => {
        for (const schema of schemas) {
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        }
      });
    },
  };
}

export function storeTargets(env: Readonly<Record<string, string | undefined>> = process.env): StoreTarget[] {
  const only = env.TEST_STORES?.split(',').map((s) => s.trim());
  const all = [sqliteTarget(), postgresTarget(env.TEST_DATABASE_URL || undefined)];
  return all.filter((t) => only === undefined || only.includes(t.name));
}

/** A clock tests move by hand. */
export function manualClock(
  start = 1_700_000_000_000,
): Clock & { set(t: number): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (t) => {
      now = t;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
