// The CSV parser both import paths (this thread and the parsing worker) read records from: csv-parse behind the
// record guard, so a hostile file costs bounded memory and each bad row is reported, not the whole import.
import { pipeline } from 'node:stream';
import { Parser } from 'csv-parse';
import type { Options } from 'csv-parse';
import { MAX_RECORD_BYTES, RecordGuard } from './record-guard.ts';

export interface CsvRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/**
 * csv-parse's records, each with the line it ends on. Its own `info: true` builds a snapshot of a dozen counters
 * per record (two object spreads): reading the 1M-row bench file took 5.5–6.5 CPU-s with it, 3.0 without. Only
 * `lines` is used, so it is read from the parser's live `info` as the record is pushed, which is when
 * csv-parse takes its snapshot.
 */
class LineParser extends Parser {
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) {
      return super.push(null, encoding);
    }
    const item: CsvRecord = { record: record as string[], info: { lines: this.info.lines } };
    return super.push(item, encoding);
  }
}

/** Records of a CSV byte or text stream, each with csv-parse's line (pass it through RecordLines). */
export function csvRecords(input: AsyncIterable<string | Uint8Array>, delimiter: string): Parser {
  const options: Options = {
    bom: true,
    delimiter,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: false,
    // A backstop only: the guard cuts records long before (a delimiter of several bytes goes without it).
    max_record_size: 2 * MAX_RECORD_BYTES,
  };
  const parser = new LineParser(options);
  // pipeline() pumps the source with back-pressure and destroys the parser if the source fails.
  if (Buffer.byteLength(delimiter) === 1) {
    pipeline(input, new RecordGuard(delimiter), parser, () => undefined);
  } else {
    pipeline(input, parser, () => undefined);
  }
  return parser;
}
