// SQLite only: an in-memory "could this number match anything?" test in front of the caller lookup's queries.
// Many calls come from numbers the store does not hold; for those, the phone query descends a B-tree to find
// nothing (~2.5 µs on 1M contacts) and the pin read takes another ~1 µs. A bitmap of every stored phone's
// last digits and the set of pinned numbers answer "no" in ~0.1 µs. A stale "maybe" (a phone or pin since
// deleted) only costs the queries a lookup without this filter always runs; a "no" must never be wrong, so:
// - this connection's writes add their keys as they write (before the commit: a rollback leaves a "maybe");
// - other connections' commits (`screenpop import` on the same file) are noticed through PRAGMA data_version,
//   read at most every `freshnessMs`, and caught up from the contact_phones ids above the last one seen
//   (AUTOINCREMENT since migration 0005, so ids are never reused) and, if the pins table changed, a re-read
//   of the pinned numbers.
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';

/** The bitmap keys on at most this many last digits: 10^8 bits is 12.5 MB. */
const MAX_BITMAP_DIGITS = 8;
/** Rows per catch-up query, so the first load of 1M phones never holds them all at once. */
const CHUNK = 50_000;

export interface LookupFilterOptions {
  /** Digits in a phone's suffix key (SCREENPOP_MATCH_SUFFIX_DIGITS). */
  readonly suffixDigits: number;
  /** How stale another process's writes may be when a lookup asks (default 50 ms). */
  readonly freshnessMs?: number;
}

export class LookupFilter {
  private readonly digits: number;
  private readonly bits: Uint8Array;
  private readonly freshnessMs: number;
  private pinned = new Set<string>();
  private lastPhoneId = 0;
  private pinsFingerprint = '';
  private dataVersion = -1;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private readonly statements: ReturnType<typeof prepare>;

  constructor(sqlite: BetterSqlite3.Database, options: LookupFilterOptions) {
    this.digits = Math.min(options.suffixDigits, MAX_BITMAP_DIGITS);
    this.bits = new Uint8Array(Math.ceil(10 ** this.digits / 8));
    this.freshnessMs = options.freshnessMs ?? 50;
    this.statements = prepare(sqlite);
    this.refresh();
  }

  /** False only when no stored phone has this suffix key. */
  mayHaveSuffix(suffix: string): boolean {
    this.refreshIfDue();
    const key = this.key(suffix);
    return key === null || (this.bits[key >>> 3]! & (1 << (key & 7))) !== 0;
  }

  /** False only when the number has no pin. */
  mayHavePin(e164: string): boolean {
    this.refreshIfDue();
    return this.pinned.has(e164);
  }

  /** This connection is writing a phone with this suffix key. */
  addSuffix(suffix: string | null): void {
    const key = suffix === null ? null : this.key(suffix);
    if (key !== null) {
      this.bits[key >>> 3]! |= 1 << (key & 7);
    }
  }

  /** This connection is pinning this number. */
  addPin(e164: string): void {
    this.pinned.add(e164);
  }

  /** The bitmap index of a suffix key (its last digits), or null when it is not all digits. */
  private key(suffix: string): number | null {
    const tail = suffix.length > this.digits ? suffix.slice(-this.digits) : suffix;
    return /^\d+$/.test(tail) ? Number(tail) : null;
  }

  private refreshIfDue(): void {
    const now = performance.now();
    if (now - this.checkedAt >= this.freshnessMs) {
      this.checkedAt = now;
      const version = this.statements.dataVersion.get() as number;
      if (version !== this.dataVersion) {
        this.dataVersion = version;
        this.refresh();
      }
    }
  }

  /** Adds every phone written since the last refresh, and re-reads the pins when their table changed. */
  private refresh(): void {
    const s = this.statements;
    this.dataVersion = s.dataVersion.get() as number;
    for (;;) {
      const rows = s.phonesAfter.all(this.lastPhoneId) as [number, string | null][];
      for (const [, suffix] of rows) {
        this.addSuffix(suffix);
      }
      if (rows.length < CHUNK) {
        this.lastPhoneId = rows.length === 0 ? this.lastPhoneId : rows[rows.length - 1]![0];
        break;
      }
      this.lastPhoneId = rows[rows.length - 1]![0];
    }
    const fingerprint = s.pinsFingerprint.get() as string;
    if (fingerprint !== this.pinsFingerprint) {
      this.pinsFingerprint = fingerprint;
      this.pinned = new Set(s.pins.all() as string[]);
    }
  }
}

function prepare(sqlite: BetterSqlite3.Database) {
  return {
    // Other connections' commits change it; this connection's own do not (their keys are added as written).
    dataVersion: sqlite.prepare('PRAGMA data_version').pluck(),
    phonesAfter: sqlite
      .prepare<[number]>(`SELECT id, suffix FROM contact_phones WHERE id > ? ORDER BY id LIMIT ${CHUNK}`)
      .raw(),
    // A pin added, removed or re-pinned changes one of the three.
    pinsFingerprint: sqlite
      .prepare(
        `SELECT count(*) || ':' || coalesce(max(rowid), 0) || ':' || coalesce(max(pinned_at), 0) FROM pins`,
      )
      .pluck(),
    pins: sqlite.prepare('SELECT e164 FROM pins').pluck(),
  };
}
