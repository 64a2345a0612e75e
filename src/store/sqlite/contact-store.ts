// SQLite ContactStore: the hot paths (lookup reads, bulk upsert) run on cached better-sqlite3 statements.
// Kysely compiles every query anew (~10 µs); a caller lookup must stay under a few µs and an import of
// 1M rows under 20 s, so these bypass it. Writes run in synchronous transactions, which cannot interleave
// with anything else on the single connection. search() and delete() stay on Kysely (see the base class).
import type BetterSqlite3 from 'better-sqlite3';
import type { PhoneHit, PhoneKeys, PhoneMatches, UpsertResult } from '../../lookup/ports.ts';
import type { Contact, ContactInput } from '../../lookup/types.ts';
import { KyselyContactStore } from '../contact-store.ts';
import { dropIndexesForBulkLoad, restorePendingIndexes } from './bulk-load.ts';
import { BulkInserter } from './bulk-insert.ts';
import { NOBODY, SEVERAL } from './lookup-index.ts';
import type { LookupIndex } from './lookup-index.ts';
import { fromE164 } from '../../lookup/e164-keys.ts';
import type { ContactStoreOptions, ExistingContact } from '../contact-store.ts';
import {
  contactFieldColumns,
  parseContactId,
  prepareContact,
  rawContactSelect,
  rawToContact,
} from '../contact-rows.ts';
import type { ContactFields, PreparedContact, RawContactRow } from '../contact-rows.ts';

function prepareAll(sqlite: BetterSqlite3.Database) {
  const columns = rawContactSelect('c');
  const existing = 'SELECT id, content_hash FROM contacts WHERE';
  const joined = `SELECT ${columns}, p.e164, p.national, p.suffix
    FROM contact_phones p JOIN contacts c ON c.id = p.contact_id`;
  const fields = contactFieldColumns;
  return {
    getOne: sqlite.prepare(`SELECT ${columns} FROM contacts c WHERE id = ?`).raw(),
    // One statement for the three keys: SQLite answers an OR of indexed equalities with a multi-index OR.
    findPhones: sqlite.prepare<[string | null, string | null, string | null]>(
      `SELECT contact_id, e164, national, suffix FROM contact_phones
       WHERE e164 = ? OR national = ? OR suffix = ? ORDER BY contact_id, position`,
    ),
    // The lookup's fast path: the same two WHERE clauses joined to the contact rows, contact columns first
    // (a row reads as a RawContactRow), then the phone's keys.
    contactsByPhone: sqlite
      .prepare<[string | null, string | null, string | null]>(
        `${joined} WHERE p.e164 = ? OR p.national = ? OR p.suffix = ? ORDER BY p.contact_id, p.position`,
      )
      .raw(),
    contactsBySuffix: sqlite
      .prepare<[string]>(`${joined} WHERE p.suffix = ? ORDER BY p.contact_id, p.position`)
      .raw(),
    bySuffix: sqlite.prepare<[string]>(
      `SELECT contact_id, e164, national, suffix FROM contact_phones WHERE suffix = ? ORDER BY contact_id, position`,
    ),
    byExternalId: sqlite.prepare(`${existing} external_id = ? ORDER BY id LIMIT 1`),
    byEmailWithoutId: sqlite.prepare(`${existing} email_key = ? AND external_id IS NULL ORDER BY id LIMIT 1`),
    byEmail: sqlite.prepare(`${existing} email_key = ? ORDER BY id LIMIT 1`),
    byDedupeKey: sqlite.prepare<[string | null]>(`${existing} dedupe_key = ? ORDER BY id LIMIT 1`),
    exists: sqlite.prepare('SELECT 1 FROM contacts WHERE id = ?').pluck(),
    // Positional parameters: binding by name costs a property lookup per column, 17 per contact on import.
    insert: sqlite.prepare<unknown[]>(
      `INSERT INTO contacts (${fields.join(', ')}, created_at, updated_at)
       VALUES (${fields.map(() => '?').join(', ')}, ?, ?)`,
    ),
    update: sqlite.prepare(
      `UPDATE contacts SET ${fields.map((f) => `${f} = @${f}`).join(', ')}, updated_at = @now WHERE id = @id`,
    ),
    deletePhones: sqlite.prepare('DELETE FROM contact_phones WHERE contact_id = ?'),
    insertPhone: sqlite.prepare<unknown[]>(
      `INSERT INTO contact_phones (contact_id, position, raw, e164, national, suffix, label)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

/** Ids per `IN (…)` statement; one statement per distinct count is cached. */
const MAX_IN = 64;

interface PhoneRowHit {
  readonly contact_id: number;
  readonly e164: string | null;
  readonly national: string | null;
  readonly suffix: string | null;
}

/** A contactsByPhone row: the contact's columns, then the matching phone's e164, national, suffix. */
type JoinedRow = readonly [...RawContactRow, string | null, string | null, string | null];

export class SqliteContactStore extends KyselyContactStore {
  private readonly statements: ReturnType<typeof prepareAll>;
  private readonly manyStatements: BetterSqlite3.Statement<number[]>[] = [];
  private bulkLoading = false;
  private bulkInserter: BulkInserter | null = null;
  private readonly upsertBatch: (prepared: readonly PreparedContact[]) => UpsertResult;
  private readonly writeOne: (id: number | null, prepared: PreparedContact) => number | null;

  constructor(
    options: ContactStoreOptions,
    private readonly sqlite: BetterSqlite3.Database,
    private readonly index: LookupIndex,
  ) {
    super(options);
    this.statements = prepareAll(sqlite);
    this.upsertBatch = sqlite.transaction((prepared: readonly PreparedContact[]) =>
      this.upsertSync(prepared),
    );
    this.writeOne = sqlite.transaction((id: number | null, prepared: PreparedContact) => {
      if (id === null) {
        return this.insertSync(prepared);
      }
      if (this.statements.exists.get(id) === undefined) {
        return null;
      }
      this.replaceSync(id, prepared);
      return id;
    });
  }

  override async get(id: string): Promise<Contact | null> {
    const key = parseContactId(id);
    const row = key === null ? undefined : (this.statements.getOne.get(key) as RawContactRow | undefined);
    return row === undefined ? null : rawToContact(row);
  }

  override async getMany(ids: readonly string[]): Promise<Contact[]> {
    const keys = ids.map(parseContactId).filter((k): k is number => k !== null);
    if (keys.length <= 1) {
      const row =
        keys.length === 0 ? undefined : (this.statements.getOne.get(keys[0]) as RawContactRow | undefined);
      return row === undefined ? [] : [rawToContact(row)];
    }
    const byId = new Map<number, RawContactRow>();
    for (let from = 0; from < keys.length; from += MAX_IN) {
      const chunk = keys.slice(from, from + MAX_IN);
      for (const row of this.manyStatement(chunk.length).all(...chunk) as RawContactRow[]) {
        byId.set(row[0], row);
      }
    }
    return keys.flatMap((k) => {
      const row = byId.get(k);
      return row === undefined ? [] : [rawToContact(row)];
    });
  }

  /** `WHERE id IN (?, ?, …)` for n ids, prepared once per n. */
  private manyStatement(n: number): BetterSqlite3.Statement<number[]> {
    let statement = this.manyStatements[n];
    if (statement === undefined) {
      const marks = Array.from({ length: n }, () => '?').join(', ');
      statement = this.sqlite
        .prepare<number[]>(`SELECT ${rawContactSelect('c')} FROM contacts c WHERE id IN (${marks})`)
        .raw();
      this.manyStatements[n] = statement;
    }
    return statement;
  }

  override async findPhones(keys: PhoneKeys): Promise<PhoneHit[]> {
    const plan = this.plan(keys);
    if (plan === NOBODY) {
      return [];
    }
    const rows = (
      plan === 'keys'
        ? this.statements.findPhones.all(keys.e164, keys.national, keys.suffix)
        : this.statements.bySuffix.all(keys.suffix ?? '')
    ) as PhoneRowHit[];
    return rows.map((r) => ({
      contactId: String(r.contact_id),
      e164: r.e164,
      national: r.national,
      suffix: r.suffix,
    }));
  }

  override async findContactsByPhone(keys: PhoneKeys): Promise<PhoneMatches> {
    const plan = this.plan(keys);
    if (plan === NOBODY) {
      return { hits: [], contacts: [] };
    }
    if (plan !== 'keys' && plan !== SEVERAL) {
      const one = this.ownerMatch(plan, keys.suffix ?? '');
      if (one !== null) {
        return one;
      }
    }
    const rows = (
      plan === 'keys'
        ? this.statements.contactsByPhone.all(keys.e164, keys.national, keys.suffix)
        : this.statements.contactsBySuffix.all(keys.suffix ?? '')
    ) as JoinedRow[];
    const hits: PhoneHit[] = [];
    const contacts: Contact[] = [];
    let lastId = 0;
    for (const row of rows) {
      // Rows come ordered by contact: a contact with several matching phones is parsed once.
      if (row[0] !== lastId) {
        lastId = row[0];
        contacts.push(rawToContact(row));
      }
      const contactId = contacts[contacts.length - 1]!.id;
      hits.push({ contactId, e164: row[11], national: row[12], suffix: row[13] });
    }
    return { hits, contacts };
  }

  /**
   * How to look the keys up. When the suffix alone finds every match (see migration 0002: the stored keys
   * come from the same normalizePhone, so equal e164 means equal national, and a national number of at
   * least `suffixDigits` digits ends in its suffix), the lookup index says who holds the suffix: NOBODY,
   * SEVERAL (ask by suffix) or the one contact's id. Otherwise 'keys': ask by e164, national and suffix.
   */
  private plan(keys: PhoneKeys): number | 'keys' {
    const { suffix, national } = keys;
    if (
      suffix !== null &&
      national !== null &&
      suffix.length === this.options.phone.suffixDigits &&
      national.length >= suffix.length &&
      national.endsWith(suffix) &&
      (keys.e164 === null || keys.e164.endsWith(national))
    ) {
      return this.index.suffixOwner(suffix);
    }
    return keys.e164 === null && national === null && suffix === null ? NOBODY : 'keys';
  }

  /**
   * The contact the lookup index names as the suffix's only holder, with the hits its phones give: what the
   * query by suffix returns, from one read by id. Null sends the lookup to that query: the contact is gone or
   * no longer has the suffix (a stale entry), or one of its phones has keys only contact_phones knows (no
   * E.164, or a national number shorter than the suffix, whose suffix normalizePhone took from the raw text).
   */
  private ownerMatch(id: number, suffix: string): PhoneMatches | null {
    const row = this.statements.getOne.get(id) as RawContactRow | undefined;
    if (row === undefined) {
      return null;
    }
    const contact = rawToContact(row);
    const digits = this.options.phone.suffixDigits;
    const hits: PhoneHit[] = [];
    for (const phone of contact.phones) {
      const n = phone.e164 === null ? null : fromE164(phone.e164, phone.raw, digits);
      if (n === null || n.national === null || n.national.length < digits) {
        return null;
      }
      if (n.suffix === suffix) {
        hits.push({ contactId: contact.id, e164: n.e164, national: n.national, suffix });
      }
    }
    return hits.length === 0 ? null : { hits, contacts: [contact] };
  }

  override async create(input: ContactInput): Promise<Contact> {
    const id = this.writeOne(null, prepareContact(input, this.options.phone));
    return this.mustGet(id ?? 0);
  }

  override async update(id: string, input: ContactInput): Promise<Contact | null> {
    const key = parseContactId(id);
    if (key === null) {
      return null;
    }
    const written = this.writeOne(key, prepareContact(input, this.options.phone));
    return written === null ? null : this.mustGet(written);
  }

  override async upsertPrepared(prepared: readonly PreparedContact[]): Promise<UpsertResult> {
    return this.upsertBatch(prepared);
  }

  override async beginBulkLoad(): Promise<boolean> {
    this.bulkLoading = dropIndexesForBulkLoad(this.sqlite);
    return this.bulkLoading;
  }

  override async endBulkLoad(): Promise<void> {
    this.bulkLoading = false;
    restorePendingIndexes(this.sqlite);
  }

  private upsertSync(prepared: readonly PreparedContact[]): UpsertResult {
    const result = { inserted: 0, updated: 0, unchanged: 0 };
    if (this.bulkLoading) {
      // The table was empty and the loader feeds each key once (see beginBulkLoad): every row is new.
      this.bulkInserter ??= new BulkInserter(this.sqlite, (suffix, id) => this.index.addSuffix(suffix, id));
      this.bulkInserter.insertAll(prepared, this.options.clock.now());
      return { ...result, inserted: prepared.length };
    }
    for (const contact of prepared) {
      const existing = this.findExistingSync(contact.fields);
      if (existing === undefined) {
        this.insertSync(contact);
        result.inserted += 1;
      } else if (existing.content_hash === contact.fields.content_hash) {
        result.unchanged += 1;
      } else {
        this.replaceSync(existing.id, contact);
        result.updated += 1;
      }
    }
    return result;
  }

  /** Same rule as KyselyContactStore.findExisting. */
  private findExistingSync(fields: ContactFields): ExistingContact | undefined {
    const s = this.statements;
    if (fields.external_id !== null) {
      const byId = s.byExternalId.get(fields.external_id) as ExistingContact | undefined;
      if (byId !== undefined || fields.email_key === null) {
        return byId;
      }
      return s.byEmailWithoutId.get(fields.email_key) as ExistingContact | undefined;
    }
    if (fields.email_key !== null) {
      return s.byEmail.get(fields.email_key) as ExistingContact | undefined;
    }
    return s.byDedupeKey.get(fields.dedupe_key) as ExistingContact | undefined;
  }

  private insertSync(contact: PreparedContact): number {
    const f = contact.fields;
    const now = this.options.clock.now();
    // prettier-ignore
    const info = this.statements.insert.run(
      f.name, f.company, f.email, f.email_key, f.tier, f.tags, f.notes, f.custom, f.phones, f.tickets,
      f.appointments, f.external_id, f.record_url, f.dedupe_key, f.content_hash, now, now,
    );
    const id = Number(info.lastInsertRowid);
    this.insertPhonesSync(id, contact);
    return id;
  }

  private replaceSync(id: number, contact: PreparedContact): void {
    this.statements.update.run({ ...contact.fields, now: this.options.clock.now(), id });
    this.statements.deletePhones.run(id);
    this.insertPhonesSync(id, contact);
  }

  private insertPhonesSync(id: number, contact: PreparedContact): void {
    for (const p of contact.phones) {
      this.index.addSuffix(p.suffix, id);
      this.statements.insertPhone.run(id, p.position, p.raw, p.e164, p.national, p.suffix, p.label);
    }
  }
}
