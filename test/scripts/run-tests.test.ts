// Spec of scripts/run-tests.mjs (`npm test`): a folder runs every *.test.ts below it, a file runs just that file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder with two passing tests (one nested) and a helper that is not a test. */
function sampleTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'run-tests-'));
  mkdirSync(join(dir, 'nested'));
  const body = (name: string) => `import { test } from 'node:test';\ntest('${name}', () => {});\n`;
  writeFileSync(join(dir, 'a.test.ts'), body('sample a'));
  writeFileSync(join(dir, 'nested', 'b.test.ts'), body('sample b'));
  writeFileSync(join(dir, 'helper.ts'), 'throw new Error("not a test");\n');
  return dir;
}

function runTests(args: string[]): { status: number | null; output: string } {
  // Without NODE_TEST_CONTEXT: with it, the inner test runner thinks it is nested in this one and runs nothing.
  const { NODE_TEST_CONTEXT: _nested, ...env } = process.env;
  const result = spawnSync(process.execPath, ['scripts/run-tests.mjs', ...args], {
    encoding: 'utf8',
    env: { ...env, TEST_CONCURRENCY: '1' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('a file argument runs that one file', () => {
  const dir = sampleTree();
  try {
    const { status, output } = runTests([join(dir, 'nested', 'b.test.ts')]);
    assert.equal(status, 0, output);
    assert.match(output, /sample b/);
    assert.doesNotMatch(output, /sample a/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder argument runs every *.test.ts below it, and only those', () => {
  const dir = sampleTree();
  try {
    const { status, output } = runTests([dir]);
    assert.equal(status, 0, output);
    assert.match(output, /sample a/);
    assert.match(output, /sample b/);
    assert.match(output, /# tests 2\b|ℹ tests 2\b/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a path that does not exist is named, with exit code 2', () => {
  const { status, output } = runTests(['src/no/such.test.ts']);
  assert.equal(status, 2);
  assert.match(output, /no such test file or folder: src\/no\/such\.test\.ts/);
});
