// Test helper: the real GoTo client pieces wired against a simulator URL, with a file-backed vault in a temp dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createGoToOAuth } from '../auth/oauth.ts';
import type { GoToOAuth } from '../auth/oauth.ts';
import { createGoToApi } from '../http/rest-client.ts';
import type { GoToApi } from '../http/rest-client.ts';
import { TokenManager } from '../auth/token-manager.ts';
import { createTokenVault } from '../auth/token-vault.ts';
import type { TokenVault } from '../auth/token-vault.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { RecordingSink } from './recording-sink.ts';
import type { CallEventSource } from '../../calls/ports.ts';
import { createCallEventsSource } from '../call-events/source.ts';
import type { CallEventsSource, CallEventsSourceSettings } from '../call-events/source.ts';
import { usPhone } from './fixtures.ts';

export const simClient = { clientId: 'screenpop-demo', clientSecret: 'screenpop-demo-secret' } as const;
export const simPat = 'sim-pat-priya';
export const simAccountKey = '4718093562201847735';
export const silent: Logger = pino({ level: process.env['GOTO_TEST_LOG'] ?? 'silent' });

export interface Harness {
  readonly dir: string;
  readonly oauth: GoToOAuth;
  readonly vault: TokenVault;
  manager(key: string, now?: () => number): Promise<TokenManager>;
  api(tokens: TokenManager, retries?: number): GoToApi;
  /** Signs a seeded user in through the simulator's auto-approved code flow; their tokens under `key`. */
  signIn(email: string, key: string, scopes: readonly string[]): Promise<TokenManager>;
  cleanup(): Promise<void>;
}

export async function harness(simUrl: string): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'screenpop-goto-'));
  const secretKey = randomBytes(32).toString('base64');
  const vault = await createTokenVault({
    store: new FileSecretStore(join(dir, 'secrets.json')),
    secretKey,
    dataDir: dir,
  });
  const oauth = createGoToOAuth({ authUrl: simUrl, ...simClient });
  const manager = (key: string, now?: () => number) =>
    TokenManager.create({
      key,
      vault,
      oauth,
      logger: silent,
      reacquire: () => oauth.exchangePersonalAccessToken(simPat),
      ...(now === undefined ? {} : { now }),
    });
  return {
    dir,
    oauth,
    vault,
    manager,
    signIn: async (email, key, scopes) => {
      const pending = await oauth.authorizationRequest(new URL('/auth/callback', simUrl).href, [...scopes]);
      const url = new URL(pending.url);
      url.searchParams.set('login_hint', email);
      const tokens = await manager(key);
      await tokens.setTokens(await oauth.exchangeCode(await approve(url.href), pending));
      return tokens;
    },
    api: (tokens, retries = 3) =>
      createGoToApi({
        urls: { api: simUrl, admin: simUrl, realtime: simUrl },
        tokens,
        retries,
        logger: silent,
        backoff: { baseMs: 10, maxMs: 50 },
      }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What the harness needs of a running simulator (the tests start it: only they may import it). */
export interface StartedSimulator {
  readonly url: string;
  close(): Promise<void>;
}

export interface SignedInSimulator<S extends StartedSimulator> {
  readonly sim: S;
  readonly h: Harness;
  /** Token manager `key`, signed in with the demo PAT. */
  readonly tokens: TokenManager;
  /** Closes the simulator and removes the harness's temp dir. */
  close(): Promise<void>;
}

/** A harness on a started simulator and one signed-in token manager: how the end-to-end tests of a source begin. */
export async function signedInSimulator<S extends StartedSimulator>(
  sim: S,
  key: string,
): Promise<SignedInSimulator<S>> {
  const h = await harness(sim.url);
  const tokens = await h.manager(key);
  await tokens.setTokens(await h.oauth.exchangePersonalAccessToken(simPat));
  return {
    sim,
    h,
    tokens,
    close: async () => {
      await sim.close();
      await h.cleanup();
    },
  };
}

/** Follows the simulator's auto-approved /oauth/authorize redirect back to our callback URL. */
export async function approve(authorizeUrl: string): Promise<URL> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`authorize answered ${response.status}`);
  }
  return new URL(location, authorizeUrl);
}

export async function simFaults(simUrl: string, faults: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${simUrl}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  return response.json();
}

/** What the helpers need of node:test's TestContext. */
export interface TestHooks {
  after(fn: () => Promise<void>): void;
}

/**
 * Starts `source` into a fresh RecordingSink; when the test ends, stops it and resets the simulator's faults.
 * Every end-to-end test of a source begins like this.
 */
export async function startRecording<S extends CallEventSource>(
  t: TestHooks,
  simUrl: string,
  source: S,
): Promise<{ source: S; sink: RecordingSink }> {
  const sink = new RecordingSink();
  await source.start(sink);
  t.after(async () => {
    await source.stop();
    await simFaults(simUrl, { reset: true });
  });
  return { source, sink };
}

/** startRecording for a Call Events source of `settings`, by default with test-sized pings and reconnects. */
export function startCallEvents(
  t: TestHooks,
  simUrl: string,
  settings: Pick<CallEventsSourceSettings, 'api'> & Partial<CallEventsSourceSettings>,
): Promise<{ source: CallEventsSource; sink: RecordingSink }> {
  const source = createCallEventsSource({
    accountKey: null,
    phone: usPhone,
    logger: silent,
    pingIntervalMs: 200,
    reconnect: { baseMs: 20, maxMs: 200 },
    ...settings,
  });
  return startRecording(t, simUrl, source);
}
