// Phone numbers: GoTo's many spellings ("7085550134", "+17085550134", "2101", "Anonymous") to E.164 and match keys.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isSupportedCountry } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';

export interface NormalizedNumber {
  /** E.164 when the number is a valid phone number in some region. */
  readonly e164: string | null;
  /** National significant number (digits, no country code); null if not parseable. */
  readonly national: string | null;
  /** The last `suffixDigits` digits of the dialable number; null when it has fewer digits. */
  readonly suffix: string | null;
  readonly withheld: boolean;
  /** Looks like an internal extension (2 to 6 digits). */
  readonly extension: string | null;
  readonly raw: string;
}

const WITHHELD = /^(anonymous|private|restricted|unknown|unavailable|withheld|blocked)$/i;
const EXTENSION = /^\d{2,6}$/;

export interface PhoneOptions {
  readonly defaultRegion: CountryCode;
  readonly suffixDigits: number;
}

/** The region code as libphonenumber's type, or null when it knows no such region ("ZZ"). */
export function supportedRegion(code: string): CountryCode | null {
  return isSupportedCountry(code) ? code : null;
}

/** Normalizes one number. Never throws: unusable input gives nulls. */
export function normalizePhone(input: string | null | undefined, options: PhoneOptions): NormalizedNumber {
  const raw = (input ?? '').trim();
  if (raw === '' || WITHHELD.test(raw)) {
    return { e164: null, national: null, suffix: null, withheld: true, extension: null, raw };
  }
  if (EXTENSION.test(raw)) {
    return { e164: null, national: null, suffix: null, withheld: false, extension: raw, raw };
  }
  const digits = raw.replace(/\D/g, '');
  const suffix = digits.length >= options.suffixDigits ? digits.slice(-options.suffixDigits) : null;
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry: options.defaultRegion, extract: false });
  if (parsed === undefined || !parsed.isPossible()) {
    return { e164: null, national: null, suffix, withheld: false, extension: null, raw };
  }
  const national = String(parsed.nationalNumber);
  return {
    e164: parsed.isValid() ? parsed.number : null,
    national,
    suffix: national.length >= options.suffixDigits ? national.slice(-options.suffixDigits) : suffix,
    withheld: false,
    extension: null,
    raw,
  };
}

/** "+13125550140" → "+1 312 555 0140"; anything else is returned as it is. */
export function formatInternational(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed === undefined ? e164 : parsed.formatInternational();
}

/** "+13125550140" → "(312) 555-0140", the way people type a number in its own country; else as it is. */
export function formatNational(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed === undefined ? e164 : parsed.formatNational();
}
