// CSV import on two threads: a worker parses and prepares rows (csv-worker.ts), the main thread reads the
// input and writes batches to the store. Used when the store accepts prepared rows (BulkLoader).
import { Worker } from 'node:worker_threads';
import type { PhoneOptions } from '../../phone/phone.ts';
import { withContentHash } from '../contact-rows.ts';
import type { PreparedContact } from '../contact-rows.ts';
import type { BulkLoader } from '../store.ts';
import { ImportSink } from './import-report.ts';
import type { ImportOptions, ImportReport, ImportTarget } from './import-report.ts';

export interface WorkerInit {
  readonly phone: PhoneOptions;
  readonly map: string;
  readonly delimiter: string;
  readonly batchSize: number;
}

export interface PreparedRow {
  readonly line: number;
  readonly kind: string;
  readonly keyHash: number;
  /** The row through prepareContact in the worker (store's phone options), content hash left to the writer. */
  readonly prepared: PreparedContact;
}

export type ToWorker = { t: 'chunk'; data: Uint8Array } | { t: 'end' } | { t: 'ack' };
export type FromWorker =
  | { t: 'need' }
  | { t: 'batch'; rows: PreparedRow[]; rejections: { line: number; reason: string }[] }
  | { t: 'done'; sawHeader: boolean }
  | { t: 'error'; message: string };

/** Chunks sent ahead of the worker's requests, so it never waits while the main thread writes a batch. */
const WINDOW = 8;

export async function importCsvInWorker(
  input: AsyncIterable<string | Uint8Array>,
  contacts: ImportTarget & BulkLoader,
  options: ImportOptions & { readonly map: string; readonly delimiter: string },
): Promise<ImportReport> {
  const sink = new ImportSink(contacts, options);
  await sink.start();
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
    workerData: {
      module: new URL('./csv-worker.ts', import.meta.url).href,
      init: { phone: contacts.phone, map: options.map, delimiter: options.delimiter, batchSize: 2000 },
    },
    // A small young generation: the worker's garbage is short-lived, and the default (~48 MB) showed up
    // whole in the import's peak RSS (measured at 1M rows: 424 → 369 MB, same time and CPU).
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  const source = input[Symbol.asyncIterator]();
  try {
    const sawHeader = await new Promise<boolean>((resolve, reject) => {
      let reading = Promise.resolve();
      let writing = Promise.resolve();
      const sendChunk = (): void => {
        reading = reading
          .then(async () => {
            const next = await source.next();
            // A copy of exactly the chunk's bytes: posting a view would copy its whole backing buffer.
            const message: ToWorker = next.done
              ? { t: 'end' }
              : {
                  t: 'chunk',
                  data: typeof next.value === 'string' ? Buffer.from(next.value) : new Uint8Array(next.value),
                };
            worker.postMessage(message);
          })
          .catch(reject);
      };
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the CSV worker stopped (exit code ${code})`)));
      worker.on('message', (message: FromWorker) => {
        switch (message.t) {
          case 'need':
            sendChunk();
            break;
          case 'batch':
            writing = writing
              .then(async () => {
                for (const r of message.rejections) {
                  sink.reject(r.line, r.reason);
                }
                for (const row of message.rows) {
                  await sink.acceptPrepared(row.line, row.kind, row.keyHash, withContentHash(row.prepared));
                }
                worker.postMessage({ t: 'ack' } satisfies ToWorker);
              })
              .catch(reject);
            break;
          case 'done':
            void writing.then(() => resolve(message.sawHeader));
            break;
          case 'error':
            reject(new Error(message.message));
            break;
        }
      });
      for (let i = 0; i < WINDOW; i++) {
        sendChunk();
      }
    });
    // The worker's heap is freed before the indexes are rebuilt (the import's peak memory).
    await worker.terminate();
    if (!sawHeader) {
      throw new Error('the file is empty: expected a header row');
    }
    return await sink.finish();
  } finally {
    await worker.terminate();
    await sink.close();
  }
}
