// The bulk load's grouped inserts: the rows, ids and lookups they give are those of one-row upserts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../store.ts';
import type { Store } from '../store.ts';
import { testPhone } from '../testing/targets.ts';
import type { ContactInput } from '../../lookup/types.ts';
import { CONTACT_GROUP, PHONE_GROUP } from './bulk-insert.ts';

const dir = mkdtempSync(join(tmpdir(), 'screenpop-bulk-insert-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const clock = { now: () => 1_700_000_000_000 };

async function open(name: string): Promise<{ store: Store; file: string }> {
  const file = join(dir, `${name}.db`);
  return { store: await openStore({ databaseUrl: file, dataDir: dir, phone: testPhone, clock }), file };
}

/** Contact i: 0 to 3 phones, so groups of contacts and of phones both end mid-way; some fields empty. */
function contact(i: number): ContactInput {
  const phones = Array.from({ length: i % 4 }, (_, p) => ({
    raw: `(312) 5${String(p)}${String(i % 10)}-${String(1000 + i)}`,
    label: p === 0 ? 'work' : null,
  }));
  return {
    name: `Contact ${String(i)}`,
    company: i % 2 === 0 ? `Company ${String(i)}` : null,
    email: i % 3 === 0 ? null : `c${String(i)}@example.com`,
    tags: i % 5 === 0 ? ['vip', 'west'] : [],
    custom: i % 7 === 0 ? { Score: String(i) } : {},
    notes: i % 11 === 0 ? 'called twice' : null,
    externalId: i % 2 === 0 ? `crm-${String(i)}` : null,
    phones,
  };
}

function rows(file: string, sql: string): unknown[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

test('a bulk load stores the rows one-row upserts store: same ids, columns and phone rows', async () => {
  // Two batches, each past a whole number of groups, phones past PHONE_GROUP.
  const first = Array.from({ length: 2 * CONTACT_GROUP + 5 }, (_, i) => contact(i));
  const second = Array.from({ length: CONTACT_GROUP + 3 }, (_, i) => contact(first.length + i));
  assert.ok(first.reduce((n, c) => n + (c.phones?.length ?? 0), 0) > PHONE_GROUP);
  const bulk = await open('bulk');
  const plain = await open('plain');
  assert.equal(await bulk.store.contacts.beginBulkLoad(), true);
  await bulk.store.contacts.upsertMany(first);
  await bulk.store.contacts.upsertMany(second);
  await bulk.store.contacts.endBulkLoad();
  await plain.store.contacts.upsertMany(first);
  await plain.store.contacts.upsertMany(second);
  await bulk.store.close();
  await plain.store.close();
  for (const sql of [
    'SELECT * FROM contacts ORDER BY id',
    'SELECT * FROM contact_phones ORDER BY id',
    "SELECT seq FROM sqlite_sequence WHERE name IN ('contacts', 'contact_phones') ORDER BY name",
  ]) {
    assert.deepEqual(rows(bulk.file, sql), rows(plain.file, sql), sql);
  }
  assert.equal(rows(bulk.file, 'SELECT id FROM contacts').length, first.length + second.length);
});

test('bulk-loaded ids come after every id handed out before, even of contacts since deleted', async () => {
  const { store, file } = await open('after-delete');
  await store.contacts.upsertMany([contact(1), contact(2), contact(3)]);
  for (const item of (await store.contacts.search({ limit: 10, offset: 0 })).items) {
    await store.contacts.delete(item.id);
  }
  assert.equal(await store.contacts.beginBulkLoad(), true);
  await store.contacts.upsertMany(Array.from({ length: CONTACT_GROUP + 1 }, (_, i) => contact(10 + i)));
  await store.contacts.endBulkLoad();
  await store.close();
  const ids = rows(file, 'SELECT id FROM contacts ORDER BY id').map((r) => (r as { id: number }).id);
  assert.deepEqual(
    ids,
    Array.from({ length: CONTACT_GROUP + 1 }, (_, i) => 4 + i),
  );
});

test('a caller is found by a number bulk-loaded while the lookup index was already loaded', async () => {
  const { store } = await open('lookup');
  // contact(37) has one phone: (312) 507-1037.
  const keys = { e164: '+13125071037', national: '3125071037', suffix: '5071037' };
  // An eager store has its lookup index loaded, so each phone written must be added to it as it is written.
  assert.deepEqual(await store.contacts.findPhones(keys), []);
  assert.equal(await store.contacts.beginBulkLoad(), true);
  const loaded = Array.from({ length: CONTACT_GROUP + 9 }, (_, i) => contact(i));
  await store.contacts.upsertMany(loaded);
  await store.contacts.endBulkLoad();
  const hits = await store.contacts.findPhones(keys);
  assert.equal(hits.length, 1);
  assert.equal((await store.contacts.get(hits[0]?.contactId ?? ''))?.name, 'Contact 37');
  await store.close();
});
