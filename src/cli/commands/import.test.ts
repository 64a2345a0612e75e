// `screenpop import contacts` end to end: the real bin (which starts the import again under its V8 flags),
// a CSV with a bad row, a SQLite file in a temporary data folder.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../store/store.ts';

const BIN = fileURLToPath(new URL('../../../bin/screenpop.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'screenpop-import-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, SCREENPOP_DATA_DIR: dir };
  delete env.DATABASE_URL; // the default SQLite file in the data folder
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

test('imports the good rows, names the bad one by line, and a re-run changes nothing', async () => {
  const csv = join(dir, 'contacts.csv');
  writeFileSync(
    csv,
    'Name,Company,Phone,Email\nAda Lovelace,Analytical,(312) 555-0140,ada@example.com\n,Nobody,(312) 555-0141,\n' +
      'Bob Babbage,Engines,+44 20 7946 0958,bob@example.com\n',
  );
  const first = await runCli(['import', 'contacts', csv]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^line 3: no name$/m);
  assert.match(first.stdout, /3 rows in [\d.]+ s: 2 inserted, 0 updated, 0 unchanged, 1 rejected/);
  const again = await runCli(['import', 'contacts', csv]);
  assert.match(again.stdout, /0 inserted, 0 updated, 2 unchanged, 1 rejected/);

  const store = await openStore({
    databaseUrl: null,
    dataDir: dir,
    phone: { defaultRegion: 'US', suffixDigits: 7 },
  });
  try {
    const page = await store.contacts.search({ text: '', limit: 10, offset: 0 });
    assert.deepEqual(page.items.map((c) => c.name).sort(), ['Ada Lovelace', 'Bob Babbage']);
  } finally {
    await store.close();
  }
});

test('a bad option is refused with exit code 1 and says why', async () => {
  const result = await runCli(['import', 'contacts', join(dir, 'x.csv'), '--batch', '0']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--batch: a positive whole number/);
});
