// Opens a pg Pool (int8 as JS numbers, optional schema) and wraps it in Kysely; the pool is returned too.
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../database.ts';

const INT8_OID = 20;

// Timestamps (epoch ms) and ids are bigint columns; every value we store fits a double exactly.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  readonly url: string;
  /** Schema to create (if missing) and work in; tests use one per run. */
  readonly schema?: string;
  readonly maxConnections?: number;
}

/** The Kysely instance, and its pool for the hot reads that run as named prepared statements (hot-reads.ts). */
export interface OpenedPostgres {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
}

export async function openPostgres(options: PostgresOptions): Promise<OpenedPostgres> {
  const schema = options.schema;
  if (schema !== undefined) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new Error(`invalid schema name ${schema}`);
    }
    const client = new pg.Client({ connectionString: options.url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}
