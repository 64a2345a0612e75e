// The CSV parser both import paths (this thread and the parsing worker) read records from: csv-parse behind the
// record guard, so a hostile file costs bounded memory and each bad row is reported, not the whole import.
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { Parser } from 'csv-parse';
import { MAX_RECORD_BYTES, RecordGuard } from './record-guard.ts';

export interface CsvRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/** Records of a CSV byte or text stream, each with csv-parse's line (pass it through RecordLines). */
export function csvRecords(input: AsyncIterable<string | Uint8Array>, delimiter: string): Parser {
  const parser = parse({
    bom: true,
    delimiter,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: false,
    info: true,
    // A backstop only: the guard cuts records long before (a delimiter of several bytes goes without it).
    max_record_size: 2 * MAX_RECORD_BYTES,
  });
  // pipeline() pumps the source with back-pressure and destroys the parser if the source fails.
  if (Buffer.byteLength(delimiter) === 1) {
    pipeline(input, new RecordGuard(delimiter), parser, () => undefined);
  } else {
    pipeline(input, parser, () => undefined);
  }
  return parser;
}
