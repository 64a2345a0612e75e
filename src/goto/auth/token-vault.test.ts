import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTokenVault, VaultError } from './token-vault.ts';
import type { TokenVault } from './token-vault.ts';
import { FileSecretStore } from '../testing/file-secret-store.ts';
import { openStore } from '../../store/store.ts';
import type { StoredTokens } from '../ports.ts';

const tokens: StoredTokens = {
  accessToken: 'access-abc',
  refreshToken: 'refresh-def',
  expiresAt: 1_800_000_000_000,
  scope: 'users.v1.lines.read',
  principal: 'priya.castellano@northgate-appliance.example',
};

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'screenpop-vault-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const randomKey = (): string => randomBytes(32).toString('base64');

/** A temp dir with a file secret store in it, and a vault over that store under a fresh random key. */
async function tempVault(t: { after: (fn: () => Promise<void>) => void }): Promise<{
  dir: string;
  store: FileSecretStore;
  vault: TokenVault;
}> {
  const dir = await tempDir(t);
  const store = new FileSecretStore(join(dir, 'secrets.json'));
  const vault = await createTokenVault({ store, secretKey: randomKey(), dataDir: dir });
  return { dir, store, vault };
}

test('tokens round-trip through the store and are never stored in clear', async (t) => {
  const { dir, vault } = await tempVault(t);
  await vault.save('account', tokens);
  assert.deepEqual(await vault.load('account'), tokens);
  const raw = await readFile(join(dir, 'secrets.json'), 'utf8');
  assert.ok(!raw.includes('access-abc') && !raw.includes('refresh-def') && !raw.includes('priya'));
  await vault.remove('account');
  assert.equal(await vault.load('account'), null);
});

test('each save uses a fresh IV', async (t) => {
  const { store, vault } = await tempVault(t);
  await vault.save('a', tokens);
  const first = await store.getSecret('goto-tokens:a');
  await vault.save('a', tokens);
  assert.notEqual(await store.getSecret('goto-tokens:a'), first);
});

test('without a configured key a 0600 key file is generated and reused after a restart', async (t) => {
  const dir = await tempDir(t);
  const store = new FileSecretStore(join(dir, 'secrets.json'));
  await (await createTokenVault({ store, secretKey: null, dataDir: join(dir, 'data') })).save('a', tokens);
  const info = await stat(join(dir, 'data', 'secret.key'));
  assert.equal(info.mode & 0o777, 0o600);
  const again = await createTokenVault({ store, secretKey: null, dataDir: join(dir, 'data') });
  assert.deepEqual(await again.load('a'), tokens);
});

test('a wrong key is a clear error, not garbage', async (t) => {
  const { dir, store, vault } = await tempVault(t);
  await vault.save('a', tokens);
  const other = await createTokenVault({ store, secretKey: randomKey(), dataDir: dir });
  await assert.rejects(
    other.load('a'),
    (e: unknown) => e instanceof VaultError && /cannot be decrypted/.test(e.message),
  );
});

test('a key of the wrong length is refused at start', async (t) => {
  const dir = await tempDir(t);
  const store = new FileSecretStore(join(dir, 'secrets.json'));
  await assert.rejects(
    createTokenVault({ store, secretKey: randomBytes(16).toString('base64'), dataDir: dir }),
    /exactly 32 bytes/,
  );
});

test('a blob moved to another record does not decrypt (the record key is authenticated)', async (t) => {
  const { store, vault } = await tempVault(t);
  await vault.save('a', tokens);
  await store.putSecret('goto-tokens:b', (await store.getSecret('goto-tokens:a'))!);
  await assert.rejects(vault.load('b'), VaultError);
});

test('over the real SQLite store: tokens survive a restart and the database file holds no token in clear', async (t) => {
  const dir = await tempDir(t);
  const secretKey = randomBytes(32).toString('base64');
  const options = {
    databaseUrl: null,
    dataDir: dir,
    phone: { defaultRegion: 'US' as const, suffixDigits: 7 },
  };
  const first = await openStore(options);
  await (await createTokenVault({ store: first.secrets, secretKey, dataDir: dir })).save('account', tokens);
  await first.close();
  const second = await openStore(options);
  t.after(() => second.close());
  assert.deepEqual(
    await (await createTokenVault({ store: second.secrets, secretKey, dataDir: dir })).load('account'),
    tokens,
  );
  const files = (await readdir(dir)).filter((f) => f.startsWith('screenpop.db'));
  for (const file of files) {
    const bytes = await readFile(join(dir, file));
    assert.equal(bytes.includes('access-abc'), false, `${file} holds the access token in clear`);
    assert.equal(bytes.includes('refresh-def'), false, `${file} holds the refresh token in clear`);
  }
});

test('verifyKey: a second instance with another key fails at start with a clear error naming the variable', async (t) => {
  const dir = await tempDir(t);
  const store = new FileSecretStore(join(dir, 'secrets.json'));
  const key = randomKey();
  await createTokenVault({ store, secretKey: key, dataDir: dir, verifyKey: true });
  await createTokenVault({ store, secretKey: key, dataDir: dir, verifyKey: true }); // same key: fine
  await assert.rejects(
    createTokenVault({ store, secretKey: randomKey(), dataDir: dir, verifyKey: true }),
    (e: unknown) => e instanceof VaultError && /same SCREENPOP_SECRET_KEY/.test(e.message),
  );
});
