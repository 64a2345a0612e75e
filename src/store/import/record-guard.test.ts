// The record guard against csv-parse itself: cut records keep the parser in step and later rows their lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { csvRecords } from './csv-records.ts';
import type { CsvRecord } from './csv-records.ts';
import { OVERSIZED_MARKER, RecordGuard, RecordLines, wasCut } from './record-guard.ts';

/** [file line, cells] of each record, cut cells shown as <CUT>; `size`-byte chunks, a `limit`-byte guard. */
async function records(text: string, limit: number, size = 3): Promise<[number, string[]][]> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    chunks.push(bytes.subarray(i, i + size));
  }
  const guarded = Readable.from(chunks).pipe(new RecordGuard(',', limit));
  const lines = new RecordLines();
  const out: [number, string[]][] = [];
  for await (const { record, info } of csvRecords(guarded, ',') as AsyncIterable<CsvRecord>) {
    const line = lines.lineOf(record, info.lines);
    out.push([line, wasCut(record) ? ['<CUT>'] : record]);
  }
  return out;
}

test('records under the limit pass unchanged, whatever the chunking', async () => {
  const text = 'a,b\n"x ""q"" y",2\n"multi\nline",3\n';
  for (const size of [1, 2, 5, 100]) {
    assert.deepEqual(await records(text, 100, size), [
      [1, ['a', 'b']],
      [2, ['x "q" y', '2']],
      [4, ['multi\nline', '3']],
    ]);
  }
});

test('an oversized line is cut and the next rows keep their lines', async () => {
  assert.deepEqual(await records(`a,b\n1,2\n${'x'.repeat(50)},y\n3,4\n`, 20), [
    [1, ['a', 'b']],
    [2, ['1', '2']],
    [3, ['<CUT>']],
    [4, ['3', '4']],
  ]);
});

test('a runaway quoted field over many lines is cut; the line breaks it lost are counted back', async () => {
  for (const size of [1, 3, 64]) {
    assert.deepEqual(await records(`a,b\n1,2\n"${'x\n'.repeat(30)}",y\n3,4\n`, 20, size), [
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [33, ['<CUT>']],
      [34, ['3', '4']],
    ]);
  }
});

test('cut next to an escaped quote, or inside a CRLF file, the parser stays in step', async () => {
  assert.deepEqual(await records(`a,b\n"q""${'x'.repeat(30)}""z",y\n3,4\n`, 10), [
    [1, ['a', 'b']],
    [2, ['<CUT>']],
    [3, ['3', '4']],
  ]);
  assert.deepEqual(await records(`a,b\n"${'x'.repeat(8)}""zzzzzzzz",y\n3,4\n`, 10), [
    [1, ['a', 'b']],
    [2, ['<CUT>']],
    [3, ['3', '4']],
  ]);
  const crlf = await records(`a,b\r\n1,2\r\n"${'x'.repeat(40)}",y\r\n3,4\r\n`, 20, 5);
  assert.deepEqual(crlf.at(-1), [4, ['3', '4']]);
  assert.ok(OVERSIZED_MARKER.includes('\u0000'), 'the marker cannot come from a UTF-8 text file');
});
