import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { storeTargets } from '../testing/targets.ts';
import { importContactsCsv } from './csv-import.ts';
import { importContactsVcard } from './vcard-import.ts';

/** The text as a stream of small chunks, so records straddle chunk boundaries. */
function chunked(text: string, size = 7): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    chunks.push(bytes.subarray(i, i + size));
  }
  return Readable.from(chunks);
}

const csv = [
  'Full Name,Organization,Email,Work Phone,Mobile,Tier,Tags,Notes,ID,URL,Shoe Size',
  'Dana Whitfield,Acme,dana@acme.example,(312) 555-0140,+44 20 7946 0958,gold,"vip; west","line one',
  'line two",crm-1,https://crm.example/1,42',
  ',Nameless Inc,,312 555 0100,,,,,crm-2,,',
  'Ravi Patel,Northwind,not-an-email,,,,,,crm-3,,',
  'Zoe Acker,,zoe@example.org,,,,,,,,',
  ',,,,,,,,,,',
  'Dana Again,Acme,,,,,,,crm-1,,',
  'Eli Moss,,,abc,,,,,crm-4,,',
].join('\n');

for (const target of storeTargets()) {
  describe(`contact import on ${target.name}`, { skip: target.skip }, () => {
    after(() => target.cleanup());

    test('imports good rows, maps the headers, and reports each bad row by line', async () => {
      const store = await target.open();
      const report = await importContactsCsv(chunked(csv), store.contacts, { batchSize: 2 });
      assert.deepEqual(
        { ...report, seconds: 0 },
        {
          rows: 6,
          inserted: 2,
          updated: 0,
          unchanged: 0,
          rejected: 4,
          rejections: [
            { line: 4, reason: 'no name' },
            { line: 5, reason: 'bad email' },
            { line: 8, reason: 'same external id as line 3' },
            { line: 9, reason: 'bad phone number' },
          ],
          seconds: 0,
        },
      );
      const [dana] = (await store.contacts.search({ text: 'dana', limit: 5, offset: 0 })).items;
      assert.equal(dana?.company, 'Acme');
      assert.equal(dana?.email, 'dana@acme.example');
      assert.deepEqual(dana?.phones, [
        { raw: '(312) 555-0140', e164: '+13125550140', label: 'work' },
        { raw: '+44 20 7946 0958', e164: '+442079460958', label: 'mobile' },
      ]);
      assert.deepEqual(dana?.tags, ['vip', 'west']);
      assert.equal(dana?.notes, 'line one\nline two');
      assert.equal(dana?.externalId, 'crm-1');
      assert.equal(dana?.recordUrl, 'https://crm.example/1');
      assert.deepEqual(dana?.custom, { 'Shoe Size': '42' });
    });

    test('re-running the same file changes nothing', async () => {
      const store = await target.open();
      await importContactsCsv(chunked(csv), store.contacts);
      const again = await importContactsCsv(chunked(csv), store.contacts);
      assert.deepEqual([again.inserted, again.updated, again.unchanged, again.rejected], [0, 0, 2, 4]);
    });

    test('parsing in a worker thread gives the same report, and fails cleanly on a broken input', async () => {
      const store = await target.open();
      const parallel = await importContactsCsv(chunked(csv), store.contacts, { worker: true, batchSize: 2 });
      assert.deepEqual([parallel.inserted, parallel.rejected], [2, 4]);
      assert.deepEqual(
        parallel.rejections.map((r) => r.line),
        [4, 5, 8, 9],
      );
      async function* broken(): AsyncGenerator<Buffer> {
        yield Buffer.from(csv);
        throw new Error('disk on fire');
      }
      await assert.rejects(importContactsCsv(broken(), store.contacts, { worker: true }), /disk on fire/);
      const again = await importContactsCsv(chunked(csv), store.contacts, { worker: true });
      assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 2]);
    });

    test('a file that cannot be read fails the import and leaves the store usable', async () => {
      const store = await target.open();
      async function* broken(): AsyncGenerator<Buffer> {
        yield Buffer.from('Name,Phone\nDana,312 555 0140\n');
        throw new Error('disk on fire');
      }
      await assert.rejects(importContactsCsv(broken(), store.contacts), /disk on fire/);
      const report = await importContactsCsv(chunked(csv), store.contacts);
      assert.equal(report.rejected, 4);
      assert.equal(
        (await store.contacts.findPhones({ e164: '+13125550140', national: null, suffix: null })).length,
        1,
      );
    });

    test('a changed row is updated by external id, else by email', async () => {
      const store = await target.open();
      await importContactsCsv(chunked(csv), store.contacts);
      const edited = 'Name,ID,Email,Tier\nDana Whitfield,crm-1,,platinum\nZoe A.,,ZOE@example.org,\n';
      const report = await importContactsCsv(chunked(edited), store.contacts);
      assert.deepEqual([report.inserted, report.updated, report.unchanged], [0, 2, 0]);
      const names = (await store.contacts.search({ limit: 10, offset: 0 })).items.map((c) => c.name);
      assert.deepEqual(names, ['Dana Whitfield', 'Zoe A.']);
    });

    test('first and last name columns make the name; --map renames columns', async () => {
      const store = await target.open();
      const text = 'First,Last,Org,Digits\nAda,Lovelace,Analytical,312 555 0111\n';
      const report = await importContactsCsv(chunked(text), store.contacts, {
        map: 'Org=company,Digits=phone:desk',
      });
      assert.equal(report.inserted, 1);
      const [ada] = (await store.contacts.search({ limit: 1, offset: 0 })).items;
      assert.equal(ada?.name, 'Ada Lovelace');
      assert.equal(ada?.company, 'Analytical');
      assert.deepEqual(ada?.phones, [{ raw: '312 555 0111', e164: '+13125550111', label: 'desk' }]);
    });

    test('an empty file is an error, a header alone imports nothing', async () => {
      const store = await target.open();
      await assert.rejects(importContactsCsv(chunked(''), store.contacts), /empty/);
      const report = await importContactsCsv(chunked('Name,Email\n'), store.contacts);
      assert.equal(report.rows, 0);
    });

    test('vCard files import through the same rules', async () => {
      const store = await target.open();
      const vcf = [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Dana Whitfield',
        'N:Whitfield;Dana;;;',
        'ORG:Acme;Logistics',
        'EMAIL;TYPE=work:dana@acme.example',
        'TEL;TYPE=work,voice:(312) 555-0140',
        'item1.TEL;TYPE=cell:+44 20 7946 0958',
        'NOTE:likes long',
        '  notes\\, really',
        'UID:crm-1',
        'END:VCARD',
        'BEGIN:VCARD',
        'VERSION:4.0',
        'EMAIL:nobody@example.org',
        'END:VCARD',
        'BEGIN:VCARD',
        'N:Patel;Ravi;;;',
        'TEL;VALUE=uri:tel:+1-415-555-0100',
        'END:VCARD',
      ].join('\r\n');
      const report = await importContactsVcard(chunked(vcf), store.contacts);
      assert.deepEqual([report.inserted, report.rejected], [2, 1]);
      assert.deepEqual(report.rejections, [{ line: 13, reason: 'no name' }]);
      const dana = (await store.contacts.search({ text: 'dana', limit: 1, offset: 0 })).items[0];
      assert.equal(dana?.company, 'Acme');
      assert.equal(dana?.notes, 'likes long notes, really');
      assert.deepEqual(
        dana?.phones.map((p) => [p.e164, p.label]),
        [
          ['+13125550140', 'work'],
          ['+442079460958', 'cell'],
        ],
      );
      const ravi = (await store.contacts.search({ text: 'ravi', limit: 1, offset: 0 })).items[0];
      assert.equal(ravi?.phones[0]?.e164, '+14155550100');
    });
  });
}
