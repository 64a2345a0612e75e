// ContactStore over Kysely: the PostgreSQL implementation, and the base the SQLite one speeds up.
import type { Kysely, Transaction } from 'kysely';
import type { PhoneOptions } from '../phone/phone.ts';
import type { Clock } from '../calls/ports.ts';
import type {
  ContactQuery,
  ContactStore,
  Page,
  PhoneHit,
  PhoneKeys,
  PhoneMatches,
  UpsertResult,
} from '../lookup/ports.ts';
import type { Contact, ContactInput } from '../lookup/types.ts';
import type { Database, Dialect } from './database.ts';
import { containsText } from './sql-text.ts';
import {
  contactColumns,
  groupPhoneRows,
  parseContactId,
  prepareContact,
  rowToContact,
} from './contact-rows.ts';
import type { ContactFields, PreparedContact } from './contact-rows.ts';

export interface ContactStoreOptions {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly phone: PhoneOptions;
  readonly clock: Clock;
}

type Db = Kysely<Database> | Transaction<Database>;

/** An existing contact an upsert matched. */
export interface ExistingContact {
  readonly id: number;
  readonly content_hash: string;
}

export class KyselyContactStore implements ContactStore {
  constructor(protected readonly options: ContactStoreOptions) {}

  protected get db(): Kysely<Database> {
    return this.options.db;
  }

  async get(id: string): Promise<Contact | null> {
    const key = parseContactId(id);
    if (key === null) {
      return null;
    }
    const row = await this.db
      .selectFrom('contacts')
      .select(contactColumns)
      .where('id', '=', key)
      .executeTakeFirst();
    return row === undefined ? null : rowToContact(row);
  }

  async getMany(ids: readonly string[]): Promise<Contact[]> {
    const keys = ids.map(parseContactId).filter((k): k is number => k !== null);
    if (keys.length === 0) {
      return [];
    }
    const rows = await this.db
      .selectFrom('contacts')
      .select(contactColumns)
      .where('id', 'in', keys)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return keys.flatMap((k) => {
      const row = byId.get(k);
      return row === undefined ? [] : [rowToContact(row)];
    });
  }

  async create(input: ContactInput): Promise<Contact> {
    const prepared = prepareContact(input, this.options.phone);
    const id = await this.db.transaction().execute((trx) => this.insert(trx, prepared));
    return this.mustGet(id);
  }

  async update(id: string, input: ContactInput): Promise<Contact | null> {
    const key = parseContactId(id);
    if (key === null) {
      return null;
    }
    const prepared = prepareContact(input, this.options.phone);
    const found = await this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('contacts').select('id').where('id', '=', key).executeTakeFirst();
      if (exists === undefined) {
        return false;
      }
      await this.replace(trx, key, prepared);
      return true;
    });
    return found ? this.mustGet(key) : null;
  }

  async delete(id: string): Promise<boolean> {
    const key = parseContactId(id);
    if (key === null) {
      return false;
    }
    const result = await this.db.deleteFrom('contacts').where('id', '=', key).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async search(query: ContactQuery): Promise<Page<Contact>> {
    const text = query.text?.trim().toLowerCase() ?? '';
    const digits = text.replace(/\D/g, '');
    const dialect = this.options.dialect;
    let base = this.db.selectFrom('contacts');
    if (text !== '') {
      base = base.where((eb) =>
        eb.or([
          containsText(dialect, 'name', text),
          containsText(dialect, 'company', text),
          containsText(dialect, 'email', text),
          // Phone digits: "555 0140" finds +13125550140 (needs 3+ digits to mean anything).
          ...(digits.length >= 3
            ? [
                eb(
                  'id',
                  'in',
                  eb
                    .selectFrom('contact_phones')
                    .select('contact_id')
                    .where(containsText(dialect, 'e164', digits)),
                ),
              ]
            : []),
        ]),
      );
    }
    const [rows, count] = await Promise.all([
      base
        .select(contactColumns)
        .orderBy('name')
        .orderBy('id')
        .limit(query.limit)
        .offset(query.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(rowToContact), total: Number(count.n) };
  }

  get phone(): PhoneOptions {
    return this.options.phone;
  }

  async upsertMany(inputs: readonly ContactInput[]): Promise<UpsertResult> {
    return this.upsertPrepared(inputs.map((input) => prepareContact(input, this.options.phone)));
  }

  async upsertPrepared(prepared: readonly PreparedContact[]): Promise<UpsertResult> {
    return this.db.transaction().execute(async (trx) => {
      const result = { inserted: 0, updated: 0, unchanged: 0 };
      for (const contact of prepared) {
        const existing = await this.findExisting(trx, contact.fields);
        if (existing === undefined) {
          await this.insert(trx, contact);
          result.inserted += 1;
        } else if (existing.content_hash === contact.fields.content_hash) {
          result.unchanged += 1;
        } else {
          await this.replace(trx, existing.id, contact);
          result.updated += 1;
        }
      }
      return result;
    });
  }

  /**
   * Asks for a bulk load: true when the store holds no contact and can load faster without per-row upsert
   * checks (SQLite). The caller must then give each upsert key once, and call endBulkLoad() when done.
   * PostgreSQL: always false, nothing changes.
   */
  async beginBulkLoad(): Promise<boolean> {
    return false;
  }

  async endBulkLoad(): Promise<void> {}

  async findPhones(keys: PhoneKeys): Promise<PhoneHit[]> {
    if (keys.e164 === null && keys.national === null && keys.suffix === null) {
      return [];
    }
    const rows = await this.db
      .selectFrom('contact_phones')
      .select(['contact_id', 'e164', 'national', 'suffix'])
      .where((eb) =>
        eb.or([
          ...(keys.e164 === null ? [] : [eb('e164', '=', keys.e164)]),
          ...(keys.national === null ? [] : [eb('national', '=', keys.national)]),
          ...(keys.suffix === null ? [] : [eb('suffix', '=', keys.suffix)]),
        ]),
      )
      .orderBy('contact_id')
      .orderBy('position')
      .execute();
    return rows.map((r) => ({
      contactId: String(r.contact_id),
      e164: r.e164,
      national: r.national,
      suffix: r.suffix,
    }));
  }

  /** findPhones and getMany of the hit contacts as one phones ⋈ contacts query (one round trip). */
  async findContactsByPhone(keys: PhoneKeys): Promise<PhoneMatches> {
    if (keys.e164 === null && keys.national === null && keys.suffix === null) {
      return { hits: [], contacts: [] };
    }
    const rows = await this.db
      .selectFrom('contact_phones as p')
      .innerJoin('contacts as c', 'c.id', 'p.contact_id')
      .select(contactColumns.map((column) => `c.${column}` as const))
      .select(['p.e164', 'p.national', 'p.suffix'])
      .where((eb) =>
        eb.or([
          ...(keys.e164 === null ? [] : [eb('p.e164', '=', keys.e164)]),
          ...(keys.national === null ? [] : [eb('p.national', '=', keys.national)]),
          ...(keys.suffix === null ? [] : [eb('p.suffix', '=', keys.suffix)]),
        ]),
      )
      .orderBy('p.contact_id')
      .orderBy('p.position')
      .execute();
    return groupPhoneRows(rows, (row) => ({ e164: row.e164, national: row.national, suffix: row.suffix }));
  }

  /** The contact an upsert replaces: same external id, else same email (when ids don't conflict), else same dedupe key. */
  protected async findExisting(db: Db, fields: ContactFields): Promise<ExistingContact | undefined> {
    const base = db.selectFrom('contacts').select(['id', 'content_hash']).orderBy('id').limit(1);
    if (fields.external_id !== null) {
      const byId = await base.where('external_id', '=', fields.external_id).executeTakeFirst();
      if (byId !== undefined || fields.email_key === null) {
        return byId;
      }
      return base
        .where('email_key', '=', fields.email_key)
        .where('external_id', 'is', null)
        .executeTakeFirst();
    }
    if (fields.email_key !== null) {
      return base.where('email_key', '=', fields.email_key).executeTakeFirst();
    }
    return base.where('dedupe_key', '=', fields.dedupe_key).executeTakeFirst();
  }

  private async insert(db: Db, contact: PreparedContact): Promise<number> {
    const now = this.options.clock.now();
    const { id } = await db
      .insertInto('contacts')
      .values({ ...contact.fields, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.insertPhones(db, id, contact);
    return id;
  }

  private async replace(db: Db, id: number, contact: PreparedContact): Promise<void> {
    await db
      .updateTable('contacts')
      .set({ ...contact.fields, updated_at: this.options.clock.now() })
      .where('id', '=', id)
      .execute();
    await db.deleteFrom('contact_phones').where('contact_id', '=', id).execute();
    await this.insertPhones(db, id, contact);
  }

  private async insertPhones(db: Db, id: number, contact: PreparedContact): Promise<void> {
    if (contact.phones.length > 0) {
      await db
        .insertInto('contact_phones')
        .values(contact.phones.map((p) => ({ ...p, contact_id: id })))
        .execute();
    }
  }

  protected async mustGet(id: number): Promise<Contact> {
    const contact = await this.get(String(id));
    if (contact === null) {
      throw new Error(`contact ${id} vanished while being written`);
    }
    return contact;
  }
}
