// A store screenpop cannot write is refused at start-up, with the reason and what to fix, instead of starting
// and failing every write later (issue 13). Real files and folders made read-only; real PostgreSQL read-only
// sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from './store.ts';
import { testPhone, withSchemaLock } from './testing/targets.ts';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, 'writable-child.ts');

/**
 * Root writes through any file mode, so as root the store is opened by a child process running as "nobody"
 * (uid 65534); otherwise by a child running as this user, whom the modes already stop.
 */
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

interface Outcome {
  readonly opened: boolean;
  readonly wrote?: boolean;
  readonly name?: string;
  readonly message?: string;
}

async function openAsUser(databaseUrl: string, dataDir: string): Promise<Outcome> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify({ databaseUrl, dataDir })],
    { ...asUser, cwd: process.cwd(), env: { ...process.env, NODE_ENV: 'test' } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Outcome;
}

/** A migrated database file in a folder of its own; the folder is removed after the test. */
async function migratedFile(t: { after(fn: () => void): void }): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'screenpop-ro-'));
  t.after(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'screenpop.db');
  await (await openStore({ databaseUrl: file, dataDir: dir, phone: testPhone })).close();
  return { dir, file };
}

test('control: the same file and folder, writable by the user, open and take a write', async (t) => {
  const { dir, file } = await migratedFile(t);
  chmodSync(dir, 0o777);
  chmodSync(file, 0o666);
  assert.deepEqual(await openAsUser(file, dir), { opened: true, wrote: true });
});

test('a read-only database file is refused at start-up, naming the file and what it needs', async (t) => {
  const { dir, file } = await migratedFile(t);
  chmodSync(dir, 0o777); // the -wal and -shm files could be made: only the database itself is read-only
  chmodSync(file, 0o444);
  const outcome = await openAsUser(file, dir);
  assert.equal(outcome.opened, false, JSON.stringify(outcome));
  assert.equal(outcome.name, 'StoreNotWritableError');
  assert.match(outcome.message ?? '', new RegExp(`the database ${file} cannot be written \\(.*readonly`));
  assert.match(outcome.message ?? '', /needs write access to the file and to its folder/);
});

test('a read-only folder (no -wal and -shm files possible) is refused the same way', async (t) => {
  const { dir, file } = await migratedFile(t);
  chmodSync(file, 0o666);
  chmodSync(dir, 0o555);
  const outcome = await openAsUser(file, dir);
  assert.equal(outcome.opened, false, JSON.stringify(outcome));
  assert.equal(outcome.name, 'StoreNotWritableError');
  assert.match(outcome.message ?? '', /cannot be written/);
});

test('a new database in a folder the user may not write is refused the same way', async (t) => {
  const { dir } = await migratedFile(t);
  chmodSync(dir, 0o555);
  const outcome = await openAsUser(join(dir, 'new.db'), dir);
  assert.equal(outcome.opened, false, JSON.stringify(outcome));
  assert.equal(outcome.name, 'StoreNotWritableError');
  assert.match(outcome.message ?? '', /new\.db cannot be written/);
});

const pgUrl = process.env.TEST_DATABASE_URL || undefined;

test(
  'a read-only PostgreSQL session is refused at start-up',
  { skip: pgUrl === undefined ? 'TEST_DATABASE_URL is not set' : false },
  async () => {
    const url = pgUrl ?? '';
    const schema = `sp_ro_${process.pid}_${Date.now().toString(36)}`;
    await withSchemaLock(url, 'shared', async () => {
      await (
        await openStore({ databaseUrl: url, dataDir: tmpdir(), phone: testPhone, pgSchema: schema })
      ).close();
    });
    try {
      // The same database through a session whose transactions are read-only (as on a standby).
      const readOnly = new URL(url);
      readOnly.searchParams.set('options', `-c search_path=${schema} -c default_transaction_read_only=on`);
      await withSchemaLock(url, 'shared', async () => {
        await assert.rejects(
          openStore({ databaseUrl: readOnly.href, dataDir: tmpdir(), phone: testPhone }),
          (error: unknown) =>
            error instanceof Error &&
            error.name === 'StoreNotWritableError' &&
            /the PostgreSQL database cannot be written \(.*read-only transaction/.test(error.message),
        );
      });
    } finally {
      await withSchemaLock(url, 'exclusive', (client) =>
        client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
      );
    }
  },
);
