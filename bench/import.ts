// Bench case "import": a generated 1,000,000-row CSV imported into a fresh SQLite file, in a child process so
// the peak RSS is the import's own. Goal: ≤ 20 s and ≤ 300 MB. Run alone: node --import tsx bench/import.ts
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { openStore } from '../src/store/store.ts';
import { importContactsCsv } from '../src/store/import/csv-import.ts';
import { IMPORT_NODE_FLAGS } from '../src/cli/node-flags.ts';
import type { BenchCase } from './harness.ts';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const AREAS = [212, 312, 415, 617, 708, 773, 202, 305, 404, 512, 646, 718, 917, 213, 310, 206];
const TIERS = ['', '', '', 'silver', 'gold', 'VIP'];

/** Row i of the generated file: every row valid and unique, numbers spelled the way CRMs export them. */
function row(i: number): string {
  const local = 2_000_000 + ((i * 7919) % 7_000_000);
  const phone = `(${AREAS[i % AREAS.length]}) ${String(local).slice(0, 3)}-${String(local).slice(3)}`;
  const tags = i % 3 === 0 ? '"vip;west"' : '';
  return `Contact ${i},Company ${i % 5000},c${i}@example.com,${phone},${TIERS[i % TIERS.length]},${tags},crm-${i},${i % 97}\n`;
}

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('Full Name,Organization,Email,Work Phone,Tier,Tags,ID,Score\n');
  for (let i = 0; i < rows; i++) {
    if (!out.write(row(i))) {
      await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

interface ChildResult {
  readonly seconds: number;
  readonly inserted: number;
  readonly rejected: number;
  readonly peakRssMb: number;
  /** CPU seconds of the whole process (both threads): a fairer number than wall time on a busy machine. */
  readonly cpuSeconds: number;
}

/** The measured part, run in its own process: import FILE into a fresh SQLite DB, print the numbers as JSON. */
async function child(csv: string, db: string): Promise<void> {
  const store = await openStore({
    databaseUrl: db,
    dataDir: tmpdir(),
    phone: { defaultRegion: 'US', suffixDigits: 7 },
    lookups: false, // as `screenpop import` opens it
  });
  const report = await importContactsCsv(createReadStream(csv), store.contacts, {
    // As the CLI imports (no parsing thread); BENCH_IMPORT_WORKER=1 measures the worker path.
    worker: process.env.BENCH_IMPORT_WORKER === '1',
  });
  await store.close();
  const result: ChildResult = {
    seconds: report.seconds,
    inserted: report.inserted,
    rejected: report.rejected,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export async function runImportBench(): Promise<{ name: string; rows: Record<string, string | number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'screenpop-bench-import-'));
  try {
    const csv = join(dir, 'contacts.csv');
    await writeCsv(csv, ROWS);
    const db = join(dir, 'import.db');
    const run = spawnSync(
      process.execPath,
      // Under the flags `screenpop import` runs with (src/cli/main.ts starts itself again with them).
      [...IMPORT_NODE_FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', csv, db],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    if (run.status !== 0) {
      throw new Error(`import bench child failed (${run.status})`);
    }
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
    return {
      name: `import: ${ROWS.toLocaleString('en-US')}-row CSV into fresh SQLite`,
      rows: {
        seconds: Number(result.seconds.toFixed(1)),
        'rows/s': Math.round(ROWS / result.seconds),
        inserted: result.inserted,
        rejected: result.rejected,
        'cpu s': Number(result.cpuSeconds.toFixed(1)),
        'peak RSS MB': result.peakRssMb,
        'csv MB': Math.round(statSync(csv).size / 1e6),
        'db MB': Math.round(statSync(db).size / 1e6),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const cases: BenchCase[] = [
  {
    name: `import: ${ROWS.toLocaleString('en-US')}-row CSV → fresh SQLite (goal ≤ 20 s, ≤ 300 MB)`,
    async setup() {
      let notes = '';
      return {
        ops: 1,
        async run() {
          const { rows } = await runImportBench();
          notes = Object.entries(rows)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ');
        },
        get notes() {
          return notes;
        },
      };
    },
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [flag, csv, db] = process.argv.slice(2);
  if (flag === '--child' && csv !== undefined && db !== undefined) {
    await child(csv, db);
  } else {
    console.log(JSON.stringify(await runImportBench(), null, 2));
  }
}
