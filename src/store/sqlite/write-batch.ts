// SQLite only: the pop path's writes (call-log rows, contact links, card.viewed audit entries) gathered over one
// turn of the event loop and committed in one transaction through prepared statements, on the main thread.
// Through Kysely each was a statement compiled and prepared again, and a commit of its own (issue 12: ~13% of
// screenpop's CPU at 200 calls/s, in runs of writes that held up the cards behind them).
import type BetterSqlite3 from 'better-sqlite3';

interface Pending {
  readonly write: () => void;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Counters of the work done (tests read them: writes per transaction, not time). */
export interface WriteBatchCounters {
  writes: number;
  transactions: number;
}

export class SqliteWriteBatch {
  readonly counters: WriteBatchCounters = { writes: 0, transactions: 0 };
  private pending: Pending[] = [];
  private scheduled = false;
  /**
   * Made once: better-sqlite3's transaction() builds four wrapped functions and defines five properties on each,
   * ~5 KB of garbage a flush when it was called per batch (issue 12: young-generation collections).
   */
  private readonly writeAll: (batch: readonly Pending[]) => void;
  private readonly writeOne: (item: Pending) => void;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.writeAll = sqlite.transaction((batch: readonly Pending[]) => {
      for (const item of batch) {
        item.write();
      }
    });
    this.writeOne = sqlite.transaction((item: Pending) => item.write());
  }

  /** Runs `write` (synchronous statements) in the next batch; resolves once its transaction committed. */
  run(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits whatever waits now (the store closing). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || !this.sqlite.open) {
      this.failAll(new Error('the store is closed'));
      return;
    }
    if (this.sqlite.inTransaction) {
      // A Kysely transaction is open on this connection (it awaits between statements): these writes must not
      // join it, or its rollback would take them along after they were reported done.
      this.scheduled = true;
      setTimeout(() => this.flush(), 1);
      return;
    }
    const batch = this.pending;
    this.pending = [];
    try {
      this.writeAll(batch);
      this.counters.transactions += 1;
      this.counters.writes += batch.length;
      for (const item of batch) {
        item.resolve();
      }
    } catch {
      // One write failed and the transaction rolled back: each goes again alone, so only the bad one fails.
      for (const item of batch) {
        try {
          this.writeOne(item);
          this.counters.transactions += 1;
          this.counters.writes += 1;
          item.resolve();
        } catch (error) {
          item.reject(error);
        }
      }
    }
  }

  private failAll(error: Error): void {
    const batch = this.pending;
    this.pending = [];
    for (const item of batch) {
      item.reject(error);
    }
  }
}
