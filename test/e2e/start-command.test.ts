// The one-command demo: `screenpop start` with no GoTo settings runs the simulator, prints the URL, serves, and
// stops cleanly on Ctrl+C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeCallCommand } from '../../src/cli/commands/start.ts';

/** Runs the banner's "place one yourself" command as printed: it must reach the simulator this run started. */
async function placeTheBannersCall(output: string): Promise<void> {
  const simulator = /GoTo simulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  const command = /place one yourself:\n\s+npx screenpop (simulate call .*)/.exec(output)?.[1];
  assert.ok(simulator !== undefined && command !== undefined, output);
  assert.ok(command.endsWith(`--sim ${simulator}`), command);
  const child = spawn(process.execPath, ['bin/screenpop.mjs', ...command.split(' ')], {
    env: { ...process.env, SCREENPOP_SIM_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += String(chunk)));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, printed);
  assert.match(printed, /"conversationSpaceId"/);
}

test('placeCallCommand names the simulator with --sim unless it is the default one', () => {
  assert.doesNotMatch(placeCallCommand('http://127.0.0.1:7070'), /--sim/);
  assert.match(placeCallCommand('http://127.0.0.1:41234'), / --sim http:\/\/127\.0\.0\.1:41234$/);
});

test('screenpop start prints the URL, serves sign-in towards the simulator, and exits 0 on SIGINT', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-start-'));
  const child = spawn(process.execPath, ['bin/screenpop.mjs', 'start'], {
    env: {
      ...process.env,
      SCREENPOP_PORT: '0',
      SCREENPOP_SIMULATOR_PORT: '0',
      SCREENPOP_DATA_DIR: dataDir,
      SCREENPOP_DEMO_CALL_INTERVAL: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += String(chunk);
        const match = /screenpop is running: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}:\n${output}`)));
    });
    assert.match(output, /demo mode: GoTo simulator at http:\/\/127\.0\.0\.1:\d+/);
    await placeTheBannersCall(output);
    assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { ok: true });
    assert.equal((await fetch(`${url}/api/me`)).status, 401);
    const login = await fetch(`${url}/auth/login`, { redirect: 'manual' });
    assert.match(login.headers.get('location') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 1_500)); // let the demo traffic place a call or two
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
