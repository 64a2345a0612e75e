// Builds Party values from GoTo's number spellings, with a bounded cache: phone parsing is the hot path's cost.
import { createBulkNormalizer } from '../phone/nanp-memo.ts';
import type { PhoneNormalizer } from '../phone/nanp-memo.ts';
import type { NormalizedNumber, PhoneOptions } from '../phone/phone.ts';
import type { Party } from '../calls/types.ts';

/** Bounded memo of normalizePhone; cleared when full (a call centre sees far fewer distinct numbers). */
export class PhoneCache {
  readonly #entries = new Map<string, NormalizedNumber>();
  /**
   * normalizePhone with the NANP prefix memo: in a contact centre most callers are new numbers, so a miss is
   * the common case, and a libphonenumber parse is ~9 µs and ~16 KB of garbage per call (issue 12).
   */
  readonly #normalize: PhoneNormalizer;

  constructor(
    options: PhoneOptions,
    private readonly limit = 20_000,
  ) {
    this.#normalize = createBulkNormalizer(options);
  }

  normalize(raw: string): NormalizedNumber {
    const hit = this.#entries.get(raw);
    if (hit !== undefined) {
      return hit;
    }
    if (this.#entries.size >= this.limit) {
      this.#entries.clear();
    }
    const value = this.#normalize(raw);
    this.#entries.set(raw, value);
    return value;
  }

  /** An external party (caller / callee): "Anonymous" is withheld; an empty name is no name. */
  party(number: string | null, name: string | null): Party {
    const n = this.normalize(number ?? '');
    return {
      e164: n.e164,
      raw: n.raw,
      name: cleanName(name),
      withheld: n.withheld,
      extension: n.extension,
    };
  }

  /** E.164 of a company number (dialed DID), or null. */
  e164(number: string | null): string | null {
    return number === null ? null : this.normalize(number).e164;
  }
}

/** One of the account's own lines as a party (internal calls, the dialling line of an outbound call). */
export function linePart(extension: string | null, name: string | null): Party {
  return { e164: null, raw: extension ?? '', name: cleanName(name), withheld: false, extension };
}

/** GoTo pads some CNAMs ("BRIARWOOD    IL") and sends "" for unknown names. */
export function cleanName(name: string | null): string | null {
  if (name === null) {
    return null;
  }
  const trimmed = name.trim();
  return trimmed === '' ? null : trimmed;
}

const caches = new WeakMap<PhoneOptions, PhoneCache>();

/** One PhoneCache per options object, so the pure normalizers of both APIs share the memo. */
export function phoneCacheFor(options: PhoneOptions): PhoneCache {
  let cache = caches.get(options);
  if (cache === undefined) {
    cache = new PhoneCache(options);
    caches.set(options, cache);
  }
  return cache;
}
