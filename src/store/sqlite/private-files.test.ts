// The data folder and the SQLite files (database, -wal, -shm) are private to screenpop's user (issue 13 item 11).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store.ts';
import { testPhone } from '../testing/targets.ts';

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

let root: string;
let umask: number;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'screenpop-modes-'));
  umask = process.umask(0o022); // the common default, under which files used to come out 0644 and folders 0755
});
after(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

test('a new data folder is 0700 and the database, its -wal and -shm files 0600', async () => {
  const dataDir = join(root, 'fresh', 'data');
  const store = await openStore({ databaseUrl: null, dataDir, phone: testPhone });
  try {
    await store.secrets.putSecret('k', 'v'); // the WAL has content while the store is open
    const file = join(dataDir, 'screenpop.db');
    assert.ok(existsSync(`${file}-wal`) && existsSync(`${file}-shm`));
    assert.deepEqual([dataDir, join(root, 'fresh'), file, `${file}-wal`, `${file}-shm`].map(mode), [
      '700',
      '700',
      '600',
      '600',
      '600',
    ]);
  } finally {
    await store.close();
  }
});

test('files an older start left readable by everyone are made 0600 when the store opens', async () => {
  const dataDir = join(root, 'older');
  await (await openStore({ databaseUrl: null, dataDir, phone: testPhone })).close();
  const file = join(dataDir, 'screenpop.db');
  chmodSync(file, 0o644);
  writeFileSync(`${file}-wal`, '', { mode: 0o644 }); // an empty WAL left behind, as after a crash
  const store = await openStore({ databaseUrl: null, dataDir, phone: testPhone });
  try {
    await store.secrets.putSecret('k', 'v');
    assert.deepEqual([file, `${file}-wal`, `${file}-shm`].map(mode), ['600', '600', '600']);
  } finally {
    await store.close();
  }
});
