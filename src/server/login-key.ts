// The key sealing login cookies, kept in the shared secret store so every instance on one database opens the
// cookies of the others (a sign-in may start on one instance and come back to another).
import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../goto/ports.ts';

const RECORD = 'server:login-cookie-key';

/** Loads the key, creating it on first start. Two instances starting at once for the very first time may each
 * write one; the later write wins and a sign-in begun on the other in that moment asks the agent to retry. */
export async function loginCookieKey(secrets: SecretStore): Promise<Buffer> {
  const stored = await secrets.getSecret(RECORD);
  const key = stored === null ? null : Buffer.from(stored, 'base64');
  if (key !== null && key.length === 32) {
    return key;
  }
  const fresh = randomBytes(32);
  await secrets.putSecret(RECORD, fresh.toString('base64'));
  return fresh;
}
