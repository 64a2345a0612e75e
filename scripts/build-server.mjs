#!/usr/bin/env node
// npm run build:server: src/**/*.ts (tests and testing/ folders left out) → dist/server/**/*.js with esbuild, file
// for file (no bundle: import.meta.url and the worker's module path keep their relative places), relative
// ".ts" specifiers rewritten to ".js", the other files of src (JSON, .mjs) copied. bin/screenpop.mjs runs this
// build when it is newer than every source file, so start-up does not pay tsx's transpiling (issue 12: the
// start-up goal of 1.5 s). Tests and the bench's other processes still run the sources under tsx.
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
const OUT = join(ROOT, 'dist', 'server');
/** Written last: its presence says the build is whole; bin/screenpop.mjs compares its time with the sources'. */
export const STAMP = 'build-stamp.json';

function sources(dir, found = { ts: [], other: [] }) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'testing') {
        sources(path, found);
      }
    } else if (name.endsWith('.test.ts') || name.endsWith('.contract.ts') || name.endsWith('.md')) {
      continue;
    } else if (name.endsWith('.ts')) {
      found.ts.push(path);
    } else {
      found.other.push(path);
    }
  }
  return found;
}

// A string literal naming a relative module with its .ts extension ("./x.ts", '../y/z.ts'): imports, dynamic
// imports and new URL('./worker.ts', import.meta.url) alike.
const RELATIVE_TS = /(["'])(\.\.?\/[^"'\n]*?)\.ts\1/g;

export async function buildServer() {
  const started = performance.now();
  const { ts, other } = sources(SRC);
  rmSync(OUT, { recursive: true, force: true });
  const result = await build({
    entryPoints: ts,
    outbase: SRC,
    outdir: OUT,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
  });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const text = file.path.endsWith('.js') ? file.text.replace(RELATIVE_TS, '$1$2.js$1') : file.text;
    writeFileSync(file.path, text);
  }
  for (const path of other) {
    const to = join(OUT, relative(SRC, path));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(path, to);
  }
  const ms = performance.now() - started;
  writeFileSync(join(OUT, STAMP), JSON.stringify({ files: ts.length, ms: Math.round(ms) }) + '\n');
  return { files: ts.length, ms };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files, ms } = await buildServer();
  if (!process.argv.includes('--silent')) {
    console.log(`build:server: ${files} files → ${relative(ROOT, OUT)} in ${ms.toFixed(0)} ms`);
  }
}
