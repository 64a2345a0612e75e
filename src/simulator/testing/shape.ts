// Structural comparison of JSON payloads with the GoTo fixtures: member names, nesting, JSON kinds, null versus
// absent, array element shapes and timestamp spelling. Values themselves are never compared.

/** How an ISO-8601 UTC timestamp spells its fraction (fixtures README, "Timestamps"). */
export type TimestampSpelling =
  /** Live notifications: milliseconds with trailing zeros trimmed (`…:27.57Z`, `…:12Z`). */
  | 'trimmed-ms'
  /** Call Events Report bodies: always 3 digits (`…:27.570Z`), no fraction at a whole second. */
  | 'fixed-ms'
  /** Notification envelopes: up to 9 fractional digits (`…:02.330396546Z`). */
  | 'nanos';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d+))?Z$/;
const ALL_SPELLINGS: readonly TimestampSpelling[] = ['trimmed-ms', 'fixed-ms', 'nanos'];

/**
 * The spellings a string is consistent with; empty when it is not an ISO UTC timestamp. One string can fit
 * several (`…:12Z` fits all three, `…:27.602Z` fits trimmed and fixed milliseconds).
 */
export function timestampSpellings(value: string): readonly TimestampSpelling[] {
  const match = ISO_UTC.exec(value);
  if (match === null) {
    return [];
  }
  const fraction = match[1];
  if (fraction === undefined) {
    return ALL_SPELLINGS;
  }
  if (fraction.length > 3) {
    return fraction.length <= 9 ? ['nanos'] : [];
  }
  const trimmed = !fraction.endsWith('0');
  if (fraction.length === 3) {
    return trimmed ? ['trimmed-ms', 'fixed-ms'] : ['fixed-ms'];
  }
  return trimmed ? ['trimmed-ms'] : [];
}

type JsonKind = 'absent' | 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' | 'other';

function kindOf(value: unknown): JsonKind {
  if (value === undefined) {
    return 'absent';
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'other';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return kindOf(value) === 'object';
}

/**
 * Compares the structure of `actual` with `expected` and lists every difference as "path: what". An empty
 * list means the shapes match. Array elements are matched to the expected element of the same kind
 * (discriminator `type.value`, else `type`), choosing the closest one when several qualify.
 */
export function shapeDiff(actual: unknown, expected: unknown, path = '$'): string[] {
  const actualKind = kindOf(actual);
  const expectedKind = kindOf(expected);
  if (actualKind !== expectedKind) {
    return [`${path}: expected ${expectedKind}, got ${actualKind}`];
  }
  if (typeof actual === 'string' && typeof expected === 'string') {
    return compareStrings(actual, expected, path);
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return compareArrays(actual, expected, path);
  }
  if (isRecord(actual) && isRecord(expected)) {
    return compareObjects(actual, expected, path);
  }
  return [];
}

function compareStrings(actual: string, expected: string, path: string): string[] {
  const wanted = timestampSpellings(expected);
  if (wanted.length === 0) {
    return [];
  }
  const got = timestampSpellings(actual);
  if (got.some((spelling) => wanted.includes(spelling))) {
    return [];
  }
  const gotText = got.length === 0 ? 'not an ISO UTC timestamp' : got.join('/');
  return [
    `${path}: timestamp spelled ${gotText} ("${actual}"), expected ${wanted.join('/')} ("${expected}")`,
  ];
}

function compareObjects(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
  path: string,
): string[] {
  const diffs: string[] = [];
  for (const [key, value] of Object.entries(expected)) {
    const childPath = `${path}.${key}`;
    if (!Object.hasOwn(actual, key)) {
      diffs.push(`${childPath}: missing (expected ${kindOf(value)})`);
      continue;
    }
    diffs.push(...shapeDiff(actual[key], value, childPath));
  }
  for (const [key, value] of Object.entries(actual)) {
    if (!Object.hasOwn(expected, key)) {
      diffs.push(`${path}.${key}: unexpected member (${kindOf(value)})`);
    }
  }
  return diffs;
}

/** `type.value` (Call Events participants), else a string `type` (states, IVRs, frames); null when neither. */
export function discriminatorOf(value: unknown): string | null {
  if (!isRecord(value)) {
    return null;
  }
  const type = value['type'];
  if (isRecord(type) && typeof type['value'] === 'string') {
    return `type.value=${type['value']}`;
  }
  if (typeof type === 'string') {
    return `type=${type}`;
  }
  return null;
}

function compareArrays(actual: readonly unknown[], expected: readonly unknown[], path: string): string[] {
  if (expected.length === 0) {
    return [];
  }
  const diffs: string[] = [];
  actual.forEach((element, index) => {
    diffs.push(...compareElement(element, expected, `${path}[${index}]`));
  });
  return diffs;
}

function compareElement(element: unknown, expected: readonly unknown[], path: string): string[] {
  const discriminator = discriminatorOf(element);
  const candidates =
    discriminator === null ? expected : expected.filter((e) => discriminatorOf(e) === discriminator);
  if (candidates.length === 0) {
    return [`${path}: no expected element of kind ${discriminator ?? kindOf(element)}`];
  }
  let best: string[] | null = null;
  for (const candidate of candidates) {
    const diffs = shapeDiff(element, candidate, path);
    if (diffs.length === 0) {
      return [];
    }
    if (best === null || diffs.length < best.length) {
      best = diffs;
    }
  }
  return best ?? [];
}
