// Test helper: reads the shared GoTo fixtures (../shared/goto-fixtures), or says why they are missing.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PhoneOptions } from '../../phone/phone.ts';

export const fixturesDir = new URL('../../../../shared/goto-fixtures/', import.meta.url);

/** A reason to skip, or false when the fixtures are there. */
export const fixturesMissing: string | false = existsSync(fileURLToPath(fixturesDir))
  ? false
  : `GoTo fixtures not found at ${fileURLToPath(fixturesDir)}`;

export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(path, fixturesDir), 'utf8'));
}

/** A fixture file that holds an array of frames or bodies. */
export function fixtureList(path: string): unknown[] {
  const value = fixture(path);
  if (!Array.isArray(value)) {
    throw new Error(`${path} is not a JSON array`);
  }
  return value;
}

export const usPhone: PhoneOptions = Object.freeze({ defaultRegion: 'US', suffixDigits: 7 });
