#!/usr/bin/env node
// Runs tests with node's test runner and tsx: every *.test.ts below the given folders (default: src, web, test and bench),
// and any test file named directly (`npm test -- src/x/y.test.ts`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) {
      continue;
    }
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (name.endsWith('.test.ts')) {
      files.push(path);
    }
  }
};
const missing = roots.filter((root) => !existsSync(root));
if (missing.length > 0) {
  console.error(`no such test file or folder: ${missing.join(', ')}`);
  process.exit(2);
}
for (const root of roots.length > 0 ? roots : ['src', 'web', 'test', 'bench']) {
  if (statSync(root).isDirectory()) {
    walk(root);
  } else {
    files.push(root);
  }
}
files.sort();
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...extra,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
