// Reads the GoTo reference fixtures that sit beside the checkout (../shared/goto-fixtures), for shape tests.
import { access, readFile } from 'node:fs/promises';

/** The fixtures folder: /work/shared beside /work/main locally, shared/ beside the clone in CI. */
export const FIXTURES_DIR = new URL('../../../../shared/goto-fixtures/', import.meta.url);

/** Whether the fixtures folder exists; tests skip with FIXTURES_MISSING when it does not. */
export async function fixturesAvailable(): Promise<boolean> {
  try {
    await access(FIXTURES_DIR);
    return true;
  } catch {
    return false;
  }
}

export const FIXTURES_MISSING = `GoTo fixtures not found at ${FIXTURES_DIR.pathname}; shape comparison skipped`;

/** Parses one fixture file, e.g. fixture('oauth/token-refresh.json'). */
export async function fixture(path: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(path, FIXTURES_DIR), 'utf8')) as unknown;
}
