// Reads the GoTo wire-format fixtures of test/fixtures/goto (see its README), for shape tests; a missing file fails.
import { readFile } from 'node:fs/promises';

/** The fixtures folder, inside the repository. */
export const FIXTURES_DIR = new URL('../../../test/fixtures/goto/', import.meta.url);

/** Parses one fixture file, e.g. fixture('oauth/token-refresh.json'). */
export async function fixture(path: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(path, FIXTURES_DIR), 'utf8')) as unknown;
}
