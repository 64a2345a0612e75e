// The ContactStore contract: every implementation must pass these (run per database by store.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContactStore } from '../lookup/ports.ts';
import type { ContactInput } from '../lookup/types.ts';

const dana: ContactInput = {
  name: 'Dana Whitfield',
  company: 'Acme Logistics',
  email: 'Dana@Acme.example',
  tier: 'gold',
  tags: ['vip', 'west'],
  notes: 'prefers mornings',
  custom: { region: 'Midwest' },
  phones: [
    { raw: '(312) 555-0140', label: 'work' },
    { raw: '+44 20 7946 0958', label: 'london' },
  ],
  tickets: [{ id: 'T-1', title: 'Late delivery', status: 'open', url: null }],
  appointments: [{ at: 1_700_000_900_000, title: 'Quarterly review' }],
  externalId: 'crm-1',
  recordUrl: 'https://crm.example/c/1',
};

export function contactStoreContract(open: () => Promise<ContactStore>): void {
  test('create stores every field and normalizes phones to E.164', async () => {
    const store = await open();
    const created = await store.create(dana);
    assert.match(created.id, /^\d+$/);
    assert.equal(created.name, 'Dana Whitfield');
    assert.deepEqual(created.tags, ['vip', 'west']);
    assert.deepEqual(created.custom, { region: 'Midwest' });
    assert.deepEqual(created.phones, [
      { raw: '(312) 555-0140', e164: '+13125550140', label: 'work' },
      { raw: '+44 20 7946 0958', e164: '+442079460958', label: 'london' },
    ]);
    assert.deepEqual(created.tickets, dana.tickets);
    assert.deepEqual(created.appointments, dana.appointments);
    assert.equal(created.externalId, 'crm-1');
    assert.equal(created.recordUrl, 'https://crm.example/c/1');
    assert.ok(created.createdAt > 0);
    assert.deepEqual(await store.get(created.id), created);
  });

  test('get answers null for unknown and malformed ids', async () => {
    const store = await open();
    assert.equal(await store.get('999999'), null);
    assert.equal(await store.get('not-an-id'), null);
  });

  test('getMany keeps the order asked for and skips missing ids', async () => {
    const store = await open();
    const a = await store.create({ name: 'A' });
    const b = await store.create({ name: 'B' });
    const got = await store.getMany([b.id, '424242', 'x', a.id]);
    assert.deepEqual(
      got.map((c) => c.name),
      ['B', 'A'],
    );
    assert.deepEqual(await store.getMany([]), []);
  });

  test('getMany reads long id lists (more than one IN statement holds)', async () => {
    const store = await open();
    await store.upsertMany(Array.from({ length: 150 }, (_, i) => ({ name: `C${i}`, externalId: `e${i}` })));
    const all = await store.search({ limit: 200, offset: 0 });
    const ids = all.items.map((c) => c.id).reverse();
    const got = await store.getMany(ids);
    assert.deepEqual(
      got.map((c) => c.id),
      ids,
    );
  });

  test('findPhones matches on e164, national number and last digits', async () => {
    const store = await open();
    const c = await store.create(dana);
    const byE164 = await store.findPhones({ e164: '+13125550140', national: null, suffix: null });
    assert.deepEqual(byE164, [
      { contactId: c.id, e164: '+13125550140', national: '3125550140', suffix: '5550140' },
    ]);
    const byNational = await store.findPhones({ e164: null, national: '2079460958', suffix: null });
    assert.equal(byNational[0]?.e164, '+442079460958');
    const bySuffix = await store.findPhones({
      e164: '+19995550140',
      national: '9995550140',
      suffix: '5550140',
    });
    assert.deepEqual(
      bySuffix.map((h) => h.contactId),
      [c.id],
    );
    assert.deepEqual(await store.findPhones({ e164: null, national: null, suffix: null }), []);
  });

  test('findContactsByPhone answers the findPhones hits and each hit contact once', async () => {
    const store = await open();
    const c = await store.create(dana);
    const other = await store.create({ name: 'Other', phones: [{ raw: '(708) 555-0140' }] });
    await store.create({ name: 'Unrelated', phones: [{ raw: '(708) 555-0199' }] });
    const cases = [
      { e164: '+13125550140', national: null, suffix: null },
      { e164: null, national: '2079460958', suffix: null },
      { e164: '+19995550140', national: '9995550140', suffix: '5550140' },
      { e164: '+13125550140', national: '3125550140', suffix: '5550140' },
      { e164: '+16175550000', national: '6175550000', suffix: '5550000' },
    ];
    for (const keys of cases) {
      const hits = await store.findPhones(keys);
      const joined = await store.findContactsByPhone?.(keys);
      assert.ok(joined !== undefined, 'every store has the fast path');
      assert.deepEqual(joined.hits, hits);
      const ids = [...new Set(hits.map((h) => h.contactId))];
      assert.deepEqual(joined.contacts, await store.getMany(ids));
    }
    const both = await store.findContactsByPhone?.({ e164: null, national: null, suffix: '5550140' });
    assert.deepEqual(
      both?.contacts.map((x) => x.id),
      [c.id, other.id],
    );
    assert.deepEqual(await store.findContactsByPhone?.({ e164: null, national: null, suffix: null }), {
      hits: [],
      contacts: [],
    });
  });

  test('findContactsByPhone lists a contact with two matching phones once', async () => {
    const store = await open();
    const c = await store.create({
      name: 'Twice',
      phones: [{ raw: '(312) 555-0140' }, { raw: '(708) 555-0140' }],
    });
    const joined = await store.findContactsByPhone?.({ e164: null, national: null, suffix: '5550140' });
    assert.equal(joined?.hits.length, 2);
    assert.deepEqual(joined?.contacts, [await store.get(c.id)]);
  });

  test('update replaces fields and phones; unknown ids give null', async () => {
    const store = await open();
    const c = await store.create(dana);
    const updated = await store.update(c.id, { name: 'Dana W.', phones: [{ raw: '312-555-0199' }] });
    assert.equal(updated?.name, 'Dana W.');
    assert.equal(updated?.company, null);
    assert.equal(updated?.createdAt, c.createdAt);
    assert.deepEqual(await store.findPhones({ e164: '+13125550140', national: null, suffix: null }), []);
    assert.equal((await store.findPhones({ e164: '+13125550199', national: null, suffix: null })).length, 1);
    assert.equal(await store.update('999999', { name: 'x' }), null);
  });

  test('delete removes the contact and its phones', async () => {
    const store = await open();
    const c = await store.create(dana);
    assert.equal(await store.delete(c.id), true);
    assert.equal(await store.get(c.id), null);
    assert.deepEqual(await store.findPhones({ e164: '+13125550140', national: null, suffix: null }), []);
    assert.equal(await store.delete(c.id), false);
    assert.equal(await store.delete('nope'), false);
  });

  test('search matches name, company, email and phone digits, ignoring case, with paging', async () => {
    const store = await open();
    await store.create(dana);
    await store.create({ name: 'Ravi Patel', company: 'Northwind', phones: [{ raw: '415 555 0100' }] });
    await store.create({ name: 'Zoe Acker', email: 'zoe@example.org' });
    const names = async (text: string) =>
      (await store.search({ text, limit: 10, offset: 0 })).items.map((c) => c.name);
    assert.deepEqual(await names('dana'), ['Dana Whitfield']);
    assert.deepEqual(await names('NORTHWIND'), ['Ravi Patel']);
    assert.deepEqual(await names('example.org'), ['Zoe Acker']);
    assert.deepEqual(await names('555 0100'), ['Ravi Patel']);
    assert.deepEqual(await names('ack'), ['Zoe Acker']);
    assert.deepEqual(await names('zz%_'), []);
    const page = await store.search({ limit: 2, offset: 1 });
    assert.equal(page.total, 3);
    assert.deepEqual(
      page.items.map((c) => c.name),
      ['Ravi Patel', 'Zoe Acker'],
    );
  });

  test('upsertMany inserts, then leaves identical rows unchanged and updates changed ones', async () => {
    const store = await open();
    const rows: ContactInput[] = [
      dana,
      { name: 'Ravi Patel', email: 'ravi@northwind.example' },
      { name: 'No Keys', phones: [{ raw: '312 555 0177' }] },
    ];
    assert.deepEqual(await store.upsertMany(rows), { inserted: 3, updated: 0, unchanged: 0 });
    assert.deepEqual(await store.upsertMany(rows), { inserted: 0, updated: 0, unchanged: 3 });
    const changed = [
      { ...dana, tier: 'platinum' },
      { name: 'Ravi P.', email: 'RAVI@northwind.example' },
      rows[2]!,
    ];
    assert.deepEqual(await store.upsertMany(changed), { inserted: 0, updated: 2, unchanged: 1 });
    const page = await store.search({ limit: 10, offset: 0 });
    assert.equal(page.total, 3);
    assert.deepEqual(page.items.map((c) => c.name).sort(), ['Dana Whitfield', 'No Keys', 'Ravi P.']);
    const hits = await store.findPhones({ e164: '+13125550140', national: null, suffix: null });
    assert.equal(hits.length, 1);
  });

  test('upsertMany matches an external id first, and an email only when ids do not conflict', async () => {
    const store = await open();
    const manual = await store.create({ name: 'Dana', email: 'dana@acme.example' });
    assert.deepEqual(await store.upsertMany([dana]), { inserted: 0, updated: 1, unchanged: 0 });
    assert.equal((await store.get(manual.id))?.externalId, 'crm-1');
    const other = { ...dana, externalId: 'crm-2', name: 'Dana twin' };
    assert.deepEqual(await store.upsertMany([other]), { inserted: 1, updated: 0, unchanged: 0 });
  });

  test('upsertMany treats a repeated key within one batch as an update of the first', async () => {
    const store = await open();
    const result = await store.upsertMany([
      { name: 'First', externalId: 'x1' },
      { name: 'Second', externalId: 'x1' },
    ]);
    assert.deepEqual(result, { inserted: 1, updated: 1, unchanged: 0 });
    const page = await store.search({ limit: 10, offset: 0 });
    assert.deepEqual(
      page.items.map((c) => c.name),
      ['Second'],
    );
  });
}
