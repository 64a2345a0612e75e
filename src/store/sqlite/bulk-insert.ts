// SQLite only: a bulk load's writes, many rows per INSERT. Each statement run costs its own bind, step and
// reset, and (both tables being AUTOINCREMENT) a read and a write of sqlite_sequence; at 1M contacts and 1M
// phones one row per statement was ~1.2 s more CPU than groups of 32 (measured on the two tables alone).
import type BetterSqlite3 from 'better-sqlite3';
import { contactFieldColumns } from '../contact-rows.ts';
import type { PreparedContact } from '../contact-rows.ts';

/** Contacts per INSERT (18 parameters each) and phones per INSERT (7 each): far below SQLite's 32,766. */
export const CONTACT_GROUP = 32;
export const PHONE_GROUP = 64;

const CONTACT_COLUMNS = ['id', ...contactFieldColumns, 'created_at', 'updated_at'];
const PHONE_COLUMNS = ['contact_id', 'position', 'raw', 'e164', 'national', 'suffix', 'label'];

function insertSql(table: string, columns: readonly string[], rows: number): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`;
}

/**
 * Appends contacts and their phones to tables that a bulk load owns (see beginBulkLoad): every row is new. A
 * contact's id is given, not taken from lastInsertRowid, so one statement can write a group; its phones follow
 * in a later statement (the foreign key is checked as each phone row is written). Ids come out as the
 * one-row inserts gave them: above every id the table ever had, in input order, phones in contact order.
 */
export class BulkInserter {
  private readonly contacts: BetterSqlite3.Statement<unknown[]>;
  private readonly contact: BetterSqlite3.Statement<unknown[]>;
  private readonly phones: BetterSqlite3.Statement<unknown[]>;
  private readonly phone: BetterSqlite3.Statement<unknown[]>;
  private readonly nextId: BetterSqlite3.Statement<[]>;
  // Parameter arrays filled in place and bound as they are (better-sqlite3 binds an array's items in order).
  private readonly contactArgs = new Array<unknown>(CONTACT_GROUP * CONTACT_COLUMNS.length);
  private readonly phoneArgs = new Array<unknown>(PHONE_GROUP * PHONE_COLUMNS.length);
  private phoneRows = 0;

  constructor(
    sqlite: BetterSqlite3.Database,
    /** Told of every phone written (the lookup index). */
    private readonly onPhone: (suffix: string | null, contactId: number) => void,
  ) {
    this.contacts = sqlite.prepare(insertSql('contacts', CONTACT_COLUMNS, CONTACT_GROUP));
    this.contact = sqlite.prepare(insertSql('contacts', CONTACT_COLUMNS, 1));
    this.phones = sqlite.prepare(insertSql('contact_phones', PHONE_COLUMNS, PHONE_GROUP));
    this.phone = sqlite.prepare(insertSql('contact_phones', PHONE_COLUMNS, 1));
    // AUTOINCREMENT: a new id is above both the largest id and every id handed out before (sqlite_sequence).
    this.nextId = sqlite
      .prepare<[]>(
        `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'contacts'), 0),
                    coalesce((SELECT max(id) FROM contacts), 0)) + 1`,
      )
      .pluck();
  }

  /** Inserts every contact and phone; call inside a transaction. */
  insertAll(prepared: readonly PreparedContact[], now: number): void {
    this.phoneRows = 0; // a failed statement may have left some (its transaction rolled back)
    let id = this.nextId.get() as number;
    let from = 0;
    for (; from + CONTACT_GROUP <= prepared.length; from += CONTACT_GROUP) {
      for (let i = 0; i < CONTACT_GROUP; i++) {
        this.fillContact(i, id + i, prepared[from + i]!, now);
      }
      this.contacts.run(this.contactArgs);
      for (let i = 0; i < CONTACT_GROUP; i++) {
        this.addPhones(id + i, prepared[from + i]!);
      }
      id += CONTACT_GROUP;
    }
    for (; from < prepared.length; from++, id++) {
      this.fillContact(0, id, prepared[from]!, now);
      this.contact.run(this.contactArgs.slice(0, CONTACT_COLUMNS.length));
      this.addPhones(id, prepared[from]!);
    }
    this.flushPhones();
  }

  private fillContact(row: number, id: number, contact: PreparedContact, now: number): void {
    const a = this.contactArgs;
    const f = contact.fields;
    let at = row * CONTACT_COLUMNS.length;
    // The order of CONTACT_COLUMNS: id, contactFieldColumns, created_at, updated_at.
    a[at++] = id;
    a[at++] = f.name;
    a[at++] = f.company;
    a[at++] = f.email;
    a[at++] = f.email_key;
    a[at++] = f.tier;
    a[at++] = f.tags;
    a[at++] = f.notes;
    a[at++] = f.custom;
    a[at++] = f.phones;
    a[at++] = f.tickets;
    a[at++] = f.appointments;
    a[at++] = f.external_id;
    a[at++] = f.record_url;
    a[at++] = f.dedupe_key;
    a[at++] = f.content_hash;
    a[at++] = now;
    a[at] = now;
  }

  /** Queues the contact's phones (written once PHONE_GROUP wait, or at the end). */
  private addPhones(id: number, contact: PreparedContact): void {
    const a = this.phoneArgs;
    for (const p of contact.phones) {
      this.onPhone(p.suffix, id);
      let at = this.phoneRows * PHONE_COLUMNS.length;
      a[at++] = id;
      a[at++] = p.position;
      a[at++] = p.raw;
      a[at++] = p.e164;
      a[at++] = p.national;
      a[at++] = p.suffix;
      a[at] = p.label;
      this.phoneRows += 1;
      if (this.phoneRows === PHONE_GROUP) {
        this.phones.run(this.phoneArgs);
        this.phoneRows = 0;
      }
    }
  }

  private flushPhones(): void {
    const width = PHONE_COLUMNS.length;
    for (let row = 0; row < this.phoneRows; row++) {
      this.phone.run(this.phoneArgs.slice(row * width, (row + 1) * width));
    }
    this.phoneRows = 0;
  }
}
