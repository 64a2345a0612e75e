// CallLogStore over Kysely (both dialects): ended calls upserted by id, notes, contact links, filters, history.
import { sql } from 'kysely';
import type { Kysely, SqlBool } from 'kysely';
import type { Call } from '../calls/types.ts';
import type { Clock } from '../calls/ports.ts';
import type { CallHistory, CallLogQuery, CallLogStore, CallNotes } from '../lookup/ports.ts';
import type { CallLogEntry } from '../lookup/types.ts';
import type { Database, Dialect } from './database.ts';
import { callToEntry, entryToRow, rowToEntry } from './call-log-rows.ts';
import { containsExact, containsText } from './sql-text.ts';

// Qualified: the contacts join brings its own notes column.
const searchable = [
  'call_log.caller_name',
  'call_log.caller_raw',
  'call_log.caller_e164',
  'call_log.answered_by_name',
  'call_log.notes',
  'call_log.disposition',
  'contacts.name',
];

export class KyselyCallLogStore implements CallLogStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly clock: Clock,
  ) {}

  /** Idempotent by call id: a second write refreshes the call's facts and keeps what agents wrote. */
  async writeEndedCall(call: Call): Promise<void> {
    const row = entryToRow(callToEntry(call));
    const {
      call_id: _id,
      notes: _n,
      disposition: _d,
      notes_by: _b,
      notes_at: _a,
      contact_id: _c,
      ...facts
    } = row;
    await this.db
      .insertInto('call_log')
      .values(row)
      .onConflict((oc) => oc.column('call_id').doUpdateSet(facts))
      .execute();
  }

  async get(callId: string): Promise<CallLogEntry | null> {
    const row = await this.entries().where('call_log.call_id', '=', callId).executeTakeFirst();
    return row === undefined ? null : rowToEntry(row);
  }

  async list(query: CallLogQuery): Promise<CallLogEntry[]> {
    let q = this.entries();
    if (query.callerE164 !== undefined) {
      q = q.where('call_log.caller_e164', '=', query.callerE164);
    }
    if (query.outcome !== undefined && query.outcome !== null) {
      q = q.where('call_log.outcome', '=', query.outcome);
    }
    if (query.lineId !== undefined) {
      // line_ids is a JSON array of strings: look for the quoted id.
      q = q.where(containsExact(this.dialect, 'call_log.line_ids', JSON.stringify(query.lineId)));
    }
    const text = query.text?.trim().toLowerCase() ?? '';
    if (text !== '') {
      q = q.where((eb) => eb.or(searchable.map((column) => containsText(this.dialect, column, text))));
    }
    if (query.before !== undefined) {
      q = q.where('call_log.started_at', '<', query.before);
    }
    const rows = await q
      .orderBy('call_log.started_at', 'desc')
      .orderBy('call_log.call_id')
      .limit(query.limit)
      .execute();
    return rows.map(rowToEntry);
  }

  async linkContact(callId: string, contactId: string): Promise<void> {
    await this.db
      .updateTable('call_log')
      .set({ contact_id: contactId })
      .where('call_id', '=', callId)
      .execute();
  }

  async linkUnlinked(e164: string, contactId: string): Promise<number> {
    const result = await this.db
      .updateTable('call_log')
      .set({ contact_id: contactId })
      .where('caller_e164', '=', e164)
      .where('contact_id', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Call-log rows with the linked contact's current name (null when unlinked, or the contact is gone). */
  private entries() {
    return this.db
      .selectFrom('call_log')
      .leftJoin('contacts', (join) => join.on(this.linkedContact()))
      .selectAll('call_log')
      .select('contacts.name as contact_name');
  }

  /**
   * call_log.contact_id is text, contacts.id a number. SQLite compares them numerically (column affinity);
   * PostgreSQL needs a cast, guarded so an id that is not a store id (a CRM's) matches nothing instead of failing.
   */
  private linkedContact() {
    return this.dialect === 'postgres'
      ? sql<SqlBool>`contacts.id = case when call_log.contact_id ~ '^[1-9][0-9]{0,15}$' then call_log.contact_id::bigint end`
      : sql<SqlBool>`contacts.id = call_log.contact_id`;
  }

  async setNotes(callId: string, notes: CallNotes): Promise<CallLogEntry | null> {
    const result = await this.db
      .updateTable('call_log')
      .set({
        notes: notes.notes,
        disposition: notes.disposition,
        notes_by: notes.by,
        notes_at: this.clock.now(),
      })
      .where('call_id', '=', callId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n ? this.get(callId) : null;
  }

  /** `count` is calls since `since`; `recent` and `last` look at all time (both read the (caller_e164, started_at) index). */
  async history(e164: string, since: number, limit: number): Promise<CallHistory> {
    const [rows, count] = await Promise.all([
      this.db
        .selectFrom('call_log')
        .selectAll()
        .where('caller_e164', '=', e164)
        .orderBy('started_at', 'desc')
        .limit(Math.max(limit, 1))
        .execute(),
      this.db
        .selectFrom('call_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('caller_e164', '=', e164)
        .where('started_at', '>=', since)
        .executeTakeFirstOrThrow(),
    ]);
    const recent = rows.map(rowToEntry);
    return { last: recent[0] ?? null, count: Number(count.n), recent: recent.slice(0, limit) };
  }
}
