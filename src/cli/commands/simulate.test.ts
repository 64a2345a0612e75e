// Spec of `screenpop simulator` and `screenpop simulate`: argument mapping, and the real commands over loopback.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../simulator/index.ts';
import { callBody, defaultScenario, faultBody, parseDuration, trafficBody } from './simulate.ts';

const BIN = fileURLToPath(new URL('../../../bin/screenpop.mjs', import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

test('durations: 500ms, 3s, 2m and bare seconds', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('3s'), 3000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1.5'), 1500);
  assert.throws(() => parseDuration('soon'), /not a duration/);
});

test('the scenario defaults from the numbers: internal, outbound, else answered', () => {
  assert.equal(defaultScenario('2101', '2104'), 'internal');
  assert.equal(defaultScenario('2101', '+16305550188'), 'outbound');
  assert.equal(defaultScenario('+15551234567', '2200'), 'answered');
});

test('simulate call maps its flags onto the POST /_sim/calls body', () => {
  const body = callBody([
    '--from',
    '+15551234567',
    '--to',
    '2200',
    '--name',
    'JORDAN LEE',
    '--answer-after',
    '3s',
    '--answered-by',
    '2103',
    '--talk',
    '30s',
    '--scenario',
    'queue',
    '--sim',
    'http://127.0.0.1:1',
  ]);
  assert.deepEqual(body, {
    scenario: 'queue',
    from: '+15551234567',
    to: '2200',
    callerName: 'JORDAN LEE',
    answerAfterMs: 3000,
    answeredBy: '2103',
    talkMs: 30_000,
  });
  assert.throws(() => callBody(['--from', '+15551234567']), /--from and --to/);
  assert.throws(() => callBody(['--from', '1', '--to', '2', '--bogus']), /bogus/);
});

test('simulate traffic and fault bodies', () => {
  assert.deepEqual(trafficBody(['--rate', '2', '--count', '100']), { callsPerSecond: 2, maxCalls: 100 });
  assert.deepEqual(trafficBody(['--stop']), { stop: true });
  assert.throws(() => trafficBody(['--rate', '0']), /--rate/);
  assert.deepEqual(faultBody(['--drop', '0.1', '--close-sockets', '--no-keepalives']), {
    drop: 0.1,
    keepalives: false,
    closeSockets: true,
  });
  assert.throws(() => faultBody(['--drop', '1.5']), /between 0 and 1/);
});

test('screenpop simulate fault changes a running simulator and prints the result', async () => {
  const sim = await startSimulator();
  try {
    const { code, stdout } = await runCli([
      'simulate',
      'fault',
      '--drop',
      '0.1',
      '--expire-tokens',
      '--sim',
      sim.url,
    ]);
    assert.equal(code, 0);
    assert.equal(sim.ctx.faults.drop, 0.1);
    assert.equal((JSON.parse(stdout) as { expiredTokens: number }).expiredTokens, 0);
  } finally {
    await sim.close();
  }
});

test('screenpop simulate reports an unreachable simulator clearly and exits 1', async () => {
  const { code, stderr } = await runCli(['simulate', 'fault', '--drop', '0', '--sim', 'http://127.0.0.1:9']);
  assert.equal(code, 1);
  assert.match(stderr, /cannot reach the simulator at http:\/\/127\.0\.0\.1:9/);
});

/** Runs `screenpop simulator ARGS` and resolves once its banner is out, with the URL it listens on. */
async function simulatorCli(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'simulator', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${stdout}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1] !== undefined && stdout.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { child, url, stdout };
}

test('screenpop simulator prints the base URL and seeded users, serves, and stops on SIGINT', async () => {
  const { child, url, stdout } = await simulatorCli([]);
  try {
    assert.match(stdout, /Priya Castellano\s+ext 2101/);
    assert.match(stdout, /\+13125550140 → dial plan → queue 2200 "Service Desk"/);
    assert.match(stdout, /client_id screenpop-demo\s+client_secret screenpop-demo-secret/);
    assert.match(stdout, /curl -s -X POST/);
    assert.equal((await fetch(`${url}/_sim/health`)).status, 200);
  } finally {
    child.kill('SIGINT');
  }
  // A simulator that ignored SIGINT would never exit: the test would time out instead of passing.
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('screenpop simulator --public-url names that origin in the banner and in the URLs it hands out', async () => {
  const { child, url, stdout } = await simulatorCli(['--public-url', 'https://goto.test']);
  try {
    assert.match(stdout, /URLs it hands out name https:\/\/goto\.test/);
    const token = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('screenpop-demo:screenpop-demo-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=personal_access_token&pat=sim-pat-priya',
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const session = await fetch(`${url}/v2/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.match(((await session.json()) as { ws: string }).ws, /^wss:\/\/goto\.test\/ws\/v2\//);
  } finally {
    child.kill('SIGINT');
  }
  assert.deepEqual(await once(child, 'exit'), [0, null]);
});

test('screenpop simulator refuses a --public-url with a path and exits 1', async () => {
  const { code, stderr } = await runCli(['simulator', '--port', '0', '--public-url', 'https://goto.test/x']);
  assert.equal(code, 1);
  assert.match(stderr, /publicUrl must be an http\(s\) origin/);
});
