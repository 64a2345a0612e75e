// The benchmark harness: the shape every bench/*.ts case file exports, and the runner that times cases.
import { performance } from 'node:perf_hooks';

/** One prepared benchmark: the timed operation and how many times to run it. */
export interface BenchRun {
  /** Timed operations; each one is one unit of ops/s and one latency sample. */
  readonly ops: number;
  /** Untimed calls of `run` made first (indexes 0..warmup-1); the timed ones follow. */
  readonly warmup?: number;
  /** One operation. `i` counts every call, warm-up included, so inputs can be pre-built per index. */
  run(i: number): void | Promise<void>;
  /** Shown in the table: what was measured, input size, anything that makes the number honest. */
  readonly notes?: string;
  teardown?(): void | Promise<void>;
}

/**
 * What a bench/*.ts file exports as `export const cases: BenchCase[]`. `setup` builds the inputs (not timed)
 * and may start servers or open databases; `teardown` releases them.
 */
export interface BenchCase {
  readonly name: string;
  setup(): BenchRun | Promise<BenchRun>;
}

export interface BenchResult {
  readonly name: string;
  readonly ops: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly notes: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** Runs one case; sync operations are timed without an await between them. */
export async function runCase(bench: BenchCase): Promise<BenchResult> {
  const run = await bench.setup();
  const warmup = run.warmup ?? 0;
  try {
    for (let i = 0; i < warmup; i++) {
      await run.run(i);
    }
    const samples = new Float64Array(run.ops);
    const started = performance.now();
    for (let i = 0; i < run.ops; i++) {
      const t0 = performance.now();
      const pending = run.run(warmup + i);
      if (pending !== undefined) {
        await pending;
      }
      samples[i] = performance.now() - t0;
    }
    const elapsed = performance.now() - started;
    samples.sort();
    return {
      name: bench.name,
      ops: run.ops,
      opsPerSecond: (run.ops / elapsed) * 1000,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      maxMs: samples[samples.length - 1] ?? Number.NaN,
      notes: run.notes ?? '',
    };
  } finally {
    await run.teardown?.();
  }
}

function ms(value: number): string {
  return Number.isNaN(value) ? '-' : value < 1 ? value.toFixed(4) : value.toFixed(2);
}

/** One plain-text table: case, ops, ops/s, p50, p99, max, notes. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = [
    ['case', 'ops', 'ops/s', 'p50 ms', 'p99 ms', 'max ms', 'notes'],
    ...results.map((r) => [
      r.name,
      String(r.ops),
      Math.round(r.opsPerSecond).toLocaleString('en-US'),
      ms(r.p50Ms),
      ms(r.p99Ms),
      ms(r.maxMs),
      r.notes,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, c) =>
        c === 0 || c === row.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!),
      )
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
