// screenpop's unmodified GoTo client against the simulator behind a front (as behind a TLS front that maps GoTo's
// host names): every GoTo URL points at the front, and the URLs the simulator hands back (channelURL, the Realtime
// session's ws and subscriptions, the login redirect) keep the client on the front, WebSockets included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { startScreenpop } from '../../src/app/screenpop.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { startFront } from '../../src/simulator/testing/front.ts';
import type { Front } from '../../src/simulator/testing/front.ts';
import { USERS, placeCall, pushClient, signInOverHttp, waitFor } from './harness.ts';
import type { Stack } from './harness.ts';

async function withFrontedScreenpop(
  env: Record<string, string>,
  use: (parts: { front: Front; stack: Stack; direct: Stack }) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  const front = await startFront(sim.port);
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-front-'));
  try {
    const config = loadConfig({
      SCREENPOP_PORT: '0',
      SCREENPOP_DATA_DIR: dataDir,
      GOTO_CLIENT_ID: 'screenpop-demo',
      GOTO_CLIENT_SECRET: 'screenpop-demo-secret',
      GOTO_AUTH_URL: front.url,
      GOTO_API_URL: front.url,
      GOTO_ADMIN_URL: front.url,
      GOTO_REALTIME_URL: front.url,
      ...env,
    });
    const app = await startScreenpop(config, {
      webRoot: null,
      logger: pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }),
    });
    try {
      // `stack` reaches the simulator through the front, as a browser would (sign-in form and redirects);
      // `direct` places the test's calls on the control API without counting them as the client's traffic.
      const stack: Stack = { app, url: app.url, simUrl: front.url, close: () => app.close() };
      await use({ front, stack, direct: { ...stack, simUrl: sim.url } });
    } finally {
      await app.close();
    }
  } finally {
    await front.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('Call Events: the notification channel socket runs through the front and calls arrive', async () => {
  await withFrontedScreenpop(
    { GOTO_PERSONAL_ACCESS_TOKEN: 'sim-pat-priya' },
    async ({ front, stack, direct }) => {
      await waitFor('the channel socket through the front', () => front.counts.upgrades >= 1 || null);
      const callId = await placeCall(direct, {
        scenario: 'missed',
        from: '+19175552031',
        to: '2102',
        answerAfterMs: 300,
      });
      await waitFor('the call in the tracker', () => stack.app.tracker.get(callId) ?? null);
      assert.equal(front.counts.upgrades, 1, 'one channel socket, and it went through the front');
    },
  );
});

test('Realtime: sign-in, session, subscriptions and the session socket all run through the front', async () => {
  await withFrontedScreenpop({ GOTO_EVENT_SOURCE: 'realtime' }, async ({ front, stack, direct }) => {
    const marcus = pushClient(stack, await signInOverHttp(stack, USERS.marcus));
    await marcus.opened;
    await waitFor('the Realtime session socket through the front', () => front.counts.upgrades >= 1 || null);
    await placeCall(direct, { scenario: 'missed', from: '+19175552032', to: '2102', answerAfterMs: 300 });
    // Realtime names calls by the dialog's originatorId: find the card by its caller.
    await waitFor(
      'Marcus’s card',
      () => marcus.messages.some((m) => m.type === 'card' && m.card.caller.e164 === '+19175552032') || null,
    );
    assert.ok(front.counts.requests >= 4, `${front.counts.requests} requests through the front`);
    marcus.socket.close();
  });
});
