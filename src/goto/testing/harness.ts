// Test helper: the real GoTo client pieces wired against a simulator URL, with a file-backed vault in a temp dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createGoToOAuth } from '../oauth.ts';
import type { GoToOAuth } from '../oauth.ts';
import { createGoToApi } from '../rest-client.ts';
import type { GoToApi } from '../rest-client.ts';
import { TokenManager } from '../token-manager.ts';
import { createTokenVault } from '../token-vault.ts';
import type { TokenVault } from '../token-vault.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { RecordingSink } from './recording-sink.ts';
import type { CallEventSource } from '../../calls/ports.ts';

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
  return {
    dir,
    oauth,
    vault,
    manager: (key, now) =>
      TokenManager.create({
        key,
        vault,
        oauth,
        logger: silent,
        reacquire: () => oauth.exchangePersonalAccessToken(simPat),
        ...(now === undefined ? {} : { now }),
      }),
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

/**
 * Starts `source` into a fresh RecordingSink; when the test ends, stops it and resets the simulator's faults.
 * Every end-to-end test of a source begins like this.
 */
export async function startRecording<S extends CallEventSource>(
  t: { after: (fn: () => Promise<void>) => void },
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
