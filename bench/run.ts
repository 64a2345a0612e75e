// npm run bench [-- --quick] [-- --json PATH] [-- phrase...]: the part benchmarks (bench/*.ts cases) and the
// end-to-end scenarios (bench/e2e), printed as one table of figures beside their goals. Always exits 0.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runCase } from './harness.ts';
import type { BenchCase } from './harness.ts';
import { formatRows, partRow, writeJson } from './report.ts';
import type { Row } from './report.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } },
});
const quick = values.quick;
if (quick) {
  // Every scenario small: the whole run in under two minutes. Set before the case files read them.
  process.env['BENCH_LOOKUP_CONTACTS'] ??= '50000';
  process.env['BENCH_LOOKUP_OPS'] ??= '20000';
  process.env['BENCH_IMPORT_ROWS'] ??= '50000';
}

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

// Each argument is a phrase (quote the ones with spaces); a case runs when its name contains any of them.
const filters = positionals.map((p) => p.toLowerCase());
const rows: Row[] = [];
for (const file of CASE_FILES) {
  for (const bench of await load(file)) {
    if (filters.length > 0 && !filters.some((f) => bench.name.toLowerCase().includes(f))) {
      continue;
    }
    console.error(`bench: ${bench.name} ...`);
    try {
      rows.push(partRow(await runCase(bench)));
    } catch (error) {
      rows.push({
        name: bench.name,
        figure: 'failed',
        goal: '',
        met: false,
        p50Ms: null,
        p99Ms: null,
        opsPerSecond: null,
        notes: String(error).split('\n')[0] ?? '',
      });
    }
  }
}
const { FULL, QUICK } = await import('./e2e/plan.ts');
const { runEndToEnd } = await import('./e2e/scenarios.ts');
// BENCH_E2E_SIZES='{"contacts":200000,"pop":{"agents":1000,"callsPerSecond":200,"seconds":20}}': sizes between
// --quick and full, e.g. the smallest run that still shows an effect while profiling it.
const sizes = {
  ...(quick ? QUICK : FULL),
  ...(JSON.parse(process.env['BENCH_E2E_SIZES'] ?? '{}') as object),
};
rows.push(...(await runEndToEnd(sizes, filters)));
if (quick) {
  console.log(
    "--quick: every size far below the goals' (they are for the full run); this checks the harness.",
  );
}
console.log(formatRows(rows));
if (values.json !== undefined) {
  writeJson(values.json, rows);
}
// Child processes are stopped by now; sockets or timers of the part cases must not keep the bench alive.
process.exit(0);
