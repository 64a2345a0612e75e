// Test helper: reads the GoTo wire-format fixtures of test/fixtures/goto (see its README); a missing file fails.
import { readFileSync } from 'node:fs';
import type { PhoneOptions } from '../../phone/phone.ts';

export const fixturesDir = new URL('../../../test/fixtures/goto/', import.meta.url);

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
