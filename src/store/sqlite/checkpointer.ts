// SQLite only: WAL checkpoints on a worker thread instead of inside the pop path's commits.
// With the default wal_autocheckpoint, the commit that takes the WAL past 1,000 pages copies them into the
// database file and syncs it, on the main thread: a stall of tens of milliseconds every few seconds at
// 200 calls/s, which every card behind it waits out (issue 12). The server's connection turns automatic
// checkpoints off and a second connection, on its own thread, checkpoints PASSIVE every second: it never
// blocks the writer or the readers, and WAL mode lets them go on while it copies.
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

export interface CheckpointerCounters {
  checkpoints: number;
  errors: number;
  /** WAL pages at the last checkpoint (its size before a writer starts it over). */
  walPages: number;
  lastError: string | null;
}

export class Checkpointer {
  readonly counters: CheckpointerCounters = { checkpoints: 0, errors: 0, walPages: 0, lastError: null };
  #worker: Worker | null = null;
  readonly #starting: ReturnType<typeof setTimeout>;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #autocheckpoint: number;

  /**
   * @param startAfterMs the thread starts this long after the store opens, so its start (a V8 isolate, the
   *   SQLite addon loaded again) does not compete with the server's own start-up (issue 12: ready ≤ 1.5 s)
   */
  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly file: string,
    private readonly everyMs = 1_000,
    startAfterMs = 2_000,
  ) {
    this.#sqlite = sqlite;
    this.#autocheckpoint = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
    sqlite.pragma('wal_autocheckpoint = 0');
    this.#starting = setTimeout(() => this.#start(), startAfterMs);
    this.#starting.unref();
  }

  #start(): void {
    const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
      workerData: { file: this.file, everyMs: this.everyMs },
      // A few statements a second: the default young generation (~48 MB) would only add to the RSS.
      resourceLimits: { maxYoungGenerationSizeMb: 2 },
    });
    this.#worker = worker;
    worker.unref();
    worker.on('message', (message: { kind: string; walPages?: number; message?: string }) => {
      if (message.kind === 'checkpoint') {
        this.counters.checkpoints += 1;
        this.counters.walPages = message.walPages ?? 0;
      } else if (message.kind === 'error') {
        this.counters.errors += 1;
        this.counters.lastError = message.message ?? null;
      }
    });
    // A worker that cannot run (no thread, the module failed) must not leave the WAL growing: back to automatic.
    worker.on('error', (error) => {
      this.counters.errors += 1;
      this.counters.lastError = error.message;
      this.#restoreAutomatic();
    });
  }

  /** Stops the thread after a last checkpoint; the connection checkpoints automatically again. */
  async stop(): Promise<void> {
    clearTimeout(this.#starting);
    const worker = this.#worker;
    if (worker === null) {
      this.#restoreAutomatic();
      return;
    }
    const stopped = new Promise<void>((resolve) => {
      worker.on('message', (message: { kind: string }) => message.kind === 'stopped' && resolve());
      worker.once('exit', () => resolve());
      worker.once('error', () => resolve());
    });
    worker.ref(); // the last checkpoint may be all that keeps the process up while it closes
    worker.postMessage('stop');
    await stopped;
    await worker.terminate();
    this.#restoreAutomatic();
  }

  #restoreAutomatic(): void {
    if (this.#sqlite.open) {
      this.#sqlite.pragma(`wal_autocheckpoint = ${this.#autocheckpoint}`);
    }
  }
}
