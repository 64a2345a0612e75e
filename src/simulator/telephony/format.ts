// Spelling rules of GoTo payloads: timestamp precision per payload kind, UUID versions, legacy number formats.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Live notifications: milliseconds with trailing zeros trimmed (`…:27.57Z`, `…:12Z`) — fixtures README. */
export function liveTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // always …ss.mmmZ
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}Z`;
}

/** Call Events Report bodies: three digits (`…:27.570Z`), no fraction at a whole second. */
export function reportTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

/**
 * Random bytes from a pool refilled 64 KiB at a time: a call at load-test rates needs dozens of small random
 * values (ids, nanoseconds), and one randomBytes call each cost more than the rest of the id.
 */
const POOL_SIZE = 64 * 1024;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

function randomChunk(length: number): Buffer {
  if (length > POOL_SIZE) {
    return randomBytes(length);
  }
  if (poolOffset + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  poolOffset += length;
  return pool.subarray(poolOffset - length, poolOffset);
}

/** Notification envelopes: up to nine fractional digits (`…:02.330396546Z`), trailing zeros trimmed. */
export function envelopeTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  const nanos = `${iso.slice(20, 23)}${String(randomChunk(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`;
  const fraction = nanos.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}Z`;
}

/**
 * A UUID spelled as version 3 or 5. GoTo's are name-based; the simulator has no names to hash, so random bytes
 * with the version and variant bits set look the same (hashing random bytes added cost, not realism).
 */
function namedUuid(version: 3 | 5): string {
  const bytes = Buffer.from(randomChunk(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | (version << 4);
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** conversationSpaceId: a version-3 UUID. */
export const uuidV3 = (): string => namedUuid(3);
/** State, participant and IVR ids: version-5 UUIDs. */
export const uuidV5 = (): string => namedUuid(5);
/** Leg, notification, execution, recording ids: version-4 UUIDs. */
export const uuidV4 = (): string => randomUUID();

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Opaque id from the URL-safe alphabet (channel ids, session ids, page markers). */
export function opaqueId(length: number, alphabet = `${ALNUM}_-`): string {
  const bytes = randomChunk(length);
  let out = '';
  for (const byte of bytes) {
    out += alphabet[byte % alphabet.length];
  }
  return out;
}

/** Stable 30-character address of record for a device (Realtime `participant`). */
export function addressOfRecord(deviceId: string): string {
  const digest = createHash('sha256').update(deviceId).digest();
  let out = '';
  for (let i = 0; i < 30; i += 1) {
    out += ALNUM[(digest[i] ?? 0) % ALNUM.length];
  }
  return out;
}

/**
 * A caller's number as typed by anyone → E.164 (North American default), or "Anonymous" when withheld.
 * Returns null for something that is not a phone number.
 */
export function toE164(raw: string): string | null {
  const trimmed = raw.trim();
  if (/^anonymous$/i.test(trimmed)) {
    return 'Anonymous';
  }
  const digits = trimmed.replace(/[\s().-]/g, '');
  if (/^\+\d{7,15}$/.test(digits)) {
    return digits;
  }
  if (/^\d{10}$/.test(digits)) {
    return `+1${digits}`;
  }
  if (/^1\d{10}$/.test(digits)) {
    return `+${digits}`;
  }
  return null;
}

/** Legacy Realtime spelling: North American numbers as 10 digits without +1 (§4.5). */
export function legacyNumber(e164: string): string {
  if (/^\+1\d{10}$/.test(e164)) {
    return e164.slice(2);
  }
  return e164.startsWith('+') ? e164.slice(1) : e164;
}

/** The digits a user dials for a number (`dialString`, §6.4.1): "6305550188" for +16305550188. */
export function dialDigits(e164: string): string {
  return legacyNumber(e164);
}
