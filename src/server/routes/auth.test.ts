import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../testing/harness.ts';
import type { Harness } from '../testing/harness.ts';
import { pkceChallenge } from '../login-state.ts';
import { sessionKey } from '../session.ts';

/** The login cookie each started sign-in left in "this browser", by state. */
const loginCookies = new Map<string, string>();

/** Starts a sign-in; returns the state that went to GoTo (and, sealed, into this browser's login cookie). */
async function startLogin(h: Harness): Promise<string> {
  const login = await h.app.inject({ method: 'GET', url: '/auth/login' });
  const state = new URL(String(login.headers.location)).searchParams.get('state') ?? '';
  loginCookies.set(state, login.cookies.find((c) => c.name === 'screenpop_login')?.value ?? '');
  return state;
}

/** GoTo sending the browser back to our callback; `fromThisBrowser: false` omits the login cookie. */
function callback(h: Harness, query: string, state: string, fromThisBrowser = true) {
  const url = `/auth/callback?${query}&state=${state}`;
  return fromThisBrowser
    ? h.app.inject({ method: 'GET', url, cookies: { screenpop_login: loginCookies.get(state) ?? '' } })
    : h.app.inject({ method: 'GET', url });
}

test('GET /auth/login redirects to GoTo with state, an S256 challenge and our callback', async () => {
  const h = await harness();
  const res = await h.app.inject({ method: 'GET', url: '/auth/login' });
  assert.equal(res.statusCode, 302);
  const url = new URL(String(res.headers.location));
  assert.match(url.searchParams.get('state') ?? '', /^[\w-]{32}$/);
  assert.match(url.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
  assert.equal(url.searchParams.get('redirect_uri'), 'http://127.0.0.1:3000/auth/callback');
  const cookie = res.cookies.find((c) => c.name === 'screenpop_login');
  // The cookie carries the pending sign-in sealed (AES-GCM): neither the state nor the verifier in clear.
  assert.ok((cookie?.value.length ?? 0) > 100);
  assert.ok(!cookie?.value.includes(url.searchParams.get('state') ?? ''));
  assert.equal(cookie?.httpOnly, true);
  assert.equal(cookie?.path, '/auth');
  await h.close();
});

test('the callback exchanges the code with the PKCE verifier and sets an httpOnly Lax session cookie', async () => {
  const h = await harness();
  h.signIn.users.set('dana@x', { principal: 'dana@x', displayName: 'Dana', lines: [] });
  const state = await startLogin(h);
  const res = await callback(h, 'code=code-for:dana@x', state);
  assert.equal(res.statusCode, 302);
  assert.equal(res.headers.location, '/');
  const session = res.cookies.find((c) => c.name === 'screenpop_session');
  assert.equal(session?.httpOnly, true);
  assert.equal(session?.sameSite, 'Lax');
  assert.equal(session?.secure, undefined);
  assert.equal(session?.path, '/');
  // The store holds the hash of the cookie, never the cookie itself.
  assert.ok(h.sessions.rows.has(sessionKey(session?.value ?? '')));
  assert.ok(![...h.sessions.rows.keys()].includes(session?.value ?? ''));
  assert.equal((await h.agents.getAgent('dana@x'))?.displayName, 'Dana');
  await h.close();
});

test('the session cookie is Secure when the public URL is https', async () => {
  const h = await harness();
  h.publicUrl = 'https://pop.example.com';
  h.signIn.users.set('dana@x', { principal: 'dana@x', displayName: null, lines: [] });
  const state = await startLogin(h);
  const res = await callback(h, 'code=code-for:dana@x', state);
  assert.equal(res.cookies.find((c) => c.name === 'screenpop_session')?.secure, true);
  await h.close();
});

test('a callback whose state this browser did not start is refused', async () => {
  const h = await harness();
  h.signIn.users.set('dana@x', { principal: 'dana@x', displayName: null, lines: [] });
  const state = await startLogin(h);
  const res = await callback(h, 'code=code-for:dana@x', state, false);
  assert.equal(res.headers.location, '/?login_error=login_expired');
  assert.equal(
    res.cookies.find((c) => c.name === 'screenpop_session'),
    undefined,
  );
  await h.close();
});

test('a state can be used once', async () => {
  const h = await harness();
  h.signIn.users.set('dana@x', { principal: 'dana@x', displayName: null, lines: [] });
  const state = await startLogin(h);
  await callback(h, 'code=code-for:dana@x', state);
  const again = await callback(h, 'code=code-for:dana@x', state);
  assert.equal(again.headers.location, '/?login_error=login_expired');
  await h.close();
});

test('a refused consent and a failed exchange land back on the app with their error ids', async () => {
  const h = await harness();
  for (const [query, id] of [
    ['error=access_denied', 'login_denied'],
    ['code=code-for:nobody@x', 'login_failed'],
  ] as const) {
    const state = await startLogin(h);
    const res = await callback(h, query, state);
    assert.equal(res.headers.location, `/?login_error=${id}`);
  }
  await h.close();
});

test('the verifier sent to the exchange matches the challenge sent to GoTo', () => {
  // RFC 7636 appendix B test vector.
  assert.equal(
    pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  );
});

test('sign-out ends the session', async () => {
  const h = await harness();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const out = await h.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
  assert.equal(out.statusCode, 204);
  const me = await h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  assert.equal(me.statusCode, 401);
  assert.equal(h.sessions.rows.size, 0);
  await h.close();
});

test('a configured supervisor signs in with the supervisor role', async () => {
  const h = await harness({ supervisors: ['boss@x'] });
  const cookie = await h.signInAs('boss@x', []);
  const me = await h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  assert.equal(me.json().role, 'supervisor');
  await h.close();
});

test('a supervisor removed from the config loses the role at the next start, in open sessions and at sign-in', async () => {
  const before = await harness({ supervisors: ['boss@x'] });
  const cookie = await before.signInAs('boss@x', []);
  await before.close();
  // Restarted without boss@x in SCREENPOP_SUPERVISORS, same agent and session records.
  const after = await harness({ supervisors: [], agents: before.agents, sessions: before.sessions });
  const me = await after.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().role, 'agent');
  after.signIn.users = before.signIn.users;
  const again = await after.signInAs('boss@x', []);
  const meAgain = await after.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: again } });
  assert.equal(meAgain.json().role, 'agent');
  assert.equal((await before.agents.getAgent('boss@x'))?.role, 'agent');
  await after.close();
});

test('a flood of unauthenticated sign-in starts does not evict a real user’s pending sign-in', async () => {
  const h = await harness({ rateLimit: { authPerMinute: 1_000_000, apiPerMinute: 1_000_000 } });
  h.signIn.users.set('dana@x', { principal: 'dana@x', displayName: null, lines: [] });
  const state = await startLogin(h);
  // More than the 10,000 pending sign-ins the server used to keep before dropping the oldest.
  for (let i = 0; i < 10_001; i += 1_000) {
    await Promise.all(
      Array.from({ length: Math.min(1_000, 10_001 - i) }, () =>
        h.app.inject({ method: 'GET', url: '/auth/login' }),
      ),
    );
  }
  const res = await callback(h, 'code=code-for:dana@x', state);
  assert.equal(res.headers.location, '/');
  await h.close();
});

test('a sign-in started on one instance finishes on another sharing the login key', async () => {
  const loginKey = Buffer.alloc(32, 7);
  const first = await harness({ loginKey });
  const second = await harness({ loginKey, signIn: first.signIn });
  first.signIn.users.set('dana@x', { principal: 'dana@x', displayName: null, lines: [] });
  const state = await startLogin(first);
  const res = await callback(second, 'code=code-for:dana@x', state);
  assert.equal(res.headers.location, '/');
  await first.close();
  await second.close();
});

test('a callback without the login cookie consumes nothing: the real browser still finishes', async () => {
  const h = await harness();
  h.signIn.users.set('dana@x', { principal: 'dana@x', displayName: null, lines: [] });
  const state = await startLogin(h);
  const stolen = await callback(h, 'code=code-for:dana@x', state, false);
  assert.equal(stolen.headers.location, '/?login_error=login_expired');
  const res = await callback(h, 'code=code-for:dana@x', state);
  assert.equal(res.headers.location, '/');
  await h.close();
});

test('a tampered login cookie is refused', async () => {
  const h = await harness();
  h.signIn.users.set('dana@x', { principal: 'dana@x', displayName: null, lines: [] });
  const state = await startLogin(h);
  const sealed = loginCookies.get(state) ?? '';
  const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BA' : 'AA');
  const res = await h.app.inject({
    method: 'GET',
    url: `/auth/callback?code=code-for:dana@x&state=${state}`,
    cookies: { screenpop_login: flipped },
  });
  assert.equal(res.headers.location, '/?login_error=login_expired');
  await h.close();
});
