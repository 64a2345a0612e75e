// normalizePhone for bulk imports: plain NANP spellings ("(312) 555-0140", "312-555-0140", "+13125550140")
// answered from a memo keyed by area code + exchange, instead of a ~9 µs libphonenumber parse per number.
// Why a 6-digit key is enough: with the US as the default region, libphonenumber's verdict on a 10-digit
// NANP number (possible? valid?) depends only on its first six digits (every +1 pattern in the metadata is
// NPA-NXX, then free digits). The first number of each prefix still goes through normalizePhone, and the
// memo only keeps prefixes whose answer has exactly the shape below; nanp-memo.test.ts compares the two on
// many generated numbers.
import { normalizePhone } from './phone.ts';
import type { NormalizedNumber, PhoneOptions } from './phone.ts';

/** National: "(312) 555-0140", "312 555 0140", "312-555-0140", "312.555.0140", "3125550140"; or "+13125550140". */
const NATIONAL = /^(?:\(([2-9]\d{2})\) ?|([2-9]\d{2})[-. ]?)(\d{3})[-. ]?(\d{4})$/;
const PLUS_ONE = /^\+1([2-9]\d{2})(\d{3})(\d{4})$/;

/** What a prefix's first number taught: both flags, or that it did not fit the shape (always ask libphonenumber). */
type Verdict = 'valid' | 'possible' | 'impossible' | 'slow';

/** Distinct prefixes kept before the memo starts over (~100 bytes each). */
const MAX_PREFIXES = 200_000;

export type PhoneNormalizer = (input: string | null | undefined) => NormalizedNumber;

/** A normalizePhone with a prefix memo for one set of options; the US default region only, else plain. */
export function createBulkNormalizer(options: PhoneOptions): PhoneNormalizer {
  if (options.defaultRegion !== 'US' || options.suffixDigits > 10) {
    return (input) => normalizePhone(input, options);
  }
  const memo = new Map<string, Verdict>();
  return (input) => {
    const raw = (input ?? '').trim();
    const plus = raw.charCodeAt(0) === 43; // "+"
    const m = plus ? PLUS_ONE.exec(raw) : NATIONAL.exec(raw);
    if (m === null) {
      return normalizePhone(input, options);
    }
    const prefix = plus ? `+${m[1]}${m[2]}` : `${m[1] ?? m[2]}${m[3]}`;
    const ten = plus ? `${m[1]}${m[2]}${m[3]}` : `${m[1] ?? m[2]}${m[3]}${m[4]}`;
    const verdict = memo.get(prefix);
    if (verdict === undefined) {
      const n = normalizePhone(input, options);
      if (memo.size >= MAX_PREFIXES) {
        memo.clear();
      }
      memo.set(prefix, verdictOf(n, ten, options.suffixDigits));
      return n;
    }
    if (verdict === 'slow') {
      return normalizePhone(input, options);
    }
    return {
      e164: verdict === 'valid' ? `+1${ten}` : null,
      national: verdict === 'impossible' ? null : ten,
      suffix: ten.slice(-options.suffixDigits),
      withheld: false,
      extension: null,
      raw,
    };
  };
}

/** The verdict that rebuilds `n` exactly from the ten digits, or 'slow' when none does. */
function verdictOf(n: NormalizedNumber, ten: string, suffixDigits: number): Verdict {
  if (n.withheld || n.extension !== null || n.suffix !== ten.slice(-suffixDigits)) {
    return 'slow';
  }
  if (n.national === null) {
    return n.e164 === null ? 'impossible' : 'slow';
  }
  if (n.national !== ten) {
    return 'slow';
  }
  if (n.e164 === null) {
    return 'possible';
  }
  return n.e164 === `+1${ten}` ? 'valid' : 'slow';
}
