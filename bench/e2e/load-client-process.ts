// The load-client process seen from the orchestrator: one IPC command at a time, and RSS sampling meanwhile.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  GENERATED_ACCOUNT_KEY,
  GENERATED_ADMIN_PAT,
  GENERATED_CLIENT,
} from '../../src/simulator/directory/generate.ts';
import type { LoadCommand, LoadReply } from './load-client.ts';
import { procStats } from './processes.ts';

/** The load-client process, one command at a time. */
export class LoadClientProcess {
  private constructor(private readonly child: ChildProcess) {}

  static start(screenpopUrl: string, simUrl: string): LoadClientProcess {
    const setup = {
      screenpopUrl,
      simUrl,
      pat: GENERATED_ADMIN_PAT,
      client: GENERATED_CLIENT,
      accountKey: GENERATED_ACCOUNT_KEY,
    };
    const child = fork(fileURLToPath(new URL('./load-client.ts', import.meta.url)), [JSON.stringify(setup)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new LoadClientProcess(child);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  send<R extends LoadReply>(command: LoadCommand): Promise<R> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load client exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: LoadReply) => {
        this.child.off('exit', onExit);
        if (reply.kind === 'error') {
          reject(new Error(reply.message));
          return;
        }
        resolve(reply as R);
      });
      this.child.send(command);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ cmd: 'close' } satisfies LoadCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Samples a process's RSS while `work` runs (every 500 ms); resolves with the work's result and the peak sample,
 * split into anonymous and file-backed memory.
 */
export async function withRss<T>(
  pid: number,
  work: Promise<T>,
): Promise<{ result: T; maxRssMb: number; anonMb: number; fileMb: number }> {
  let peak = procStats(pid);
  const sample = () => {
    const now = procStats(pid);
    if (now.rssMb > peak.rssMb) {
      peak = now;
    }
  };
  const timer = setInterval(sample, 500);
  try {
    const result = await work;
    sample();
    return { result, maxRssMb: peak.rssMb, anonMb: peak.anonMb, fileMb: peak.fileMb };
  } finally {
    clearInterval(timer);
  }
}
