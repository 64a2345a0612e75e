// Scenario 6, several instances: cross-instance pop latency through the PostgreSQL push hub, A publishes and B
// delivers, each in its own process on one database. Runs when SCREENPOP_BENCH_DATABASE_URL (or
// TEST_DATABASE_URL) names a PostgreSQL database; a schema of its own is created and dropped.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/store.ts';
import { withSchemaLock } from '../../src/store/testing/targets.ts';
import type { Row } from '../report.ts';
import { percentile } from './ledger.ts';
import type { DeliverReport, HubJob } from './hub-process.ts';
import { count, ms } from './rows.ts';

const HUB_PROCESS = fileURLToPath(new URL('./hub-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Child = ChildProcessByStdio<null, Readable, Readable>;

/** Starts one hub process; resolves with it and a reader of its JSON lines. */
function startHub(role: 'publish' | 'deliver', job: HubJob) {
  const child: Child = spawn(process.execPath, ['--import', 'tsx', HUB_PROCESS, role, JSON.stringify(job)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + String(chunk)).slice(-2_000)));
  const lines: unknown[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += String(chunk);
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      lines.push(JSON.parse(part));
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = async <T>(key: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((line) => typeof line === 'object' && line !== null && key in line);
      if (found !== undefined) {
        return (found as Record<string, T>)[key] as T;
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`hub ${role}: no ${key} (exit ${child.exitCode}): ${errors}`);
      }
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return { child, next };
}

export function benchDatabaseUrl(env = process.env): string | undefined {
  return env.SCREENPOP_BENCH_DATABASE_URL || env.TEST_DATABASE_URL || undefined;
}

/** The scenario's row: p99 ≤ 10 ms at the given rate, every card delivered to its own agent. */
export async function severalInstances(
  name: string,
  url: string,
  load: { readonly agents: number; readonly callsPerSecond: number; readonly seconds: number },
): Promise<Row> {
  const schema = `sp_bench_hub_${process.pid}`;
  const store = await withSchemaLock(url, 'shared', () =>
    openStore({
      databaseUrl: url,
      dataDir: '.',
      phone: { defaultRegion: 'US', suffixDigits: 7 },
      pgSchema: schema,
    }),
  );
  await store.close();
  const job: HubJob = { url, schema, ...load };
  const b = startHub('deliver', job);
  let a: ReturnType<typeof startHub> | null = null;
  try {
    await b.next('ready', 60_000); // every agent subscribed on B before A publishes anything
    a = startHub('publish', job);
    await a.next('ready', 60_000);
    const report = await b.next<DeliverReport>('report', (load.seconds + 60) * 1000);
    const sorted = [...report.latencies].sort((x, y) => x - y);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const lost = report.expected - report.latencies.length;
    return {
      name,
      figure: `p50 ${ms(p50)} ms, p99 ${ms(p99)} ms; ${lost} lost, ${report.wrongAgent} to a wrong agent`,
      goal: 'p99 ≤ 10 ms, 0 lost, 0 wrong',
      met: p99 <= 10 && lost === 0 && report.wrongAgent === 0,
      p50Ms: p50,
      p99Ms: p99,
      opsPerSecond: load.callsPerSecond,
      notes:
        `hub alone: publish() on A → B's subscriber (two processes, one database); ` +
        `${count(report.latencies.length)}/${count(report.expected)} cards, max ${ms(sorted.at(-1) ?? NaN)} ms, ` +
        `${count(load.agents)} agents; B: ${report.counters.fetches} fetches, ${report.counters.fetchFailures} failed`,
    };
  } finally {
    a?.child.kill();
    b.child.kill();
    await withSchemaLock(url, 'exclusive', (client) =>
      client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
    );
  }
}
