// Runs every store contract once per database (see testing/targets.ts), plus openStore's own behaviour.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { contactStoreContract } from './contact-store.contract.ts';
import { callLogStoreContract } from './call-log-store.contract.ts';
import { smallStoresContract } from './small-stores.contract.ts';
import { auditStoresContract } from './audit-stores.contract.ts';
import { webhookStoreContract } from './webhook-store.contract.ts';
import { storeTargets, testPhone } from './testing/targets.ts';
import { openStore, sqliteFile } from './store.ts';

for (const target of storeTargets()) {
  describe(`store on ${target.name}`, { skip: target.skip }, () => {
    after(() => target.cleanup());
    describe('ContactStore', () => contactStoreContract(async () => (await target.open()).contacts));
    describe('CallLogStore', () =>
      callLogStoreContract(
        async () => (await target.open()).callLog,
        () => target.open(),
      ));
    describe('small stores', () => smallStoresContract(() => target.open()));
    describe('note revisions and audit log', () => auditStoresContract(() => target.open()));
    describe('OutboxStore (webhooks)', () =>
      webhookStoreContract(async () => (await target.open()).webhooks));
  });
}

describe('openStore', () => {
  test('defaults to DATA_DIR/screenpop.db and accepts sqlite: and file: URLs', () => {
    assert.equal(sqliteFile(null, '/data'), '/data/screenpop.db');
    assert.equal(sqliteFile('sqlite:/tmp/x.db', '/data'), '/tmp/x.db');
    assert.equal(sqliteFile('file:///tmp/x.db', '/data'), '/tmp/x.db');
    assert.equal(sqliteFile('./x.db', '/data'), './x.db');
  });

  test('creates the data folder, and reopening keeps the data (migrations run once)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'screenpop-open-'));
    try {
      const options = { databaseUrl: null, dataDir: join(dir, 'nested'), phone: testPhone };
      const first = await openStore(options);
      await first.secrets.putSecret('k', 'v');
      await first.close();
      const second = await openStore(options);
      assert.equal(await second.secrets.getSecret('k'), 'v');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SQLite bulk load: only into an empty store, indexes back at the end or on the next open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'screenpop-bulk-'));
    const options = { databaseUrl: join(dir, 'bulk.db'), dataDir: dir, phone: testPhone };
    const indexes = (file: string): unknown => {
      const db = new BetterSqlite3(file, { readonly: true });
      try {
        return db
          .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact_phones'")
          .pluck()
          .get();
      } finally {
        db.close();
      }
    };
    try {
      const store = await openStore(options);
      const before = indexes(options.databaseUrl);
      assert.equal(await store.contacts.beginBulkLoad(), true);
      assert.equal(indexes(options.databaseUrl), 0);
      await store.contacts.upsertMany([{ name: 'A', phones: [{ raw: '312 555 0140' }] }]);
      await store.contacts.endBulkLoad();
      assert.equal(indexes(options.databaseUrl), before);
      assert.equal(
        (await store.contacts.findPhones({ e164: '+13125550140', national: null, suffix: null })).length,
        1,
      );
      assert.equal(await store.contacts.beginBulkLoad(), false);
      await store.contacts.delete((await store.contacts.search({ limit: 1, offset: 0 })).items[0]?.id ?? '');
      assert.equal(await store.contacts.beginBulkLoad(), true);
      await store.close(); // "crashed" before endBulkLoad
      const reopened = await openStore(options);
      assert.equal(indexes(options.databaseUrl), before);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
