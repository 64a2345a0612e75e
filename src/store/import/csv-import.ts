// Streaming CSV contact import: csv-parse reads record by record (the file is never held whole),
// headers are mapped (column-map.ts), good rows are upserted in batches, bad rows are reported by line.
import { parseMapOption, planColumns } from './column-map.ts';
import type { Column } from './column-map.ts';
import { recordToContact } from './row-contact.ts';
import { ImportSink } from './import-report.ts';
import { importCsvInWorker } from './csv-parallel.ts';
import { csvRecords } from './csv-records.ts';
import type { CsvRecord } from './csv-records.ts';
import { RecordLines, headerWasCut } from './record-guard.ts';
import type { BulkLoader } from '../store.ts';
import type { ImportOptions, ImportReport, ImportTarget } from './import-report.ts';

export interface CsvImportOptions extends ImportOptions {
  /**
   * Parse in a worker thread while this thread writes (needs a store that takes prepared rows). Starting the
   * worker costs about a second, so it pays from some ten thousand rows on; default off.
   */
  readonly worker?: boolean;
  /** Header → field overrides, as on the command line: "Phone=phone,Org=company". */
  readonly map?: string;
  readonly delimiter?: string;
}

/** Imports contacts from a CSV byte or text stream (first row: headers). */
export async function importContactsCsv(
  input: AsyncIterable<string | Uint8Array> | NodeJS.ReadableStream,
  contacts: ImportTarget,
  options: CsvImportOptions = {},
): Promise<ImportReport> {
  const overrides = parseMapOption(options.map ?? ''); // bad --map fails here, before any thread starts
  if (options.worker === true && contacts.upsertPrepared !== undefined && contacts.phone !== undefined) {
    const bulk = contacts as ImportTarget & BulkLoader;
    return importCsvInWorker(input as AsyncIterable<string | Uint8Array>, bulk, {
      ...options,
      map: options.map ?? '',
      delimiter: options.delimiter ?? ',',
    });
  }
  const parser = csvRecords(input as AsyncIterable<string | Uint8Array>, options.delimiter ?? ',');
  const lines = new RecordLines();
  const sink = new ImportSink(contacts, options);
  let columns: Column[] | null = null;
  await sink.start();
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      const line = lines.lineOf(record, info.lines);
      if (columns === null) {
        headerWasCut(record);
        columns = planColumns(record, overrides);
        continue;
      }
      const result = recordToContact(record, columns);
      if (result.ok) {
        await sink.accept(line, result.contact);
      } else if (result.reason !== null) {
        sink.reject(line, result.reason);
      }
    }
    if (columns === null) {
      throw new Error('the file is empty: expected a header row');
    }
    return await sink.finish();
  } catch (error) {
    parser.destroy();
    throw csvError(error);
  } finally {
    await sink.close();
  }
}

function csvError(error: unknown): Error {
  if (error instanceof Error && 'lines' in error) {
    return new Error(`CSV error near line ${String(error.lines)}: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
