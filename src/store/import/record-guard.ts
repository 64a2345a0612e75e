// Caps each CSV record's size before csv-parse sees it: the rest of an oversized record (a 100 MB line, a
// runaway quoted field) is dropped and a marker left in its place, so the row is rejected by line and the import
// goes on, in bounded memory. csv-parse's own max_record_size would stop the whole import instead.
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/** A contact row is a few hundred bytes; this leaves room for long notes and many custom columns. */
export const MAX_RECORD_BYTES = 1 << 20;

/** Left in the cell where an oversized record was cut; NUL cannot come from a UTF-8 text file. */
export const OVERSIZED_MARKER = '\u0000record-too-large\u0000';
/** Left at the end of a cut record: how many line breaks inside quotes were dropped with it. */
// eslint-disable-next-line no-control-regex -- NUL brackets the count: it cannot come from a UTF-8 text
const DROPPED_LINES = /\u0000\+(\d+)\u0000/;

const QUOTE = 0x22 as const;
const LF = 0x0a as const;
const CR = 0x0d as const;
const MARKER = Buffer.from(OVERSIZED_MARKER);

/**
 * Follows csv-parse's view of the structure (quotes open only at a field's start, "" inside quotes is a quote,
 * CR or LF outside quotes ends a record) byte by byte, counting each record's bytes. Past `limit`, it drops the
 * record's remaining bytes, then closes an open quote and ends the record as csv-parse expects. How many line
 * breaks it dropped is left in the record (see RecordLines), so later rows keep their line numbers.
 */
export class RecordGuard extends Transform {
  readonly #limit: number;
  readonly #delimiter: number;
  #bytes = 0;
  #fieldStart = true;
  #inQuotes = false;
  /** A quote seen inside quotes: the next byte decides between an escaped quote and the closing one. */
  #quotePending = false;
  #skipping = false;
  /** csv-parse was inside quotes when the record was cut: it needs a closing quote. */
  #closeQuote = false;
  #droppedLines = 0;
  /** Where the next quote, LF and CR of the current chunk are (-1: not looked for yet). */
  #next: { [QUOTE]: number; [LF]: number; [CR]: number } = {
    [QUOTE]: -1,
    [LF]: -1,
    [CR]: -1,
  };

  constructor(delimiter: string, limit = MAX_RECORD_BYTES) {
    super();
    if (Buffer.byteLength(delimiter) !== 1) {
      throw new Error('the record guard takes a one-byte delimiter');
    }
    this.#limit = limit;
    this.#delimiter = Buffer.from(delimiter)[0] ?? 0x2c;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#next = { [QUOTE]: -1, [LF]: -1, [CR]: -1 };
    let from = 0;
    for (let i = 0; i < bytes.length;) {
      const plain = this.#skipping || this.#inQuotes ? i : this.#plainRun(bytes, i);
      if (plain > i) {
        i = plain;
        continue;
      }
      const ended = this.#step(bytes[i]!);
      if (this.#skipping && ended) {
        this.push(this.#recordEnd());
        from = i; // the record's own CR or LF passes on with what follows
        this.#skipping = false;
      } else if (!this.#skipping && !ended && this.#bytes > this.#limit) {
        // This byte goes on too: the state above already counts it as seen by csv-parse (a quote may open).
        this.push(bytes.subarray(from, i + 1));
        this.push(this.#cut());
        this.#skipping = true;
      }
      i += 1;
    }
    if (!this.#skipping) {
      this.push(bytes.subarray(from));
    }
    done();
  }

  /**
   * Fast path, outside quotes: skips to the next quote, CR or LF (found with indexOf, once per occurrence) without
   * passing the size limit; the bytes between change nothing but the count. Answers where it stopped.
   */
  #plainRun(bytes: Buffer, i: number): number {
    const stop = Math.min(
      this.#nextOf(bytes, QUOTE, i),
      this.#nextOf(bytes, LF, i),
      this.#nextOf(bytes, CR, i),
      i + this.#limit - this.#bytes,
    );
    if (stop <= i) {
      return i;
    }
    this.#bytes += stop - i;
    this.#fieldStart = bytes[stop - 1] === this.#delimiter;
    return stop;
  }

  #nextOf(bytes: Buffer, byte: typeof QUOTE | typeof LF | typeof CR, from: number): number {
    const cached = this.#next[byte];
    if (cached >= from) {
      return cached;
    }
    const found = bytes.indexOf(byte, from);
    this.#next[byte] = found === -1 ? bytes.length : found;
    return this.#next[byte];
  }

  override _flush(done: TransformCallback): void {
    if (this.#skipping) {
      this.push(this.#recordEnd());
    }
    done();
  }

  /** Moves the state over one byte; true when the byte ends a record. */
  #step(byte: number): boolean {
    if (this.#inQuotes) {
      if (this.#quotePending) {
        this.#quotePending = false;
        if (byte === QUOTE) {
          return this.#count(); // "" inside quotes: a quote, still quoted
        }
        this.#inQuotes = false; // the pending quote closed the field; this byte is outside quotes
      } else {
        if (byte === QUOTE) {
          this.#quotePending = true;
        } else if (byte === LF && this.#skipping) {
          this.#droppedLines += 1;
        }
        return this.#count();
      }
    }
    if (byte === LF || byte === CR) {
      this.#bytes = 0;
      this.#fieldStart = true;
      return true;
    }
    if (byte === QUOTE && this.#fieldStart) {
      this.#inQuotes = true;
    }
    this.#fieldStart = byte === this.#delimiter;
    return this.#count();
  }

  #count(): false {
    this.#bytes += 1;
    return false;
  }

  /** What csv-parse gets where the record is cut: the marker, inside the current field. */
  #cut(): Buffer {
    this.#closeQuote = this.#inQuotes;
    this.#droppedLines = 0;
    // A pending quote has reached csv-parse alone: a second one makes it an escaped quote, still inside quotes.
    return this.#inQuotes && this.#quotePending ? Buffer.concat([Buffer.from('"'), MARKER]) : MARKER;
  }

  /** What csv-parse gets when the cut record ends: the count of dropped line breaks, a closing quote if needed. */
  #recordEnd(): Buffer {
    const dropped = this.#droppedLines > 0 ? `\u0000+${this.#droppedLines}\u0000` : '';
    // A delimiter after the closing quote: whatever ends the record next (CR, LF, CRLF) is then valid to csv-parse.
    const close = this.#closeQuote ? `"${String.fromCharCode(this.#delimiter)}` : '';
    return Buffer.from(dropped + close);
  }
}

/**
 * True when the guard cut this record. The marker is always in one of the last two cells: past the cut the guard
 * drops every delimiter, and closing an open quote adds one empty cell. (Two lookups: this runs on every row.)
 */
export function wasCut(record: readonly string[]): boolean {
  const n = record.length;
  return (
    (record[n - 1]?.includes(OVERSIZED_MARKER) ?? false) ||
    (record[n - 2]?.includes(OVERSIZED_MARKER) ?? false)
  );
}

/** Throws when the header row itself was cut: no column plan can come of it. */
export function headerWasCut(header: readonly string[]): void {
  if (wasCut(header)) {
    throw new Error(`the header row is over ${MAX_RECORD_BYTES / 1024 / 1024} MiB: is this a CSV file?`);
  }
}

/** Line numbers of the original file, from csv-parse's (which misses the line breaks cut records lost). */
export class RecordLines {
  #dropped = 0;

  /** The file line a record ends on; call once per record, in order. */
  lineOf(record: readonly string[], parsedLine: number): number {
    if (wasCut(record)) {
      const match = record.map((cell) => DROPPED_LINES.exec(cell)).find((m) => m !== null);
      this.#dropped += Number(match?.[1] ?? 0);
    }
    return parsedLine + this.#dropped;
  }
}
