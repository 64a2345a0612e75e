// The key sealing login cookies, kept in the shared secret store so every instance on one database opens the
// cookies of the others (a sign-in may start on one instance and come back to another).
import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../goto/ports.ts';

const RECORD = 'server:login-cookie-key';

/** Loads the key, creating it on first start. Instances starting at once on an empty database all keep the key
 * the first one stored (insert if absent, then read back), so none of them seals cookies the others cannot open. */
export async function loginCookieKey(secrets: SecretStore): Promise<Buffer> {
  const stored = await secrets.putSecretIfAbsent(RECORD, randomBytes(32).toString('base64'));
  const key = Buffer.from(stored, 'base64');
  if (key.length === 32) {
    return key;
  }
  const fresh = randomBytes(32); // a damaged record: replaced
  await secrets.putSecret(RECORD, fresh.toString('base64'));
  return fresh;
}
