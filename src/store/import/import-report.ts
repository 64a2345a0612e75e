// What an import did: counts, every rejected line with its reason, and a batch sink shared by CSV and vCard.
import type { ContactStore } from '../../lookup/ports.ts';
import type { ContactInput } from '../../lookup/types.ts';
import type { PreparedContact } from '../contact-rows.ts';
import type { BulkLoader } from '../store.ts';
import { KeyLines } from './key-lines.ts';

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

/** What the sink writes to: the store's bulk upsert, and its bulk-load switch when it has one. */
export type ImportTarget = Pick<ContactStore, 'upsertMany'> & Partial<BulkLoader>;

/**
 * Collects good rows into batches, rejects repeated keys, and counts; start() before the first row,
 * finish() for the report, close() always (it ends a bulk load even when the import failed).
 */
export class ImportSink {
  private batch: ContactInput[] = [];
  private prepared: PreparedContact[] = [];
  // Upsert keys seen so far, as 53-bit hashes (1M key strings in a Map would cost ~80 MB) → first line.
  private readonly seen = new KeyLines();
  private bulk = false;
  private readonly rejections: Rejection[] = [];
  private readonly counts = { rows: 0, inserted: 0, updated: 0, unchanged: 0 };
  private readonly started = performance.now();
  private readonly batchSize: number;

  constructor(
    private readonly contacts: ImportTarget,
    private readonly options: ImportOptions,
  ) {
    this.batchSize = options.batchSize ?? 5000;
  }

  async start(): Promise<void> {
    this.bulk = (await this.contacts.beginBulkLoad?.()) ?? false;
  }

  async close(): Promise<void> {
    if (this.bulk) {
      this.bulk = false;
      await this.contacts.endBulkLoad?.();
    }
  }

  async accept(line: number, contact: ContactInput): Promise<void> {
    const [kind, key] = upsertKey(contact);
    if (this.firstTime(line, kind, hash53(key))) {
      this.batch.push(contact);
      if (this.batch.length >= this.batchSize) {
        await this.flush();
      }
    }
  }

  /** A row a parsing worker already ran through prepareContact (with the store's phone options). */
  async acceptPrepared(line: number, kind: string, keyHash: number, contact: PreparedContact): Promise<void> {
    if (this.firstTime(line, kind, keyHash)) {
      this.prepared.push(contact);
      if (this.prepared.length >= this.batchSize) {
        await this.flush();
      }
    }
  }

  /** Counts the row; false (and a rejection) when its key came earlier in the file. */
  private firstTime(line: number, kind: string, keyHash: number): boolean {
    this.counts.rows += 1;
    // A key twice in one file would make every re-run "update" the row back and forth (and a bulk load
    // insert it twice): the first one wins.
    const first = this.seen.firstOrSet(keyHash, line);
    if (first !== undefined) {
      this.rejections.push({ line, reason: `same ${kind} as line ${first}` });
      return false;
    }
    return true;
  }

  reject(line: number, reason: string): void {
    this.counts.rows += 1;
    this.rejections.push({ line, reason });
  }

  async finish(): Promise<ImportReport> {
    await this.flush();
    await this.close();
    this.rejections.sort((a, b) => a.line - b.line); // a parsing worker reports bad rows and duplicates apart
    return {
      ...this.counts,
      rejected: this.rejections.length,
      rejections: this.rejections,
      seconds: this.seconds(),
    };
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0 && this.prepared.length === 0) {
      return;
    }
    const result =
      this.prepared.length > 0 && this.contacts.upsertPrepared !== undefined
        ? await this.contacts.upsertPrepared(this.prepared)
        : await this.contacts.upsertMany(this.batch);
    if (this.prepared.length > 0 && this.batch.length > 0) {
      throw new Error('an import mixes prepared and plain rows'); // one importer uses one path
    }
    this.batch = [];
    this.prepared = [];
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

/** The key the store will upsert this row by (same order as its match rule). */
export function upsertKey(contact: ContactInput): [kind: string, key: string] {
  if (contact.externalId != null) {
    return ['external id', `x${contact.externalId}`];
  }
  if (contact.email != null) {
    return ['email', `e${contact.email.toLowerCase()}`];
  }
  const phones = (contact.phones ?? []).map((p) => p.raw.replace(/\D/g, '')).sort();
  return ['name and phones', `n${contact.name.toLowerCase()}|${phones.join(',')}`];
}

/** cyrb53: a fast 53-bit string hash; collisions among a few million keys are ~1e-4 likely in all. */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
