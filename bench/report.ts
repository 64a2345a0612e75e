// The benchmark report: one row per figure, beside its goal and whether it was met; a table and JSON objects.
import { writeFileSync } from 'node:fs';
import type { BenchResult } from './harness.ts';

export interface Row {
  readonly name: string;
  /** The figure as read by a person, e.g. "added p99 1.4 ms, 0 lost". */
  readonly figure: string;
  /** The goal in words; '' when the row has none. */
  readonly goal: string;
  /** null: no goal, or not run. */
  readonly met: boolean | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly opsPerSecond: number | null;
  readonly notes: string;
}

/** Goals of the part benchmarks (issue 12), by case name prefix: ops/s at least. */
const PART_GOALS: readonly { readonly prefix: string; readonly minOps: number }[] = [
  { prefix: 'lookup: match a call (keys', minOps: 200_000 },
  { prefix: 'events → call model', minOps: 50_000 },
];

function number(value: number, digits = 2): string {
  if (!Number.isFinite(value)) {
    return '-';
  }
  return value < 1 && value !== 0 ? value.toFixed(4) : value.toFixed(digits);
}

/** A part benchmark's result as a row; the import case's goal is read from its notes (seconds, peak RSS). */
export function partRow(result: BenchResult): Row {
  const ops = Math.round(result.opsPerSecond).toLocaleString('en-US');
  const base = {
    name: result.name,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    opsPerSecond: result.opsPerSecond,
    notes: result.notes,
  };
  const goal = PART_GOALS.find((g) => result.name.startsWith(g.prefix));
  if (goal !== undefined) {
    return {
      ...base,
      figure: `${ops}/s`,
      goal: `≥ ${goal.minOps.toLocaleString('en-US')}/s`,
      met: result.opsPerSecond >= goal.minOps,
    };
  }
  if (result.name.startsWith('import:')) {
    const seconds = Number(/seconds (\d+(\.\d+)?)/.exec(result.notes)?.[1] ?? Number.NaN);
    const rss = Number(/peak RSS MB (\d+)/.exec(result.notes)?.[1] ?? Number.NaN);
    return {
      ...base,
      figure: `${seconds} s, ${rss} MB`,
      goal: '≤ 20 s, ≤ 300 MB',
      met: seconds <= 20 && rss <= 300,
    };
  }
  return { ...base, figure: `${ops}/s`, goal: '', met: null };
}

export function formatRows(rows: readonly Row[]): string {
  const cells = [
    ['case', 'figure', 'goal', 'met', 'p50 ms', 'p99 ms', 'ops/s', 'notes'],
    ...rows.map((r) => [
      r.name,
      r.figure,
      r.goal === '' ? '-' : r.goal,
      r.met === null ? '-' : r.met ? 'met' : 'NOT MET',
      r.p50Ms === null ? '-' : number(r.p50Ms),
      r.p99Ms === null ? '-' : number(r.p99Ms),
      r.opsPerSecond === null || !Number.isFinite(r.opsPerSecond)
        ? '-'
        : Math.round(r.opsPerSecond).toLocaleString('en-US'),
      r.notes,
    ]),
  ];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const numeric = new Set([4, 5, 6]);
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/** Writes the rows as a JSON array (NaN becomes null). */
export function writeJson(path: string, rows: readonly Row[]): void {
  const clean = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]),
    ),
  );
  writeFileSync(path, `${JSON.stringify(clean, null, 2)}\n`);
}
