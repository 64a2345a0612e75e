#!/usr/bin/env node
// The `screenpop` command: runs the compiled build (dist/server, `npm run build:server`) when it is newer than
// every source file, else registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const stamp = join(root, 'dist', 'server', 'build-stamp.json');

/** Whether some file under `dir` changed after `since` (ms): the build would then run stale code. */
function changedSince(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(path, since) : statSync(path).mtimeMs > since) {
      return true;
    }
  }
  return false;
}

const built = existsSync(stamp) && !changedSince(join(root, 'src'), statSync(stamp).mtimeMs);
if (built) {
  await import('../dist/server/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
