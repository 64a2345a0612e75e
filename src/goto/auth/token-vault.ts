// Tokens at rest: AES-256-GCM over a SecretStore, so the database never holds a GoTo token in clear.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SecretStore, StoredTokens } from '../ports.ts';

/** A key that is missing, malformed, or not the one the blobs were sealed with. */
export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

export interface TokenVault {
  load(key: string): Promise<StoredTokens | null>;
  save(key: string, tokens: StoredTokens): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface TokenVaultSettings {
  readonly store: SecretStore;
  /** config.secretKey: base64 of 32 bytes; null = use (or create) DATA_DIR/secret.key. */
  readonly secretKey: string | null;
  readonly dataDir: string;
  /**
   * Check at creation that the key opens what this store holds (a sealed marker written on first start), so a
   * second instance started with another SCREENPOP_SECRET_KEY fails at once with a clear error, not at its
   * first token refresh. The marker is written by whoever starts first with an empty store.
   */
  readonly verifyKey?: boolean;
}

const KEY_CHECK_RECORD = 'vault:key-check';

const VERSION = 'v1';
const KEY_FILE = 'secret.key';

const tokensSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().nullable(),
  expiresAt: z.number(),
  scope: z.string(),
  principal: z.string().nullable(),
});

function decodeKey(base64: string, where: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) {
    throw new VaultError(`${where} must be base64 of exactly 32 bytes (got ${key.length} bytes)`);
  }
  return key;
}

/** Reads the key file, or creates it (mode 0600) on first start. */
async function keyFromFile(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, KEY_FILE);
  try {
    return decodeKey(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    await writeFile(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return decodeKey(await readFile(path, 'utf8'), path); // another process created it first
    }
    throw error;
  }
}

/** Seals `plain` with a fresh 12-byte IV; the record key is authenticated data, so blobs cannot be swapped. */
export function seal(key: Buffer, recordKey: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(recordKey));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
    .join('.');
}

export function open(key: Buffer, recordKey: string, blob: string): string {
  const [version, iv, tag, body] = blob.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
    throw new VaultError(`stored secret "${recordKey}" is not a ${VERSION} vault blob`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(recordKey));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultError(
      `stored GoTo tokens "${recordKey}" cannot be decrypted: the secret key (SCREENPOP_SECRET_KEY or ` +
        `DATA_DIR/${KEY_FILE}) is not the one they were saved with. Restore that key, or sign in again.`,
    );
  }
}

export async function createTokenVault(settings: TokenVaultSettings): Promise<TokenVault> {
  const key =
    settings.secretKey === null
      ? await keyFromFile(settings.dataDir)
      : decodeKey(settings.secretKey, 'SCREENPOP_SECRET_KEY');
  const recordKey = (name: string): string => `goto-tokens:${name}`;
  if (settings.verifyKey === true) {
    await verifyKey(settings.store, key);
  }
  return {
    async load(name) {
      const blob = await settings.store.getSecret(recordKey(name));
      if (blob === null) {
        return null;
      }
      const parsed = tokensSchema.safeParse(JSON.parse(open(key, recordKey(name), blob)));
      if (!parsed.success) {
        throw new VaultError(`stored GoTo tokens "${name}" have an unexpected shape`);
      }
      return parsed.data;
    },
    async save(name, tokens) {
      await settings.store.putSecret(recordKey(name), seal(key, recordKey(name), JSON.stringify(tokens)));
    },
    async remove(name) {
      await settings.store.deleteSecret(recordKey(name));
    },
  };
}

async function verifyKey(store: SecretStore, key: Buffer): Promise<void> {
  const marker = await store.putSecretIfAbsent(KEY_CHECK_RECORD, seal(key, KEY_CHECK_RECORD, 'screenpop'));
  try {
    open(key, KEY_CHECK_RECORD, marker);
  } catch {
    throw new VaultError(
      'SCREENPOP_SECRET_KEY cannot decrypt the secrets stored in this database: every instance on one ' +
        'database needs the same SCREENPOP_SECRET_KEY (without it, each uses its own DATA_DIR/secret.key). ' +
        'Start this instance with the key the others use.',
    );
  }
}
