// NoteRevisionStore over Kysely (both dialects): every save of a call's notes, with author and time.
import type { Kysely } from 'kysely';
import type { NoteRevisionStore } from '../server/ports.ts';
import type { NoteRevision } from '../shared/api.ts';
import type { Database } from './database.ts';

export class KyselyNoteRevisionStore implements NoteRevisionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async addNoteRevision(revision: NoteRevision): Promise<void> {
    await this.db
      .insertInto('note_revisions')
      .values({
        call_id: revision.callId,
        notes: revision.notes,
        disposition: revision.disposition,
        author: revision.by,
        at: revision.at,
      })
      .execute();
  }

  async noteRevisions(callId: string): Promise<NoteRevision[]> {
    const rows = await this.db
      .selectFrom('note_revisions')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      callId: row.call_id,
      notes: row.notes,
      disposition: row.disposition,
      by: row.author,
      at: Number(row.at),
    }));
  }
}
