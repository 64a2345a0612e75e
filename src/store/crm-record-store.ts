// CrmRecordStore over Kysely: per call and CRM provider, the CRM's record id and how writing it went.
import type { Kysely, Selectable } from 'kysely';
import type { CrmLink, CrmRecordCounts, CrmRecordStore } from '../crmlog/ports.ts';
import type { CrmCallRecordsTable, Database } from './database.ts';

function toLink(row: Selectable<CrmCallRecordsTable>): CrmLink {
  return {
    callId: row.call_id,
    provider: row.provider,
    contact:
      row.contact_name === null ? null : { externalId: row.contact_external_id, name: row.contact_name },
    crmId: row.crm_id,
    crmUrl: row.crm_url,
    state: row.state === 'logged' || row.state === 'failed' ? row.state : 'pending',
    error: row.error,
    attempts: row.attempts,
    uncertain: row.uncertain === 1,
    updatedAt: row.updated_at,
  };
}

export class KyselyCrmRecordStore implements CrmRecordStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(callId: string, provider: string): Promise<CrmLink | null> {
    const row = await this.db
      .selectFrom('crm_call_records')
      .selectAll()
      .where('call_id', '=', callId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return row === undefined ? null : toLink(row);
  }

  async list(callIds: readonly string[]): Promise<CrmLink[]> {
    if (callIds.length === 0) {
      return [];
    }
    const rows = await this.db
      .selectFrom('crm_call_records')
      .selectAll()
      .where('call_id', 'in', callIds)
      .orderBy('call_id')
      .orderBy('provider')
      .execute();
    return rows.map(toLink);
  }

  async counts(since: number): Promise<Map<string, CrmRecordCounts>> {
    const rows = await this.db
      .selectFrom('crm_call_records')
      .select(['provider', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('updated_at', '>=', since)
      .groupBy(['provider', 'state'])
      .execute();
    const counts = new Map<string, { logged: number; failed: number; pending: number }>();
    for (const row of rows) {
      const c = counts.get(row.provider) ?? { logged: 0, failed: 0, pending: 0 };
      const state = row.state === 'logged' || row.state === 'failed' ? row.state : 'pending';
      c[state] += Number(row.n);
      counts.set(row.provider, c);
    }
    return counts;
  }

  async queued(
    callId: string,
    provider: string,
    contact: CrmLink['contact'] | undefined,
    at: number,
  ): Promise<void> {
    const contactColumns =
      contact === undefined
        ? {}
        : { contact_external_id: contact?.externalId ?? null, contact_name: contact?.name ?? null };
    await this.db
      .insertInto('crm_call_records')
      .values({
        call_id: callId,
        provider,
        contact_external_id: null,
        contact_name: null,
        ...contactColumns,
        crm_id: null,
        crm_url: null,
        state: 'pending',
        error: null,
        attempts: 0,
        uncertain: 0,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc
          .columns(['call_id', 'provider'])
          .doUpdateSet({ ...contactColumns, state: 'pending', updated_at: at }),
      )
      .execute();
  }

  async attempting(callId: string, provider: string, at: number): Promise<void> {
    await this.db
      .updateTable('crm_call_records')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), uncertain: 1, updated_at: at }))
      .where('call_id', '=', callId)
      .where('provider', '=', provider)
      .execute();
  }

  async logged(
    callId: string,
    provider: string,
    ref: { id: string; url: string | null },
    at: number,
  ): Promise<void> {
    await this.db
      .updateTable('crm_call_records')
      .set({ crm_id: ref.id, crm_url: ref.url, state: 'logged', error: null, uncertain: 0, updated_at: at })
      .where('call_id', '=', callId)
      .where('provider', '=', provider)
      .execute();
  }

  async failed(
    callId: string,
    provider: string,
    failure: { error: string; answered: boolean; gaveUp: boolean },
    at: number,
  ): Promise<void> {
    await this.db
      .updateTable('crm_call_records')
      .set({
        error: failure.error,
        state: failure.gaveUp ? 'failed' : 'pending',
        ...(failure.answered ? { uncertain: 0 } : {}),
        updated_at: at,
      })
      .where('call_id', '=', callId)
      .where('provider', '=', provider)
      .execute();
  }
}
