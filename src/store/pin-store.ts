// PinStore over Kysely: one shared choice of contact per number.
import type { Kysely } from 'kysely';
import type { Clock } from '../calls/ports.ts';
import type { PinStore } from '../lookup/ports.ts';
import type { Database } from './database.ts';
import { parseContactId } from './contact-rows.ts';

export class KyselyPinStore implements PinStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async getPin(e164: string): Promise<{ contactId: string; by: string; at: number } | null> {
    const row = await this.db.selectFrom('pins').selectAll().where('e164', '=', e164).executeTakeFirst();
    return row === undefined
      ? null
      : { contactId: String(row.contact_id), by: row.pinned_by, at: row.pinned_at };
  }

  /** Throws when the contact does not exist (the foreign key refuses it). */
  async setPin(e164: string, contactId: string, by: string): Promise<void> {
    const id = parseContactId(contactId);
    if (id === null) {
      throw new Error(`no contact ${contactId}`);
    }
    const values = { e164, contact_id: id, pinned_by: by, pinned_at: this.clock.now() };
    await this.db
      .insertInto('pins')
      .values(values)
      .onConflict((oc) =>
        oc.column('e164').doUpdateSet({ contact_id: id, pinned_by: by, pinned_at: values.pinned_at }),
      )
      .execute();
  }

  async clearPin(e164: string): Promise<void> {
    await this.db.deleteFrom('pins').where('e164', '=', e164).execute();
  }
}
