// A tiny real run of the load client: the simulator with a generated directory, the real screenpop (composition
// root, SQLite file) and the load client's sign-ins, push sockets and baseline channel over loopback. Checks the
// accounting (every rung line of a connected agent has its card, none lost or misrouted), never timing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startScreenpop } from '../../src/app/screenpop.ts';
import type { RunningScreenpop } from '../../src/app/screenpop.ts';
import { loadConfig } from '../../src/config/config.ts';
import {
  GENERATED_ACCOUNT_KEY,
  GENERATED_ADMIN_PAT,
  GENERATED_CLIENT,
  agentEmail,
  generateDirectory,
} from '../../src/simulator/directory/generate.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { LoadClient } from './load-client.ts';
import { trafficPlan } from './plan.ts';

const AGENTS = 3;
const directory = generateDirectory({ agents: AGENTS, queueSize: 1 });
const lineOwner = Object.fromEntries(
  directory.lines.map((l) => [l.id, directory.users.find((u) => u.userKey === l.userKey)?.email ?? '']),
);
let sim: RunningSimulator;
let app: RunningScreenpop;
let dataDir: string;
let client: LoadClient;

before(async () => {
  sim = await startSimulator({ directory, autoApprove: true });
  dataDir = mkdtempSync(join(tmpdir(), 'screenpop-load-client-'));
  const config = loadConfig({
    SCREENPOP_PORT: '0',
    SCREENPOP_DATA_DIR: dataDir,
    SCREENPOP_DEMO: 'false',
    GOTO_CLIENT_ID: GENERATED_CLIENT.clientId,
    GOTO_CLIENT_SECRET: GENERATED_CLIENT.clientSecret,
    GOTO_PERSONAL_ACCESS_TOKEN: GENERATED_ADMIN_PAT,
    GOTO_ACCOUNT_KEY: GENERATED_ACCOUNT_KEY,
    GOTO_AUTH_URL: sim.url,
    GOTO_API_URL: sim.url,
    GOTO_ADMIN_URL: sim.url,
    GOTO_REALTIME_URL: sim.url,
    LOG_LEVEL: 'silent',
  });
  app = await startScreenpop(config, { webRoot: null, logger: pino({ level: 'silent' }) });
  const deadline = Date.now() + 15_000;
  while (sim.telephony.sockets().channelSockets < 1 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  client = new LoadClient({
    screenpopUrl: app.url,
    simUrl: sim.url,
    pat: GENERATED_ADMIN_PAT,
    client: GENERATED_CLIENT,
    accountKey: GENERATED_ACCOUNT_KEY,
  });
});

after(async () => {
  client.closeSockets();
  await app.close();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('every agent signs in over HTTP', async () => {
  const report = await client.signIn(
    Array.from({ length: AGENTS }, (_, i) => agentEmail(i)),
    2,
  );
  assert.equal(report.failures, 0, report.firstError ?? '');
  assert.equal(report.count, AGENTS);
});

test('each call by DID, extension and queue gives its agent one card: none lost, none misrouted', async () => {
  // 9 calls: each of 3 agents by its DID, its extension and its one-member queue.
  const plan = trafficPlan(AGENTS, 20, 9 / 20, 1_000);
  const report = await client.pops({
    cmd: 'pops',
    connect: Array.from({ length: AGENTS }, (_, i) => agentEmail(i)),
    lineOwner,
    plan,
    graceMs: 10_000,
  });
  const s = report.summary;
  assert.equal(report.placed, 9);
  assert.equal(s.expected, 9, 'the baseline saw each call ring its agent');
  assert.equal(s.delivered, 9);
  assert.equal(s.lost, 0);
  assert.equal(s.wrongAgent, 0);
  assert.equal(s.unmatched, 0);
  assert.ok(Number.isFinite(s.p50Ms) && Number.isFinite(s.p99Ms));
});

test('an agent without a socket is not expected to get cards, and gets none', async () => {
  client.closeSockets();
  // Callers 9.. : the first test's calls may still be ending, and their frames must not count here.
  const plan = trafficPlan(AGENTS, 20, 6 / 20, 1_000, 9);
  const report = await client.pops({
    cmd: 'pops',
    connect: [agentEmail(0), agentEmail(1)],
    lineOwner,
    plan,
    graceMs: 10_000,
  });
  assert.equal(report.summary.expected, 4, 'agents 1 and 2 rang twice each; agent 3 has no socket');
  assert.equal(report.summary.delivered, 4);
  assert.equal(report.summary.lost, 0);
});
