// SecretStore over Kysely: opaque (already encrypted) blobs by key.
import type { Kysely } from 'kysely';
import type { Clock } from '../calls/ports.ts';
import type { Database } from './database.ts';
import type { SecretStore } from './ports.ts';

export class KyselySecretStore implements SecretStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async getSecret(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('secrets').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async putSecret(key: string, value: string): Promise<void> {
    const updated_at = this.clock.now();
    await this.db
      .insertInto('secrets')
      .values({ key, value, updated_at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at }))
      .execute();
  }

  async putSecretIfAbsent(key: string, value: string): Promise<string> {
    await this.db
      .insertInto('secrets')
      .values({ key, value, updated_at: this.clock.now() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.getSecret(key)) ?? value;
  }

  async deleteSecret(key: string): Promise<void> {
    await this.db.deleteFrom('secrets').where('key', '=', key).execute();
  }
}
