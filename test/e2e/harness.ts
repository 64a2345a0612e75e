// End-to-end wiring: the real screenpop (demo mode: real simulator, real SQLite file, real sockets) and a real
// Chromium. Every test file starts its own stack on free loopback ports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { loadConfig } from '../../src/config/config.ts';
import { startScreenpop, type RunningScreenpop } from '../../src/app/screenpop.ts';
import type { ServerMessage } from '../../src/shared/messages.ts';
import { CHROMIUM } from '../../web/dev/browser.ts';

export const WEB_ROOT = resolve('dist/web');

/** Northgate users of the simulator's default directory. */
export const USERS = {
  priya: 'priya.castellano@northgate-appliance.example', // 2101, admin
  marcus: 'marcus.oyelaran@northgate-appliance.example', // 2102, Service Desk queue
  helena: 'helena.brandt@northgate-appliance.example', // 2103, Service Desk queue
  tomasz: 'tomasz.whitfield@northgate-appliance.example', // 2104, Service Desk queue
  aiko: 'aiko.delacroix@northgate-appliance.example', // 2105, direct DID +13125550177
} as const;
export const QUEUE_DID = '+13125550140';
export const DIRECT_DID = '+13125550177';

/** Why browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install -y chromium)`;
}

export function ensureWebBuild(): void {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    const built = spawnSync('npm', ['run', 'build:web', '--silent'], { stdio: 'inherit' });
    if (built.status !== 0) {
      throw new Error('npm run build:web failed');
    }
  }
}

export interface Stack {
  readonly app: RunningScreenpop;
  readonly url: string;
  readonly simUrl: string;
  close(): Promise<void>;
}

/** @param env extra environment for loadConfig (GOTO_EVENT_SOURCE=realtime, SCREENPOP_SUPERVISORS...) */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  ensureWebBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'screenpop-e2e-'));
  const config = loadConfig({
    SCREENPOP_PORT: '0',
    SCREENPOP_SIMULATOR_PORT: '0',
    SCREENPOP_DATA_DIR: dataDir,
    SCREENPOP_DEMO_CALL_INTERVAL: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await startScreenpop(config, {
    webRoot: WEB_ROOT,
    logger: pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }),
    demoTraffic: false,
  });
  const simUrl = app.simulator?.url ?? '';
  return {
    app,
    url: app.url,
    simUrl,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The e2e name for the one Chromium launcher of web/dev/browser.ts. */
export { launchChromium as launchBrowser } from '../../web/dev/browser.ts';

/** Signs in through the app's button and the simulator's login page, as a person would. */
export async function signInInBrowser(page: Page, stack: Stack, email: string): Promise<void> {
  await page.goto(stack.url);
  await page.getByTestId('sign-in').click();
  await page.locator(`button[name="user"][value="${email}"]`).click();
  await page.waitForURL(`${stack.url}/**`);
  await page.getByTestId('connection-status').and(page.locator('[data-state="live"]')).waitFor();
}

/** The same sign-in over plain HTTP (for a second agent checked at the socket); returns the Cookie header. */
export async function signInOverHttp(stack: Pick<Stack, 'url' | 'simUrl'>, email: string): Promise<string> {
  const login = await fetch(`${stack.url}/auth/login`, { redirect: 'manual' });
  const loginCookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  let location = login.headers.get('location') ?? '';
  // Simulator: /oauth/authorize → /login?service=… (the form); submit it for the user.
  while (!location.includes('/login?')) {
    const next = await fetch(new URL(location, stack.simUrl), { redirect: 'manual' });
    location = next.headers.get('location') ?? '';
  }
  const service = new URL(location, stack.simUrl).searchParams.get('service') ?? '';
  const form = await fetch(`${stack.simUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ service, user: email }),
  });
  const callback = form.headers.get('location') ?? '';
  const done = await fetch(callback, { redirect: 'manual', headers: { cookie: loginCookie } });
  const session = (done.headers.getSetCookie() ?? []).find((c) => c.startsWith('screenpop_session='));
  if (session === undefined) {
    throw new Error(`HTTP sign-in failed: ${done.status} ${done.headers.get('location')}`);
  }
  return session.split(';')[0] ?? '';
}

export interface SimCall {
  readonly scenario: 'answered' | 'queue' | 'missed' | 'abandoned' | 'transfer' | 'outbound' | 'internal';
  readonly from: string;
  readonly to: string;
  readonly callerName?: string;
  readonly answerAfterMs?: number;
  readonly answeredBy?: string;
  readonly talkMs?: number;
  readonly transferTo?: string;
}

/** POST /_sim/calls on the simulator's control API; returns the call id (conversationSpaceId). */
export async function placeCall(stack: Pick<Stack, 'simUrl'>, call: SimCall): Promise<string> {
  const res = await fetch(`${stack.simUrl}/_sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(call),
  });
  const body = (await res.json()) as { conversationSpaceId?: string };
  if (!res.ok || body.conversationSpaceId === undefined) {
    throw new Error(`placing a call failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.conversationSpaceId;
}

/** A push-socket client with an agent's cookie, recording every card it receives. */
export function pushClient(stack: Pick<Stack, 'url'>, cookie: string) {
  const socket = new WebSocket(`${stack.url.replace('http', 'ws')}/api/push`, {
    headers: { cookie, origin: stack.url },
  });
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  const opened = new Promise<void>((resolveOpen, reject) => {
    socket.once('open', () => resolveOpen());
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    opened,
    callIds: () => messages.flatMap((m) => (m.type === 'card' ? [m.card.callId] : [])),
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | null | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function waitForAsync<T>(
  what: string,
  probe: () => Promise<T | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A number of a seeded contact, with the contact's name and company (read from the real store). */
export async function knownCaller(stack: Stack, externalId: string) {
  const page = await stack.app.store.contacts.search({ text: '', limit: 1000, offset: 0 });
  const contact = page.items.find((c) => c.externalId === externalId);
  const e164 = contact?.phones[0]?.e164;
  if (contact === undefined || e164 == null) {
    throw new Error(`no seeded contact ${externalId}`);
  }
  return { name: contact.name, company: contact.company, e164, id: contact.id };
}
