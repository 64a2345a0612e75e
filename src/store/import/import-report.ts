// What an import did: counts, every rejected line with its reason, and a batch sink shared by CSV and vCard.
import type { ContactStore } from '../../lookup/ports.ts';
import type { ContactInput } from '../../lookup/types.ts';

export interface Rejection {
  readonly line: number;
  readonly reason: string;
}

export interface ImportReport {
  /** Data rows read (blank rows not counted). */
  readonly rows: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  /** Every rejected row, in file order. */
  readonly rejections: readonly Rejection[];
  readonly seconds: number;
}

export interface ImportProgress {
  readonly rows: number;
  readonly rejected: number;
  readonly seconds: number;
}

export interface ImportOptions {
  /** Rows per upsertMany call (one transaction each). */
  readonly batchSize?: number;
  /** Called after every batch. */
  readonly onProgress?: (progress: ImportProgress) => void;
}

/** Collects good rows into batches, rejects repeated keys, and counts; finish() gives the report. */
export class ImportSink {
  private batch: ContactInput[] = [];
  private readonly seen = new Map<string, number>();
  private readonly rejections: Rejection[] = [];
  private readonly counts = { rows: 0, inserted: 0, updated: 0, unchanged: 0 };
  private readonly started = performance.now();
  private readonly batchSize: number;

  constructor(
    private readonly contacts: Pick<ContactStore, 'upsertMany'>,
    private readonly options: ImportOptions,
  ) {
    this.batchSize = options.batchSize ?? 5000;
  }

  async accept(line: number, contact: ContactInput): Promise<void> {
    this.counts.rows += 1;
    // A key twice in one file would make every re-run "update" the row back and forth; the first one wins.
    const key = upsertKey(contact);
    const first = key === null ? undefined : this.seen.get(key);
    if (first !== undefined) {
      this.rejections.push({
        line,
        reason: `same ${key?.startsWith('x') ? 'external id' : 'email'} as line ${first}`,
      });
      return;
    }
    if (key !== null) {
      this.seen.set(key, line);
    }
    this.batch.push(contact);
    if (this.batch.length >= this.batchSize) {
      await this.flush();
    }
  }

  reject(line: number, reason: string): void {
    this.counts.rows += 1;
    this.rejections.push({ line, reason });
  }

  async finish(): Promise<ImportReport> {
    await this.flush();
    return {
      ...this.counts,
      rejected: this.rejections.length,
      rejections: this.rejections,
      seconds: this.seconds(),
    };
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) {
      return;
    }
    const result = await this.contacts.upsertMany(this.batch);
    this.batch = [];
    this.counts.inserted += result.inserted;
    this.counts.updated += result.updated;
    this.counts.unchanged += result.unchanged;
    this.options.onProgress?.({
      rows: this.counts.rows,
      rejected: this.rejections.length,
      seconds: this.seconds(),
    });
  }

  private seconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}

function upsertKey(contact: ContactInput): string | null {
  if (contact.externalId != null) {
    return `x${contact.externalId}`;
  }
  return contact.email != null ? `e${contact.email.toLowerCase()}` : null;
}
