// The reads every caller lookup makes on PostgreSQL (contacts by phone, pin, history), as named prepared statements.
//
// At 200 calls/s these are ~800 queries a second on the leader. Through Kysely each one is built and compiled in
// JavaScript and parsed and planned again by the server; a named statement is parsed once per connection and, after
// five runs, planned once (PostgreSQL's generic plan: every parameter here is an equality on an index), and the
// history's two reads go as one statement, so one round trip. The results are the same rows the Kysely queries of
// contact-store.ts, pin-store.ts and call-log-store.ts read; the stores' contract suites run on both.
import type pg from 'pg';
import type { Kysely } from 'kysely';
import type { Clock } from '../../calls/ports.ts';
import type { PhoneOptions } from '../../phone/phone.ts';
import type { CallHistory, PhoneKeys, PhoneMatches } from '../../lookup/ports.ts';
import type { CallLogTable, Database } from '../database.ts';
import { KyselyCallLogStore } from '../call-log-store.ts';
import { rowToEntry } from '../call-log-rows.ts';
import { KyselyContactStore } from '../contact-store.ts';
import { contactColumns, groupPhoneRows } from '../contact-rows.ts';
import type { ContactRow } from '../contact-rows.ts';
import { KyselyPinStore } from '../pin-store.ts';

/** A null key matches nothing (`= NULL` is never true), as the Kysely query leaves that branch out. */
const CONTACTS_BY_PHONE = {
  name: 'screenpop_contacts_by_phone',
  text: `
    SELECT ${contactColumns.map((column) => `c.${column}`).join(', ')}, p.e164 AS phone_e164,
           p.national AS phone_national, p.suffix AS phone_suffix
      FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
     WHERE p.e164 = $1 OR p.national = $2 OR p.suffix = $3
     ORDER BY p.contact_id, p.position`,
};

const PIN = {
  name: 'screenpop_pin',
  text: 'SELECT contact_id, pinned_by, pinned_at FROM pins WHERE e164 = $1',
};

/** The newest $3 calls of a number and the count since $2, one round trip: `n` on every row, one row when none. */
const HISTORY = {
  name: 'screenpop_history',
  text: `
    SELECT recent.*, counted.n
      FROM (SELECT count(*) AS n FROM call_log WHERE caller_e164 = $1 AND started_at >= $2) counted
      LEFT JOIN (SELECT * FROM call_log WHERE caller_e164 = $1 ORDER BY started_at DESC LIMIT $3) recent ON true
     ORDER BY recent.started_at DESC`,
};

type PhoneRow = ContactRow & {
  readonly phone_e164: string | null;
  readonly phone_national: string | null;
  readonly phone_suffix: string | null;
};

export class PostgresContactStore extends KyselyContactStore {
  constructor(
    options: { db: Kysely<Database>; phone: PhoneOptions; clock: Clock },
    private readonly pool: pg.Pool,
  ) {
    super({ ...options, dialect: 'postgres' });
  }

  override async findContactsByPhone(keys: PhoneKeys): Promise<PhoneMatches> {
    if (keys.e164 === null && keys.national === null && keys.suffix === null) {
      return { hits: [], contacts: [] };
    }
    const { rows } = await this.pool.query<PhoneRow>({
      ...CONTACTS_BY_PHONE,
      values: [keys.e164, keys.national, keys.suffix],
    });
    return groupPhoneRows(rows, (row) => ({
      e164: row.phone_e164,
      national: row.phone_national,
      suffix: row.phone_suffix,
    }));
  }
}

export class PostgresPinStore extends KyselyPinStore {
  constructor(
    db: Kysely<Database>,
    clock: Clock,
    private readonly pool: pg.Pool,
  ) {
    super(db, clock);
  }

  override async getPin(e164: string): Promise<{ contactId: string; by: string; at: number } | null> {
    const { rows } = await this.pool.query<{ contact_id: number; pinned_by: string; pinned_at: number }>({
      ...PIN,
      values: [e164],
    });
    const row = rows[0];
    return row === undefined
      ? null
      : { contactId: String(row.contact_id), by: row.pinned_by, at: row.pinned_at };
  }
}

export class PostgresCallLogStore extends KyselyCallLogStore {
  constructor(
    db: Kysely<Database>,
    clock: Clock,
    private readonly pool: pg.Pool,
  ) {
    super(db, 'postgres', clock);
  }

  override async history(e164: string, since: number, limit: number): Promise<CallHistory> {
    const { rows } = await this.pool.query<CallLogTable & { n: number }>({
      ...HISTORY,
      values: [e164, since, Math.max(Math.trunc(limit), 1)],
    });
    const recent = rows.filter((row) => row.call_id !== null).map(rowToEntry);
    return { last: recent[0] ?? null, count: Number(rows[0]?.n ?? 0), recent: recent.slice(0, limit) };
  }
}
