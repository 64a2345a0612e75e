// The processes of an end-to-end benchmark: the simulator, screenpop (the real `screenpop start`), and what
// /proc says about them (RSS, CPU). Loopback only; every wait is bounded.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  GENERATED_ACCOUNT_KEY,
  GENERATED_ADMIN_PAT,
  GENERATED_CLIENT,
} from '../../src/simulator/directory/generate.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Running {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Linux /proc figures of a process. */
export interface ProcStats {
  /** RSS now and at its peak. */
  readonly rssMb: number;
  readonly peakRssMb: number;
  /** RSS now: anonymous memory (heap, buffers), and file-backed pages (SQLite's memory-mapped database). */
  readonly anonMb: number;
  readonly fileMb: number;
  /** CPU seconds so far. */
  readonly cpuSeconds: number;
}

export function procStats(pid: number): ProcStats {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    // utime and stime are fields 14 and 15, in clock ticks (100 per second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    return {
      rssMb: kb('VmRSS') / 1024,
      peakRssMb: kb('VmHWM') / 1024,
      anonMb: kb('RssAnon') / 1024,
      fileMb: kb('RssFile') / 1024,
      cpuSeconds: ticks / 100,
    };
  } catch {
    const none = Number.NaN;
    return { rssMb: none, peakRssMb: none, anonMb: none, fileMb: none, cpuSeconds: none };
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

/** Keeps the last lines a child wrote, for the error message when it fails. */
function tail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

export async function startSimulatorProcess(agents: number): Promise<Running> {
  // BENCH_SIM_NODE_ARGS: node flags for the simulator alone (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), to see
  // its own share of a scenario.
  const nodeArgs = (process.env['BENCH_SIM_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--import',
      'tsx',
      fileURLToPath(new URL('./sim-process.ts', import.meta.url)),
      String(agents),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const last = tail(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start:\n${last()}`)), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /\{"url":"([^"]+)"\}/.exec(String(chunk));
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}):\n${last()}`)));
  });
  return { url, process: child, stop: stopper(child) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

export interface ScreenpopOptions {
  readonly simUrl: string;
  readonly databaseFile: string;
  readonly dataDir: string;
  readonly eventSource: 'call-events' | 'realtime';
  /** Extra environment (scenario 6: a PostgreSQL URL, an instance of several). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Ms from spawn to the first 200 of GET /healthz, and the running process. */
export async function startScreenpopProcess(
  options: ScreenpopOptions,
): Promise<Running & { readyMs: number; readyCpuSeconds: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    SCREENPOP_PORT: String(port),
    SCREENPOP_HOST: '127.0.0.1',
    SCREENPOP_DATA_DIR: options.dataDir,
    DATABASE_URL: options.databaseFile,
    SCREENPOP_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    SCREENPOP_DEMO: 'false',
    // Every load-client agent signs in from 127.0.0.1: the per-address sign-in limit is for browsers, not a
    // 10,000-agent load test from one address (it answered 429 after 300 sign-ins a minute).
    SCREENPOP_RATE_LIMIT_AUTH: '10000000',
    SCREENPOP_RATE_LIMIT_API: '10000000',
    GOTO_CLIENT_ID: GENERATED_CLIENT.clientId,
    GOTO_CLIENT_SECRET: GENERATED_CLIENT.clientSecret,
    GOTO_PERSONAL_ACCESS_TOKEN: GENERATED_ADMIN_PAT,
    GOTO_ACCOUNT_KEY: GENERATED_ACCOUNT_KEY,
    GOTO_EVENT_SOURCE: options.eventSource,
    GOTO_AUTH_URL: options.simUrl,
    GOTO_API_URL: options.simUrl,
    GOTO_ADMIN_URL: options.simUrl,
    GOTO_REALTIME_URL: options.simUrl,
    // Per-pop info lines would be written to a pipe nobody reads; warnings and errors still come through.
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  delete env['NODE_ENV'];
  const started = performance.now();
  // BENCH_SCREENPOP_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): node flags for screenpop alone, so
  // a scenario can be profiled without profiling the bench and the load client too.
  const nodeArgs = (process.env['BENCH_SCREENPOP_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, 'bin/screenpop.mjs', 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last = tail(child);
  // BENCH_SCREENPOP_OUTPUT=FILE: all of screenpop's output also goes to FILE, e.g. the lines of --trace-gc-nvp.
  const output = process.env['BENCH_SCREENPOP_OUTPUT'];
  if (output !== undefined && output !== '') {
    const file = createWriteStream(output, { flags: 'a' }); // several screenpops in one run
    child.stdout?.pipe(file, { end: false });
    child.stderr?.pipe(file, { end: false });
  }
  const deadline = started + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`screenpop exited (${child.exitCode}):\n${last()}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.arrayBuffer().then(() => r.ok),
      () => false,
    );
    if (ok) {
      break;
    }
    if (performance.now() > deadline) {
      await stopper(child)();
      throw new Error(`screenpop did not answer /healthz:\n${last()}`);
    }
    await sleep(10);
  }
  const readyMs = performance.now() - started;
  const readyCpuSeconds = procStats(child.pid ?? 0).cpuSeconds;
  return { url, process: child, stop: stopper(child), readyMs, readyCpuSeconds };
}

/** Polls the simulator until `done(traffic status)` or the bound passes; false when it never got there. */
export async function waitForSimulator(
  simUrl: string,
  done: (status: { channelSockets: number; realtimeLines: number }) => boolean,
  boundMs: number,
): Promise<boolean> {
  const deadline = performance.now() + boundMs;
  while (performance.now() < deadline) {
    const status = (await (await fetch(`${simUrl}/_sim/traffic`)).json()) as {
      channelSockets: number;
      realtimeLines: number;
    };
    if (done(status)) {
      return true;
    }
    await sleep(200);
  }
  return false;
}
