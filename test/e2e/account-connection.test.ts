// Non-demo configuration against a separately started simulator: the account connection comes up from the PAT
// or from the first admin who signs in, and a graceful shutdown deletes the notification channel it created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { startScreenpop } from '../../src/app/screenpop.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { USERS, placeCall, pushClient, signInOverHttp, waitFor, waitForAsync } from './harness.ts';

/** Non-demo settings: every GoTo URL points at the separately started simulator. */
function realGoToConfig(simUrl: string, dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    SCREENPOP_PORT: '0',
    SCREENPOP_DATA_DIR: dataDir,
    GOTO_CLIENT_ID: 'screenpop-demo',
    GOTO_CLIENT_SECRET: 'screenpop-demo-secret',
    GOTO_AUTH_URL: simUrl,
    GOTO_API_URL: simUrl,
    GOTO_ADMIN_URL: simUrl,
    GOTO_REALTIME_URL: simUrl,
    ...env,
  });
}

async function adminToken(simUrl: string): Promise<string> {
  const res = await fetch(`${simUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('screenpop-demo:screenpop-demo-secret').toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'personal_access_token', pat: 'sim-pat-priya' }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function channelCount(simUrl: string, token: string): Promise<number> {
  const res = await fetch(`${simUrl}/notification-channel/v1/channels`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { channels?: unknown[]; items?: unknown[] };
  return (body.channels ?? body.items ?? []).length;
}

test('with real GoTo settings, the PAT connects the account and shutdown deletes the channel', async () => {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-shutdown-'));
  try {
    const config = realGoToConfig(sim.url, dataDir, { GOTO_PERSONAL_ACCESS_TOKEN: 'sim-pat-priya' });
    assert.equal(config.demo.enabled, false);
    const app = await startScreenpop(config, { webRoot: null, logger: pino({ level: 'silent' }) });
    assert.equal(app.simulator, null);
    const token = await adminToken(sim.url);
    const count = await waitForAsync('the channel', async () => (await channelCount(sim.url, token)) || null);
    assert.equal(count, 1);
    await app.close();
    assert.equal(await channelCount(sim.url, token), 0);
  } finally {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('without a PAT, agents wait; the first admin who signs in connects the account and pops start', async () => {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-admin-'));
  try {
    const config = realGoToConfig(sim.url, dataDir);
    const app = await startScreenpop(config, {
      webRoot: null,
      logger: pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }),
    });
    const stack = { app, url: app.url, simUrl: sim.url, close: () => app.close() };
    try {
      const token = await adminToken(sim.url);
      const marcus = pushClient(stack, await signInOverHttp(stack, USERS.marcus));
      await marcus.opened;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(
        await channelCount(sim.url, token),
        0,
        'an agent without admin rights connected the account',
      );
      await signInOverHttp(stack, USERS.priya);
      await waitForAsync('the channel', async () => (await channelCount(sim.url, token)) === 1 || null);
      const callId = await placeCall(stack, {
        scenario: 'missed',
        from: '+19175552031',
        to: '2102',
        answerAfterMs: 300,
      });
      await waitFor('Marcus’s card', () => marcus.callIds().includes(callId));
      marcus.socket.close();
    } finally {
      await app.close();
    }
  } finally {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
