// Test support for several screenpop instances: a fresh PostgreSQL database per test, the simulator and each
// instance as real child processes (`bin/screenpop.mjs start`), and what their /metrics say about leadership.
// Loopback only; every wait is bounded.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEMO_CLIENT, DEMO_PAT } from '../../src/app/demo.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Every instance of one deployment shares the key (a different one is refused at start). */
export const SHARED_KEY = Buffer.alloc(32, 11).toString('base64');

/** Keeps a child's last output lines for the error message when it fails. */
function tail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 30));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A database of its own (LISTEN/NOTIFY and the lease are per database), dropped by drop(). */
export async function freshDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sp_e2e_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface SimProcess {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(): Promise<SimProcess> {
  const script = fileURLToPath(new URL('./sim-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last = tail(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start:\n${last()}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /\{"url":"([^"]+)"\}/.exec(String(chunk));
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}):\n${last()}`)));
  });
  return { url, stop: () => stopChild(child) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

export interface Role {
  readonly leader: boolean;
  readonly epoch: number;
}

export interface Instance {
  readonly name: string;
  readonly url: string;
  readonly simUrl: string;
  readonly process: ChildProcess;
  /** Role from /metrics; null when the instance does not answer. */
  role(): Promise<Role | null>;
  /** SIGTERM (or the signal given), waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

export interface InstanceOptions {
  readonly name: string;
  readonly databaseUrl: string;
  readonly simUrl: string;
  readonly env?: Record<string, string>;
}

/** Spawns `screenpop start` (Call Events with the simulator's admin PAT); resolves once GET /readyz is 200. */
export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), `screenpop-${options.name}-`));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    SCREENPOP_PORT: String(port),
    SCREENPOP_HOST: '127.0.0.1',
    SCREENPOP_DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl,
    SCREENPOP_SECRET_KEY: SHARED_KEY,
    SCREENPOP_DEMO: 'false',
    GOTO_CLIENT_ID: DEMO_CLIENT.id,
    GOTO_CLIENT_SECRET: DEMO_CLIENT.secret,
    GOTO_PERSONAL_ACCESS_TOKEN: DEMO_PAT,
    GOTO_AUTH_URL: options.simUrl,
    GOTO_API_URL: options.simUrl,
    GOTO_ADMIN_URL: options.simUrl,
    GOTO_REALTIME_URL: options.simUrl,
    LOG_LEVEL: process.env['E2E_LOG_LEVEL'] ?? 'info',
    ...options.env,
  };
  delete env['NODE_ENV'];
  const child = spawn(process.execPath, ['bin/screenpop.mjs', 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const output = tail(child);
  const deadline = performance.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.arrayBuffer().then(() => r.ok),
      () => false,
    );
    if (ready) {
      break;
    }
    if (performance.now() > deadline) {
      await stopChild(child, 'SIGKILL');
      throw new Error(`${options.name} never became ready:\n${output()}`);
    }
    await sleep(100);
  }
  return {
    name: options.name,
    url,
    simUrl: options.simUrl,
    process: child,
    role: () => roleOf(url),
    stop: (signal) => stopChild(child, signal),
    output,
  };
}

async function roleOf(url: string): Promise<Role | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { leader: value('screenpop_leader') === 1, epoch: value('screenpop_leader_epoch') };
  } catch {
    return null;
  }
}

/** The leaders among the instances, once exactly one of them reports leading (bounded). */
export async function oneLeader(instances: readonly Instance[], boundMs = 15_000): Promise<Instance> {
  const deadline = performance.now() + boundMs;
  let seen = '';
  while (performance.now() < deadline) {
    const roles = await Promise.all(instances.map((i) => i.role()));
    const leaders = instances.filter((_, n) => roles[n]?.leader === true);
    seen = instances.map((i, n) => `${i.name}:${JSON.stringify(roles[n])}`).join(' ');
    if (leaders.length === 1 && leaders[0] !== undefined) {
      return leaders[0];
    }
    await sleep(50);
  }
  throw new Error(`no single leader within ${boundMs} ms: ${seen}`);
}

/** Ms until `instance` reports leading (polled every 25 ms), from `since` (performance.now()). */
export async function leadsAfter(instance: Instance, since: number, boundMs = 15_000): Promise<number> {
  while (performance.now() - since < boundMs) {
    if ((await instance.role())?.leader === true) {
      return performance.now() - since;
    }
    await sleep(25);
  }
  throw new Error(`${instance.name} did not take over within ${boundMs} ms:\n${instance.output()}`);
}
