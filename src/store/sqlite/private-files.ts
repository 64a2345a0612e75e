// The SQLite file holds contacts, call history and sealed GoTo tokens: only screenpop's user may read it.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** Sets a file we own to 0600; one we do not own (EPERM) is left alone: its owner chose who reads it. */
function restrict(path: string): void {
  try {
    chmodSync(path, PRIVATE_FILE);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EPERM') {
      throw error;
    }
  }
}

/**
 * Makes the database's folder (when it creates it) 0700, and the database 0600 before SQLite opens it, so the
 * -wal and -shm files SQLite makes later get 0600 too (SQLite gives them the database file's mode). Files of an
 * older start (0644) are tightened; an existing folder is left as it is (it may be shared, or the working dir).
 */
export function preparePrivateFiles(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR });
  if (!existsSync(file)) {
    closeSync(openSync(file, 'a', PRIVATE_FILE)); // an empty file is a new database to SQLite
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) {
      restrict(path);
    }
  }
}
