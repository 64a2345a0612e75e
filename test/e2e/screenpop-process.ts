// Test support: the real `screenpop start` as a child process on a fixed loopback port, so a test can kill -9 it
// and start it again on the same database (and the same port: the agents' cookies stay valid).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

export interface ScreenpopProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The last lines it wrote (for a failure's message). */
  output(): string;
  /** kill -9: no shutdown code runs. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** Starts `screenpop start` with `env` on `port`; resolves once GET /healthz answers 200 (bounded wait). */
export async function startScreenpopProcess(
  port: number,
  env: Record<string, string>,
): Promise<ScreenpopProcess> {
  const full: Record<string, string> = {
    ...(process.env as Record<string, string>),
    SCREENPOP_PORT: String(port),
    SCREENPOP_HOST: '127.0.0.1',
    ...env,
  };
  delete full['NODE_ENV'];
  const child = spawn(process.execPath, ['bin/screenpop.mjs', 'start'], {
    cwd: ROOT,
    env: full,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`screenpop exited (${child.exitCode}):\n${lines.join('\n')}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.arrayBuffer().then(() => r.ok),
      () => false,
    );
    if (ok) {
      break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`screenpop did not become healthy:\n${lines.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    url,
    child,
    output: () => lines.join('\n'),
    async kill9() {
      if (!gone()) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      if (gone()) {
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
