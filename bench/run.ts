// npm run bench [-- filter]: runs every known bench case file's cases and prints one table.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatTable, runCase } from './harness.ts';
import type { BenchCase, BenchResult } from './harness.ts';

/** Case files, each `export const cases: BenchCase[]`. Listed here on purpose; a missing file is skipped. */
const CASE_FILES = ['calls.ts', 'lookup.ts', 'import.ts'];

async function load(file: string): Promise<BenchCase[]> {
  const url = new URL(`./${file}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    console.error(`bench: ${file} does not exist yet, skipped`);
    return [];
  }
  const module: { cases?: BenchCase[] } = await import(url.href);
  if (!Array.isArray(module.cases)) {
    console.error(`bench: ${file} exports no \`cases\` array, skipped`);
    return [];
  }
  return module.cases;
}

const filter = process.argv.slice(2).join(' ').toLowerCase();
const results: BenchResult[] = [];
for (const file of CASE_FILES) {
  for (const bench of await load(file)) {
    if (filter !== '' && !bench.name.toLowerCase().includes(filter)) {
      continue;
    }
    console.error(`bench: ${bench.name} ...`);
    results.push(await runCase(bench));
  }
}
console.log(formatTable(results));
