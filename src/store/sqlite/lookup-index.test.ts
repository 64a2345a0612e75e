// The lookup index must never say "nobody" for a number the database can match, nor name one contact where
// the query would find others: not after this connection's writes, not after another connection's (the
// import CLI on the same file), not after ids are reused. Its answers must equal the query's exactly.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { fromE164 } from '../../lookup/e164-keys.ts';
import { phoneKeys } from '../../lookup/matcher.ts';
import { migrationProvider } from '../migrations.ts';
import { openStore } from '../store.ts';
import type { Store } from '../store.ts';
import type { PhoneKeys, PhoneMatches } from '../../lookup/ports.ts';
import type { ContactInput } from '../../lookup/types.ts';
import { testPhone } from '../testing/targets.ts';
import { LookupIndex, NOBODY, SEVERAL } from './lookup-index.ts';
import { seededRandom as random } from '../../util/seeded-random.ts';

const dir = mkdtempSync(join(tmpdir(), 'screenpop-lookup-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const opened: Store[] = [];
after(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

async function open(file: string, suffixDigits: number = testPhone.suffixDigits): Promise<Store> {
  const store = await openStore({ databaseUrl: file, dataDir: dir, phone: { ...testPhone, suffixDigits } });
  opened.push(store);
  return store;
}

/** Two connections on one new file, like the server and `screenpop import`. */
async function pair(): Promise<{ file: string; server: Store; importer: Store }> {
  const file = join(dir, `index-${++files}.db`);
  const server = await open(file);
  return { file, server, importer: await open(file) };
}

/** The contact names a lookup of this E.164 number finds (the suffix plan, which the index guards). */
async function names(
  store: Store,
  e164: string,
  suffixDigits: number = testPhone.suffixDigits,
): Promise<string[]> {
  const keys = phoneKeys(fromE164(e164, e164, suffixDigits)!);
  const found = await store.contacts.findContactsByPhone!(keys);
  assert.deepEqual(found, await byQuery(store, keys), e164);
  return found.contacts.map((c) => c.name);
}

/** What the phone query alone finds (findPhones reads contact_phones by suffix whenever anyone holds it). */
async function byQuery(store: Store, keys: PhoneKeys): Promise<PhoneMatches> {
  const hits = await store.contacts.findPhones(keys);
  return { hits, contacts: await store.contacts.getMany([...new Set(hits.map((h) => h.contactId))]) };
}

/** Longer than the index's 50 ms freshness window for other connections' writes. */
const nextWindow = () => sleep(60);

describe('SQLite lookup index', () => {
  test("this connection's writes are found at once; numbers nobody holds find nothing", async () => {
    const { server } = await pair();
    assert.deepEqual(await names(server, '+13125550140'), []);
    await server.contacts.create({ name: 'Ada', phones: [{ raw: '(312) 555-0140' }] });
    assert.deepEqual(await names(server, '+13125550140'), ['Ada']);
    assert.deepEqual(await names(server, '+14155550140'), ['Ada'], 'same last 7 digits');
    assert.deepEqual(await names(server, '+13125550141'), []);
    const contact = await server.contacts.create({ name: 'Bob', phones: [{ raw: '(312) 555-0199' }] });
    await server.contacts.update(contact.id, { name: 'Bob', phones: [{ raw: '(312) 555-0177' }] });
    assert.deepEqual(await names(server, '+13125550177'), ['Bob']);
    assert.deepEqual(await names(server, '+13125550199'), [], 'a replaced number leaves a "maybe" only');
  });

  test("another connection's contacts, upserts and deletes are seen within the freshness window", async () => {
    const { server, importer } = await pair();
    assert.deepEqual(await names(server, '+13125550140'), []); // the index has said "nobody" once
    await importer.contacts.upsertMany([
      { name: 'Ada', externalId: 'a', phones: [{ raw: '(312) 555-0140' }] },
      { name: 'Bob', externalId: 'b', phones: [{ raw: '(312) 555-0150' }] },
    ]);
    await nextWindow();
    assert.deepEqual(await names(server, '+13125550140'), ['Ada']);
    await importer.contacts.upsertMany([
      { name: 'Ada', externalId: 'a', phones: [{ raw: '(312) 555-0160' }] },
    ]);
    await nextWindow();
    assert.deepEqual(await names(server, '+13125550160'), ['Ada']);
    assert.deepEqual(await names(server, '+13125550140'), []);
    const bob = (await server.contacts.search({ text: 'Bob', limit: 5, offset: 0 })).items[0]!;
    await importer.contacts.delete(bob.id);
    await nextWindow();
    assert.deepEqual(await names(server, '+13125550150'), []);
  });

  test('phone ids are never reused, so a replaced newest contact is caught up too', async () => {
    const { file, server, importer } = await pair();
    await importer.contacts.upsertMany([
      { name: 'Old', externalId: 'x', phones: [{ raw: '(312) 555-0100' }] },
    ]);
    await nextWindow();
    assert.deepEqual(await names(server, '+13125550100'), ['Old']);
    // Replacing the newest contact's phones deletes the highest id: a plain rowid table hands it out again,
    // and a catch-up from "ids above the last one seen" would miss the new number.
    await importer.contacts.upsertMany([
      { name: 'Old', externalId: 'x', phones: [{ raw: '(312) 555-0199' }] },
    ]);
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT id FROM contact_phones').pluck().all(), [2]);
    } finally {
      db.close();
    }
    await nextWindow();
    assert.deepEqual(await names(server, '+13125550199'), ['Old']);
  });

  test("another connection's pins are seen within the window; this connection's at once", async () => {
    const { server, importer } = await pair();
    const ada = await server.contacts.create({ name: 'Ada', phones: [{ raw: '(312) 555-0140' }] });
    assert.equal(await server.pins.getPin('+14155550000'), null);
    await importer.pins.setPin('+14155550000', ada.id, 'agent-2');
    await nextWindow();
    assert.equal((await server.pins.getPin('+14155550000'))?.contactId, ada.id);
    await server.pins.setPin('+16175550000', ada.id, 'agent-1');
    assert.equal((await server.pins.getPin('+16175550000'))?.by, 'agent-1');
    await server.pins.clearPin('+16175550000');
    assert.equal(await server.pins.getPin('+16175550000'), null);
  });

  test('a store opened for writing only (an import) builds its index at its first lookup', async () => {
    const file = join(dir, `index-${++files}.db`);
    const writer = await openStore({ databaseUrl: file, dataDir: dir, phone: testPhone, lookups: false });
    opened.push(writer);
    const ada = await writer.contacts.create({ name: 'Ada', phones: [{ raw: '(312) 555-0140' }] });
    await writer.pins.setPin('+14155550000', ada.id, 'agent-1');
    assert.deepEqual(await names(writer, '+13125550140'), ['Ada']);
    assert.equal((await writer.pins.getPin('+14155550000'))?.contactId, ada.id);
    await writer.contacts.create({ name: 'Bob', phones: [{ raw: '(312) 555-0150' }] });
    assert.deepEqual(await names(writer, '+13125550150'), ['Bob'], 'written after the index was built');
  });

  test('a catch-up of many phones reads two chunks a lookup, asking the database until it is done', async () => {
    const { file, importer } = await pair();
    const many = (from: number, count: number): ContactInput[] =>
      Array.from({ length: count }, (_, i) => ({
        name: `P${from + i}`,
        externalId: `p${from + i}`,
        phones: [{ raw: `(312) 555-${String(1000 + from + i)}` }],
      }));
    await importer.contacts.upsertMany(many(0, 3));
    const sqlite = new BetterSqlite3(file);
    after(() => sqlite.close());
    const index = new LookupIndex(sqlite, { chunkRows: 2, freshnessMs: 0 });
    assert.ok(index.suffixOwner('5551002') > 0, 'the load reads every chunk');
    await importer.contacts.upsertMany(many(3, 9)); // 9 phones: two lookups read 4 each, the third 1
    const answers = Array.from({ length: 3 }, () => index.suffixOwner('5551011'));
    assert.deepEqual(answers.slice(0, 2), [SEVERAL, SEVERAL]);
    assert.ok(answers[2]! > 0, `caught up at the third lookup: ${answers.join(', ')}`);
    assert.equal(index.suffixOwner('5559999'), NOBODY);
  });

  test('loaded in the background: one chunk a turn, every lookup asks the database until the last chunk', async () => {
    const { file, importer } = await pair();
    await importer.contacts.upsertMany(
      Array.from({ length: 9 }, (_, i) => ({
        name: `W${i}`,
        externalId: `w${i}`,
        phones: [{ raw: `(312) 555-${String(2000 + i)}` }],
      })),
    );
    const sqlite = new BetterSqlite3(file);
    after(() => sqlite.close());
    const index = new LookupIndex(sqlite, { chunkRows: 2, freshnessMs: 0, background: true });
    assert.equal(index.ready, false, 'the constructor reads no chunk');
    assert.equal(index.suffixOwner('5552008'), SEVERAL, 'not loaded yet: the database is asked');
    assert.equal(index.suffixOwner('5559999'), SEVERAL, 'never "nobody" before the load is done');
    let turns = 0;
    while (!index.ready && turns < 100) {
      await new Promise((resolve) => setImmediate(resolve));
      turns += 1;
    }
    assert.equal(turns, 5, 'one chunk per turn');
    assert.ok(index.suffixOwner('5552008') > 0);
    assert.equal(index.suffixOwner('5559999'), NOBODY);
  });

  test('suffixes longer than the 9 digits the index keys on still match only what they should', async () => {
    const store = await open(join(dir, `index-${++files}.db`), 10);
    // 10-digit suffixes 3125550140 and 4125550140 share the index key 125550140.
    await store.contacts.create({ name: 'Chicago', phones: [{ raw: '(312) 555-0140' }] });
    assert.deepEqual(await names(store, '+13125550140', 10), ['Chicago']);
    assert.deepEqual(await names(store, '+14125550140', 10), []);
    await store.contacts.create({ name: 'Pittsburgh', phones: [{ raw: '(412) 555-0140' }] });
    assert.deepEqual(await names(store, '+14125550140', 10), ['Pittsburgh']);
    assert.deepEqual(await names(store, '+13125550140', 10), ['Chicago']);
    const long = await open(join(dir, `index-${++files}.db`), 12);
    await long.contacts.create({ name: 'London', phones: [{ raw: '+44 20 7946 0958' }] });
    assert.deepEqual(await names(long, '+442079460958', 12), ['London']);
    assert.deepEqual(await names(long, '+442079460959', 12), []);
  });

  test('the index answers exactly what the query does, over random contacts, updates and deletes', async () => {
    const { server, importer } = await pair();
    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    // Few lines and areas, so suffixes are shared; short, invalid and foreign numbers take the query's path.
    const lines = ['0140', '0141', '0199', '2368', '4410', '7001', '8123', '9999'];
    const exchanges = ['555', '556', '557', '558', '559', '201', '202', '203'];
    const areas = ['312', '415', '708'];
    const number = (): string =>
      pick([
        () => `(${pick(areas)}) ${pick(exchanges)}-${pick(lines)}`,
        () => `+1 ${pick(areas)} ${pick(exchanges)} ${pick(lines)}`,
        () => `(${pick(areas)}) ${pick(exchanges)}-${pick(lines)}`,
        () => `${pick(exchanges)}-${pick(lines)}`, // no area code: suffix from the raw digits
        () => `+44 20 7946 ${pick(lines)}`,
        () => `+290 ${pick(lines)}`, // St Helena: a 4-digit national number
        () => `(999) ${pick(exchanges)}-${pick(lines)}`, // not a valid NANP area code: no E.164
      ])();
    const contact = (i: number): ContactInput => ({
      name: `C${i}`,
      externalId: `x${i}`,
      phones: Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ raw: number() })),
    });
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const writer = next() < 0.5 ? server : importer;
      const roll = next();
      if (roll < 0.6 || ids.length === 0) {
        await writer.contacts.upsertMany([contact(i)]);
        const found = await writer.contacts.search({ text: `C${i}`, limit: 1, offset: 0 });
        ids.push(found.items[0]!.id);
      } else if (roll < 0.85) {
        await writer.contacts.update(pick(ids), contact(i));
      } else {
        await writer.contacts.delete(pick(ids));
      }
    }
    await nextWindow();
    const asked = new Set<string>();
    for (const area of [...areas, '617']) {
      for (const exchange of exchanges) {
        for (const line of [...lines, '0000']) {
          asked.add(`+1${area}${exchange}${line}`);
        }
      }
    }
    for (const line of lines) {
      asked.add(`+44207946${line}`);
    }
    let matched = 0;
    for (const e164 of asked) {
      const keys = phoneKeys(fromE164(e164, e164, testPhone.suffixDigits)!);
      const found = await server.contacts.findContactsByPhone!(keys);
      assert.deepEqual(found, await byQuery(server, keys), e164);
      matched += found.contacts.length === 0 ? 0 : 1;
    }
    assert.ok(matched > asked.size / 3, `most numbers should match someone (${matched} of ${asked.size})`);
  });

  test('migration 0005 keeps every phone, its id and the indexes of a database made before it', async () => {
    const file = join(dir, `index-${++files}.db`);
    const sqlite = new BetterSqlite3(file);
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    const migrated = await new Migrator({ db, provider: migrationProvider('sqlite') }).migrateTo(
      '0004_contacts_by_name',
    );
    assert.equal(migrated.error, undefined);
    sqlite.exec(`
      INSERT INTO contacts (id, name, tags, custom, phones, tickets, appointments, content_hash, created_at, updated_at)
      VALUES (7, 'Ada', '[]', '{}', '[{"raw":"(312) 555-0140","e164":"+13125550140","label":null}]', '[]', '[]', 'h', 0, 0);
      INSERT INTO contact_phones (id, contact_id, position, raw, e164, national, suffix, label)
      VALUES (41, 7, 0, '(312) 555-0140', '+13125550140', '3125550140', '5550140', NULL);
    `);
    const indexesBefore = sqlite
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact_phones' ORDER BY name",
      )
      .pluck()
      .all();
    await db.destroy();

    const store = await open(file);
    assert.deepEqual(await names(store, '+13125550140'), ['Ada']);
    const ada = await store.contacts.create({ name: 'Bea', phones: [{ raw: '(312) 555-0141' }] });
    assert.equal(ada.id, '8');
    const check = new BetterSqlite3(file, { readonly: true });
    try {
      assert.deepEqual(check.prepare('SELECT id FROM contact_phones ORDER BY id').pluck().all(), [41, 42]);
      assert.match(
        check.prepare("SELECT sql FROM sqlite_master WHERE name = 'contact_phones'").pluck().get() as string,
        /AUTOINCREMENT/,
      );
      assert.deepEqual(
        check
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact_phones' ORDER BY name",
          )
          .pluck()
          .all(),
        indexesBefore,
      );
    } finally {
      check.close();
    }
  });
});
