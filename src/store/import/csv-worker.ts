// The CSV parsing worker: bytes in, rows ready for the store out. It does all of an import's JavaScript
// work (csv-parse, header mapping, validation, phone normalization, serialization) while the main thread
// hashes and writes: profiled with phone normalization memoized (nanp-memo.ts), this split keeps the two
// threads closest to equally busy.
// Protocol: csv-parallel.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareContact } from '../contact-rows.ts';
import { parseMapOption, planColumns } from './column-map.ts';
import type { Column } from './column-map.ts';
import { recordToContact } from './row-contact.ts';
import { csvRecords } from './csv-records.ts';
import type { CsvRecord } from './csv-records.ts';
import { RecordLines, headerWasCut } from './record-guard.ts';
import { hash53, upsertKey } from './import-report.ts';
import type { FromWorker, PreparedRow, ToWorker, WorkerInit } from './csv-parallel.ts';

const init = (workerData as { init: WorkerInit }).init;
const port = parentPort;
if (port === null) {
  throw new Error('csv-worker runs in a worker thread only');
}
const send = (message: FromWorker): void => port.postMessage(message);

const chunks: (Uint8Array | null)[] = [];
let acks = 0;
// Everyone waiting for a message: the input generator (chunks) and the batch flusher (acks) wait at the same
// time, so one slot would let one of them sleep forever.
const waiters: (() => void)[] = [];
port.on('message', (message: ToWorker) => {
  if (message.t === 'ack') {
    acks += 1;
  } else {
    chunks.push(message.t === 'chunk' ? message.data : null);
  }
  for (const wake of waiters.splice(0)) {
    wake();
  }
});
const until = async (ready: () => boolean): Promise<void> => {
  while (!ready()) {
    await new Promise<void>((resolve) => waiters.push(resolve));
  }
};

async function* input(): AsyncGenerator<Uint8Array> {
  for (;;) {
    await until(() => chunks.length > 0);
    const chunk = chunks.shift() ?? null;
    if (chunk === null) {
      return;
    }
    send({ t: 'need' });
    yield chunk;
  }
}

async function run(): Promise<void> {
  const overrides = parseMapOption(init.map);
  const parser = csvRecords(input(), init.delimiter);
  const lines = new RecordLines();
  let columns: Column[] | null = null;
  let rows: PreparedRow[] = [];
  let rejections: { line: number; reason: string }[] = [];
  let sent = 0;
  const flush = async (): Promise<void> => {
    send({ t: 'batch', rows, rejections });
    rows = [];
    rejections = [];
    sent += 1;
    // At most two batches wait in the main thread: the worker may run ahead, but not fill memory.
    await until(() => sent - acks < 2);
  };
  for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
    const line = lines.lineOf(record, info.lines);
    if (columns === null) {
      headerWasCut(record);
      columns = planColumns(record, overrides);
      continue;
    }
    const result = recordToContact(record, columns);
    if (result.ok) {
      const [kind, key] = upsertKey(result.contact);
      rows.push({
        line,
        kind,
        keyHash: hash53(key),
        prepared: prepareContact(result.contact, init.phone, undefined, false),
      });
    } else if (result.reason !== null) {
      rejections.push({ line, reason: result.reason });
    }
    if (rows.length + rejections.length >= init.batchSize) {
      await flush();
    }
  }
  await flush();
  send({ t: 'done', sawHeader: columns !== null });
}

run().catch((error: unknown) => {
  send({ t: 'error', message: error instanceof Error ? error.message : String(error) });
});
