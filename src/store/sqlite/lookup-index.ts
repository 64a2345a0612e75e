// SQLite only: an in-memory index in front of the caller lookup's queries. For every stored phone's suffix
// key it knows the one contact holding it, or that several do; and it knows which numbers have a pin.
// - A number whose suffix nobody holds (most unknown callers) is answered "no match" without a query
//   (a B-tree descent that finds nothing costs ~2.5 µs on 1M contacts, the pin read ~1 µs more).
// - A suffix one contact holds is read as that contact's row by id: one B-tree descent instead of two.
//   The store checks the row still has such a phone, so an entry made stale by an update or a delete only
//   sends the lookup back to the query.
// A "nobody" must never be wrong, so:
// - this connection's writes add their keys as they write (before the commit: a rollback leaves an entry
//   that the row check or the query corrects);
// - other connections' commits (`screenpop import` on the same file) are noticed through PRAGMA data_version,
//   read at most every `freshnessMs`, and caught up from the contact_phones ids above the last one seen
//   (AUTOINCREMENT since migration 0005, so ids are never reused) and, if the pins table changed, a re-read
//   of the pinned numbers.
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';

/** suffixOwner: no stored phone has this suffix. */
export const NOBODY = 0;
/** suffixOwner: several contacts (or one the index cannot name) have it: ask the database. */
export const SEVERAL = -1;

/** Rows per catch-up query, so the first load of 1M phones never holds them all at once. */
const CHUNK = 50_000;
/** Chunks one lookup reads when another process wrote many phones (~40 ms): a lookup never waits long. */
const CATCH_UP_CHUNKS = 2;
const EMPTY = -1; // a key slot no suffix uses (suffix keys are ≥ 0)
const MAX_OWNER = 0x7fffffff; // a contact id above it is stored as SEVERAL (the query then names it)

export interface LookupIndexOptions {
  /** How stale another process's writes may be when a lookup asks (default 50 ms). */
  readonly freshnessMs?: number;
  /** Load at once (a server); else at the first lookup, so a process that only writes (an import) holds none. */
  readonly eager?: boolean;
  /** Phones per catch-up query (default 50,000); a lookup reads at most two such chunks. */
  readonly chunkRows?: number;
  /**
   * With `eager`: read the phones one chunk per turn of the event loop instead of all before the constructor
   * returns (1M phones: ~0.4 s quiet, 1.5 s on a busy machine, all of it before a server could answer). Until
   * the last chunk, every lookup asks the database, as when another process wrote many phones.
   */
  readonly background?: boolean;
}

export class LookupIndex {
  private readonly freshnessMs: number;
  private readonly chunkRows: number;
  // Open addressing, linear probing, [key, owner] side by side (one cache line a probe; ~16 MB for 1M
  // phones): key is the suffix's last 9 digits read as a number, owner a contact id or SEVERAL.
  private slots = new Int32Array(2048).fill(EMPTY);
  private size = 0;
  private loaded = false;
  /** More new phones wait than one catch-up reads: lookups ask the database until the rest is read. */
  private behind = false;
  private pinned = new Set<string>();
  private lastPhoneId = 0;
  private pinsFingerprint = '';
  private dataVersion = -1;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** Loading in the background (options.background): lookups ask the database, and read no chunk themselves. */
  private warming = false;
  private readonly statements: ReturnType<typeof prepare>;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    options: LookupIndexOptions = {},
  ) {
    this.freshnessMs = options.freshnessMs ?? 50;
    this.chunkRows = options.chunkRows ?? CHUNK;
    this.statements = prepare(sqlite, this.chunkRows);
    if (options.eager !== false && options.background === true) {
      this.warm();
    } else if (options.eager !== false) {
      this.load();
    }
  }

  /** True once every phone stored when it started loading is in the index. */
  get ready(): boolean {
    return this.loaded && !this.warming && !this.behind;
  }

  /**
   * The contact id holding this suffix key, NOBODY, or SEVERAL. Suffixes longer than 9 digits share keys:
   * the owner is then one that holds some suffix with these last 9 digits, which the store's row check
   * (or the query, for SEVERAL) settles.
   */
  suffixOwner(suffix: string): number {
    this.refreshIfDue();
    const key = suffixKey(suffix);
    if (key === null || this.behind) {
      return SEVERAL;
    }
    const at = this.slotOf(key);
    return this.slots[at] === EMPTY ? NOBODY : this.slots[at + 1]!;
  }

  /** False only when the number has no pin. */
  mayHavePin(e164: string): boolean {
    this.refreshIfDue();
    return this.pinned.has(e164);
  }

  /** This connection is writing a phone of `contactId` with this suffix key. */
  addSuffix(suffix: string | null, contactId: number): void {
    const key = !this.loaded || suffix === null ? null : suffixKey(suffix); // not loaded: the load reads it
    if (key !== null) {
      this.addKey(key, contactId);
    }
  }

  private addKey(key: number, contactId: number): void {
    const at = this.slotOf(key);
    const owner = contactId <= MAX_OWNER ? contactId : SEVERAL;
    if (this.slots[at] === EMPTY) {
      this.slots[at] = key;
      this.slots[at + 1] = owner;
      this.size += 1;
      if (this.size * 10 > (this.slots.length / 2) * 7) {
        this.grow();
      }
    } else if (this.slots[at + 1] !== owner) {
      this.slots[at + 1] = SEVERAL;
    }
  }

  /** This connection is pinning this number. */
  addPin(e164: string): void {
    this.pinned.add(e164);
  }

  /** The index in `slots` of the pair holding `key`, or of the empty pair where it would go. */
  private slotOf(key: number): number {
    const mask = this.slots.length / 2 - 1;
    // Fibonacci hashing spreads runs of consecutive numbers (one exchange's lines) over the table.
    let slot = (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const k = this.slots[slot * 2]!;
      if (k === key || k === EMPTY) {
        return slot * 2;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Room for `phones` suffixes below the load limit (the first load then never rehashes). */
  private allocate(phones: number): void {
    let capacity = 1024;
    while (phones * 10 > capacity * 7) {
      capacity *= 2;
    }
    this.slots = new Int32Array(capacity * 2).fill(EMPTY);
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(EMPTY);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== EMPTY) {
        const at = this.slotOf(old[i]!);
        this.slots[at] = old[i]!;
        this.slots[at + 1] = old[i + 1]!;
      }
    }
  }

  private load(): void {
    this.loaded = true;
    this.allocate(this.statements.phoneCount.get() as number);
    this.refresh(Number.POSITIVE_INFINITY);
  }

  /** load(), one chunk per turn of the event loop (the pins, few, at once). */
  private warm(): void {
    this.loaded = true;
    this.warming = true;
    this.behind = true; // nothing read yet: no lookup may be told "nobody"
    // The largest id bounds the count (ids are never reused) and is one B-tree descent: count(*) reads the
    // whole table (~0.3 s at 1M phones).
    this.allocate(this.statements.maxPhoneId.get() as number);
    const step = (): void => {
      if (!this.sqlite.open) {
        return; // the store closed while loading
      }
      this.refresh(1);
      if (this.behind) {
        setImmediate(step);
      } else {
        this.warming = false;
      }
    };
    setImmediate(step);
  }

  private refreshIfDue(): void {
    if (!this.loaded) {
      this.load();
      return;
    }
    if (this.warming) {
      return; // `behind` until the last chunk: lookups ask the database
    }
    if (this.behind) {
      this.refresh(CATCH_UP_CHUNKS);
      return;
    }
    const now = performance.now();
    if (now - this.checkedAt >= this.freshnessMs) {
      this.checkedAt = now;
      const version = this.statements.dataVersion.get() as number;
      if (version !== this.dataVersion) {
        this.refresh(CATCH_UP_CHUNKS);
      }
    }
  }

  /**
   * Adds the phones written since the last refresh, at most `chunks` chunks of them (the rest at the next
   * lookups, which ask the database meanwhile), and re-reads the pins when their table changed.
   */
  private refresh(chunks: number): void {
    const s = this.statements;
    // Read first: a commit after this read changes it again, so the next check catches that commit up.
    this.dataVersion = s.dataVersion.get() as number;
    this.behind = false;
    for (let chunk = 1; ; chunk++) {
      const [last, count, keys, owners] = s.phonesAfter.get(this.lastPhoneId) as ChunkRow;
      const keyList = JSON.parse(keys) as (number | null)[];
      const ownerList = JSON.parse(owners) as number[];
      for (let i = 0; i < count; i++) {
        const key = keyList[i];
        if (key !== null && key !== undefined && key >= 0) {
          this.addKey(key, ownerList[i]!);
        }
      }
      if (count > 0) {
        this.lastPhoneId = last!;
      }
      if (count < this.chunkRows) {
        break;
      }
      if (chunk >= chunks) {
        this.behind = true;
        break;
      }
    }
    const fingerprint = s.pinsFingerprint.get() as string;
    if (fingerprint !== this.pinsFingerprint) {
      this.pinsFingerprint = fingerprint;
      // Added to, never replaced: a pin this connection is writing right now is in the set, not yet in the
      // table. A removed pin stays a "maybe" that the pin read settles.
      for (const e164 of s.pins.all() as string[]) {
        this.pinned.add(e164);
      }
    }
  }
}

/** A suffix's last 9 digits as a number (below 2^31), or null when it is not all digits. */
function suffixKey(suffix: string): number | null {
  const tail = suffix.length > 9 ? suffix.slice(-9) : suffix;
  return /^\d+$/.test(tail) ? Number(tail) : null;
}

/** One phonesAfter row: the chunk's last id, its size, and its keys and owners as JSON arrays. */
type ChunkRow = [number | null, number, string, string];

function prepare(sqlite: BetterSqlite3.Database, chunkRows: number) {
  return {
    // Other connections' commits change it; this connection's own do not (their keys are added as written).
    dataVersion: sqlite.prepare('PRAGMA data_version').pluck(),
    phoneCount: sqlite.prepare('SELECT count(*) FROM contact_phones').pluck(),
    maxPhoneId: sqlite.prepare('SELECT coalesce(max(id), 0) FROM contact_phones').pluck(),
    // A chunk as one row of two JSON arrays: 1M phones parse in ~0.3 s this way, ~0.8 s as 1M rows. Keys are
    // computed as suffixKey does; -1 marks a suffix that is not all digits, null a phone without one.
    phonesAfter: sqlite
      .prepare<[number]>(
        `SELECT max(id), count(*),
           json_group_array(CASE WHEN suffix = '' OR suffix GLOB '*[^0-9]*' THEN -1 ELSE CAST(substr(suffix, -9) AS INTEGER) END),
           json_group_array(contact_id)
         FROM (SELECT id, suffix, contact_id FROM contact_phones WHERE id > ? ORDER BY id LIMIT ${chunkRows})`,
      )
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
