// End to end against the simulator: sign-in, PAT, refresh, 401 retry, dead refresh token, restart resume, back-off.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../simulator/index.ts';
import type { RunningSimulator } from '../../simulator/index.ts';
import { discoverAccountKey, listLines } from '../http/account.ts';
import { GoToApiError } from '../http/api-error.ts';
import { OAuthError } from './oauth.ts';
import { SignInRequiredError } from './token-manager.ts';
import type { AccessTokenSource, TokenStatus } from './token-manager.ts';
import type { TokenVault } from './token-vault.ts';
import { createAccountTokenManager, GoToPrincipals } from './principals.ts';
import { createGoToApi } from '../http/rest-client.ts';
import { approve, harness, silent, simAccountKey, simFaults, simPat } from '../testing/harness.ts';
import type { Harness } from '../testing/harness.ts';
import { countFetches } from '../testing/fetch-counter.ts';

let sim: RunningSimulator;
let h: Harness;
const scopes = ['users.v1.lines.read', 'call-events.v1.notifications.manage', 'call-events.v1.events.read'];

before(async () => {
  sim = await startSimulator({ autoApprove: true });
  h = await harness(sim.url);
});
after(async () => {
  await sim.close();
  await h.cleanup();
});

async function signIn(): Promise<Awaited<ReturnType<Harness['oauth']['exchangeCode']>>> {
  const pending = await h.oauth.authorizationRequest(`http://127.0.0.1:${sim.port}/auth/callback`, scopes);
  return h.oauth.exchangeCode(await approve(pending.url), pending);
}

test('the authorization URL carries state, an S256 PKCE challenge and the scopes', async () => {
  const pending = await h.oauth.authorizationRequest('http://127.0.0.1:4000/auth/callback', scopes);
  const url = new URL(pending.url);
  assert.equal(url.pathname, '/oauth/authorize');
  assert.equal(url.searchParams.get('state'), pending.state);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.ok((url.searchParams.get('code_challenge') ?? '').length >= 43);
  assert.equal(url.searchParams.get('scope'), scopes.join(' '));
  assert.equal(url.searchParams.get('client_id'), 'screenpop-demo');
});

test('code grant with state and PKCE gives tokens and the principal', async () => {
  const tokens = await signIn();
  assert.equal(tokens.principal, 'priya.castellano@northgate-appliance.example');
  assert.ok(tokens.refreshToken !== null && tokens.accessToken !== '');
  assert.ok(tokens.expiresAt > Date.now() + 3_000_000);
});

test('the code exchange goes through the GoTo client’s transport, not fetch (~150 µs less CPU each)', async (t) => {
  const pending = await h.oauth.authorizationRequest(`http://127.0.0.1:${sim.port}/auth/callback`, scopes);
  const callback = await approve(pending.url);
  const fetches = countFetches(t);
  const tokens = await h.oauth.exchangeCode(callback, pending);
  assert.ok(tokens.accessToken !== '' && tokens.refreshToken !== null);
  assert.equal(fetches(), 0);
});

test('a callback whose state does not match is refused before any code exchange', async () => {
  const pending = await h.oauth.authorizationRequest(`http://127.0.0.1:${sim.port}/auth/callback`, scopes);
  const callback = await approve(pending.url);
  await assert.rejects(h.oauth.exchangeCode(callback, { ...pending, state: 'forged' }), OAuthError);
});

test('a code can be exchanged only once', async () => {
  const pending = await h.oauth.authorizationRequest(`http://127.0.0.1:${sim.port}/auth/callback`, scopes);
  const callback = await approve(pending.url);
  await h.oauth.exchangeCode(callback, pending);
  await assert.rejects(
    h.oauth.exchangeCode(callback, pending),
    (e: unknown) => e instanceof OAuthError && e.rejected,
  );
});

test('the personal access token grant works and the account key is discovered from the lines', async (t) => {
  const tokens = await h.oauth.exchangePersonalAccessToken(simPat);
  assert.equal(tokens.principal, 'priya.castellano@northgate-appliance.example');
  const manager = await h.manager('pat');
  t.after(() => manager.clear());
  await manager.setTokens(tokens);
  const api = h.api(manager);
  assert.equal(await discoverAccountKey(api, null), simAccountKey);
  assert.equal(await discoverAccountKey(api, '123'), '123', 'the config override wins');
});

test('a 401 refreshes once and retries the request', async (t) => {
  const manager = await h.manager('retry');
  t.after(() => manager.clear());
  await manager.setTokens(await signIn());
  const before = await manager.accessToken();
  await simFaults(sim.url, { expireTokens: true });
  const lines = await listLines(h.api(manager));
  assert.ok(lines.some((l) => l.extension === '2101'));
  assert.notEqual(await manager.accessToken(), before, 'the token was refreshed');
  assert.equal(manager.status, 'ready');
});

test('a token refused right after its refresh is refreshed again, at most 3 times per request', async (t) => {
  const manager = await h.manager('refused-again');
  t.after(() => manager.clear());
  await manager.setTokens(await signIn());
  // The real manager, but every token it gets expires before the retry reaches GoTo (a busy host, or many
  // requests sharing one refresh while tokens expire): `racing` more times.
  let racing = 2;
  let refreshes = 0;
  const tokens: AccessTokenSource = {
    accessToken: () => manager.accessToken(),
    refreshAfterRejection: async (rejected) => {
      const token = await manager.refreshAfterRejection(rejected);
      refreshes++;
      if (racing-- > 0) {
        await simFaults(sim.url, { expireTokens: true });
      }
      return token;
    },
  };
  const api = createGoToApi({
    urls: { api: sim.url, admin: sim.url, realtime: sim.url },
    tokens,
    logger: silent,
  });
  await simFaults(sim.url, { expireTokens: true });
  assert.ok((await listLines(api)).some((l) => l.extension === '2101'));
  assert.equal(refreshes, 3, 'refused twice after a refresh, accepted on the third');

  racing = Infinity;
  refreshes = 0;
  await simFaults(sim.url, { expireTokens: true });
  await assert.rejects(listLines(api), (e: unknown) => e instanceof GoToApiError && e.status === 401);
  assert.equal(refreshes, 3, 'a 401 that outlasts 3 refreshes is the answer');
  assert.equal(manager.status, 'ready');
});

test('tokens are refreshed ahead of expiry, keeping the refresh token GoTo did not replace', async (t) => {
  let offset = 0;
  const manager = await h.manager('ahead', () => Date.now() + offset);
  t.after(() => manager.clear());
  const tokens = await signIn();
  await manager.setTokens(tokens);
  assert.equal(await manager.accessToken(), tokens.accessToken, 'fresh: no refresh');
  offset = 41 * 60_000; // 19 minutes left of 60: under a third
  const next = await manager.accessToken();
  assert.notEqual(next, tokens.accessToken);
  assert.equal((await h.vault.load('ahead'))?.refreshToken, tokens.refreshToken);
  assert.equal((await h.vault.load('ahead'))?.accessToken, next, 'the new token is persisted');
});

test('a dead refresh token means sign-in required: status, event and error', async () => {
  const manager = await h.manager('dead');
  const seen: TokenStatus[] = [];
  manager.onStatus((status) => seen.push(status));
  await manager.setTokens({
    accessToken: 'expired',
    refreshToken: 'never-issued',
    expiresAt: Date.now() - 1,
    scope: '',
    principal: 'priya.castellano@northgate-appliance.example',
  });
  await assert.rejects(manager.accessToken(), SignInRequiredError);
  assert.equal(manager.status, 'sign-in-required');
  assert.deepEqual(seen, ['ready', 'sign-in-required']);
  await assert.rejects(listLines(h.api(manager)), SignInRequiredError);
});

test('persisted tokens resume after a restart without a new sign-in', async (t) => {
  const first = await h.manager('restart');
  await first.setTokens(await signIn());
  const restarted = await h.manager('restart');
  t.after(() => restarted.clear());
  assert.equal(restarted.status, 'ready');
  assert.equal(restarted.principal, 'priya.castellano@northgate-appliance.example');
  assert.ok((await listLines(h.api(restarted))).length > 0);
});

test('429 and 5xx are retried with bounded back-off, then surface as a typed error', async (t) => {
  const manager = await h.manager('busy');
  t.after(async () => {
    await simFaults(sim.url, { reset: true });
    await manager.clear();
  });
  await manager.setTokens(await signIn());
  await simFaults(sim.url, { http429: 1 });
  await assert.rejects(
    listLines(h.api(manager)),
    (e: unknown) => e instanceof GoToApiError && e.status === 429,
  );
  await simFaults(sim.url, { http429: 0, http5xx: 0.3 });
  const patient = h.api(manager, 8); // 0.3^9: a failure here would be a bug, not bad luck
  for (let i = 0; i < 5; i++) {
    assert.ok((await listLines(patient)).length > 0, 'succeeds within the retries');
  }
});

test('GoToPrincipals: sign-in keeps tokens per principal, reads the lines, and connects the account', async () => {
  const account = await h.manager('account-by-sign-in');
  const principals = new GoToPrincipals({
    oauth: h.oauth,
    vault: h.vault,
    urls: { api: sim.url, admin: sim.url, realtime: sim.url },
    logger: silent,
    account,
  });
  const pending = await principals.begin(`http://127.0.0.1:${sim.port}/auth/callback`);
  const user = await principals.complete(await approve(pending.url), pending);
  assert.equal(user.principal, 'priya.castellano@northgate-appliance.example');
  assert.deepEqual(
    user.lines.map((l) => l.extension),
    ['2101'],
  );
  assert.equal((await principals.manager(user.principal)).status, 'ready');
  assert.equal(account.status, 'ready', 'the first admin sign-in connected the account');
});

test('GoToPrincipals: a sign-in stores its tokens without first reading the record they replace', async () => {
  let loads = 0;
  let saves = 0;
  const vault: TokenVault = {
    load: (key) => {
      loads += 1;
      return h.vault.load(key);
    },
    save: (key, tokens) => {
      saves += 1;
      return h.vault.save(key, tokens);
    },
    remove: (key) => h.vault.remove(key),
  };
  const settings = { oauth: h.oauth, vault, urls: { api: sim.url, admin: sim.url, realtime: sim.url } };
  const principals = new GoToPrincipals({ ...settings, logger: silent });
  for (let i = 0; i < 2; i += 1) {
    const pending = await principals.begin(`http://127.0.0.1:${sim.port}/auth/callback`);
    const user = await principals.complete(await approve(pending.url), pending);
    assert.equal((await principals.manager(user.principal)).status, 'ready');
  }
  assert.deepEqual({ loads, saves }, { loads: 0, saves: 2 });
  const restarted = new GoToPrincipals({ ...settings, logger: silent });
  const resumed = await restarted.manager('priya.castellano@northgate-appliance.example');
  assert.equal(resumed.status, 'ready', 'the stored tokens resume after a restart');
  assert.equal(loads, 1);
});

test('the account token manager exchanges the PAT once, then resumes from the vault', async () => {
  const first = await createAccountTokenManager({
    oauth: h.oauth,
    vault: h.vault,
    logger: silent,
    personalAccessToken: simPat,
  });
  assert.equal(first.status, 'ready');
  const stored = await h.vault.load('account');
  const again = await createAccountTokenManager({
    oauth: h.oauth,
    vault: h.vault,
    logger: silent,
    personalAccessToken: simPat,
  });
  assert.equal(await again.accessToken(), stored?.accessToken, 'no second exchange');
});
