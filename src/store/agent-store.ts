// AgentStore over Kysely: each agent's settings as one JSON document.
import type { Kysely } from 'kysely';
import type { Clock } from '../calls/ports.ts';
import type { Database } from './database.ts';
import type { AgentSettings, AgentStore } from './ports.ts';

export class KyselyAgentStore implements AgentStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async getAgent(principal: string): Promise<AgentSettings | null> {
    const row = await this.db
      .selectFrom('agents')
      .select('settings')
      .where('principal', '=', principal)
      .executeTakeFirst();
    return row === undefined ? null : (JSON.parse(row.settings) as AgentSettings);
  }

  async saveAgent(settings: AgentSettings): Promise<void> {
    const row = {
      principal: settings.principal,
      settings: JSON.stringify(settings),
      updated_at: this.clock.now(),
    };
    await this.db
      .insertInto('agents')
      .values(row)
      .onConflict((oc) =>
        oc.column('principal').doUpdateSet({ settings: row.settings, updated_at: row.updated_at }),
      )
      .execute();
  }

  async listAgents(): Promise<AgentSettings[]> {
    const rows = await this.db.selectFrom('agents').select('settings').orderBy('principal').execute();
    return rows.map((r) => JSON.parse(r.settings) as AgentSettings);
  }
}
