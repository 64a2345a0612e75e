// Spec of the simulator's OAuth server (goto-protocol.md §1, §11 #14–16): grants, client auth, PKCE, errors.
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from './index.ts';
import type { RunningSimulator } from './index.ts';
import { fixture } from './testing/fixtures.ts';
import { shapeDiff } from './testing/shape.ts';
import { DEMO_CLIENT, basicAuth, postToken, withSimulator } from './testing/sim-client.ts';

const REDIRECT = 'http://127.0.0.1:5173/auth/callback';
let sim: RunningSimulator;

before(async () => {
  sim = await startSimulator({ autoApprove: true });
});
after(async () => {
  await sim.close();
});

async function authorize(params: Record<string, string>, target: RunningSimulator = sim): Promise<URL> {
  const query = new URLSearchParams({ client_id: DEMO_CLIENT.id, response_type: 'code', ...params });
  const response = await fetch(`${target.url}/oauth/authorize?${query.toString()}`, { redirect: 'manual' });
  assert.equal(response.status, 302);
  return new URL(response.headers.get('location') ?? '', target.url);
}

async function code(params: Record<string, string> = {}): Promise<string> {
  const location = await authorize({ redirect_uri: REDIRECT, ...params });
  const value = location.searchParams.get('code');
  assert.ok(value, `no code in ${location.toString()}`);
  return value;
}

async function expectShape(actual: unknown, file: string): Promise<void> {
  assert.deepEqual(shapeDiff(actual, await fixture(file)), []);
}

test('autoApprove redirects straight back with a code and the state', async () => {
  const location = await authorize({ redirect_uri: REDIRECT, state: 's-123' });
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  assert.match(location.searchParams.get('code') ?? '', /.{20,}/);
  assert.equal(location.searchParams.get('state'), 's-123');
});

test('the code exchange answers the token shape of fixtures oauth/token-authorization-code.json', async () => {
  const { status, body, headers } = await postToken(sim, {
    grant_type: 'authorization_code',
    code: await code(),
    redirect_uri: REDIRECT,
  });
  assert.equal(status, 200);
  assert.equal(body['token_type'], 'Bearer');
  assert.equal(body['expires_in'], 3600);
  assert.equal(body['principal'], 'priya.castellano@northgate-appliance.example');
  assert.equal(headers.get('cache-control'), 'no-store');
  assert.ok(!('account_key' in body));
  await expectShape(body, 'oauth/token-authorization-code.json');
});

test('client credentials in the form body work like Basic auth', async () => {
  const form = {
    grant_type: 'authorization_code',
    code: await code(),
    redirect_uri: REDIRECT,
    client_id: DEMO_CLIENT.id,
    client_secret: DEMO_CLIENT.secret,
  };
  assert.equal((await postToken(sim, form, null)).status, 200);
});

test('a code works only once', async () => {
  const form = { grant_type: 'authorization_code', code: await code(), redirect_uri: REDIRECT };
  assert.equal((await postToken(sim, form)).status, 200);
  const second = await postToken(sim, form);
  assert.equal(second.status, 400);
  assert.equal(second.body['error'], 'invalid_grant');
});

test('a bad client secret is 401 invalid_client in the shape of the fixture', async () => {
  const form = { grant_type: 'authorization_code', code: await code(), redirect_uri: REDIRECT };
  const { status, body, headers } = await postToken(sim, form, basicAuth(DEMO_CLIENT.id, 'wrong'));
  assert.equal(status, 401);
  assert.equal(body['error'], 'invalid_client');
  assert.match(headers.get('www-authenticate') ?? '', /^Basic/);
  await expectShape(body, 'oauth/error-invalid-client.json');
});

test('an unknown client or no client authentication is 401 invalid_client', async () => {
  const unknown = await postToken(
    sim,
    { grant_type: 'refresh_token', refresh_token: 'x' },
    basicAuth('nobody', 'x'),
  );
  assert.equal(unknown.status, 401);
  const none = await postToken(sim, { grant_type: 'refresh_token', refresh_token: 'x' }, null);
  assert.equal(none.status, 401);
  assert.equal(none.body['error'], 'invalid_client');
});

test('the redirect_uri at /token must equal the one sent to /authorize', async () => {
  const form = {
    grant_type: 'authorization_code',
    code: await code(),
    redirect_uri: 'http://127.0.0.1:9999/other',
  };
  const { status, body } = await postToken(sim, form);
  assert.equal(status, 400);
  assert.equal(body['error'], 'invalid_grant');
});

test('a code the server never issued is invalid_grant', async () => {
  const form = { grant_type: 'authorization_code', code: 'sim-code.not-issued', redirect_uri: REDIRECT };
  assert.equal((await postToken(sim, form)).body['error'], 'invalid_grant');
});

test('PKCE S256: the right verifier is accepted, a wrong one is invalid_grant', async () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
  const good = await postToken(sim, {
    grant_type: 'authorization_code',
    code: await code(pkce),
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  });
  assert.equal(good.status, 200);
  const bad = await postToken(sim, {
    grant_type: 'authorization_code',
    code: await code(pkce),
    redirect_uri: REDIRECT,
    code_verifier: randomBytes(32).toString('base64url'),
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body['error'], 'invalid_grant');
});

test('PKCE plain is verified, and a missing verifier fails when a challenge was sent', async () => {
  const verifier = randomBytes(40).toString('base64url');
  const pkce = { code_challenge: verifier, code_challenge_method: 'plain' };
  const form = { grant_type: 'authorization_code', redirect_uri: REDIRECT };
  assert.equal(
    (await postToken(sim, { ...form, code: await code(pkce), code_verifier: verifier })).status,
    200,
  );
  assert.equal((await postToken(sim, { ...form, code: await code(pkce) })).body['error'], 'invalid_grant');
});

test('PKCE is never required', async () => {
  const form = {
    grant_type: 'authorization_code',
    code: await code(),
    redirect_uri: REDIRECT,
    code_verifier: 'x',
  };
  assert.equal((await postToken(sim, form)).status, 200);
});

test('refresh returns a new access token without a refresh token (fixtures oauth/token-refresh.json)', async () => {
  const first = await postToken(sim, {
    grant_type: 'authorization_code',
    code: await code(),
    redirect_uri: REDIRECT,
  });
  const refreshToken = String(first.body['refresh_token']);
  const refreshed = await postToken(sim, { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.equal(refreshed.status, 200);
  assert.notEqual(refreshed.body['access_token'], first.body['access_token']);
  assert.ok(!('refresh_token' in refreshed.body));
  await expectShape(refreshed.body, 'oauth/token-refresh.json');
  const again = await postToken(sim, { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.equal(again.status, 200, 'without rotation the old refresh token keeps working');
});

test('a dead refresh token is 400 invalid_request as the live service answers', async () => {
  const { status, body } = await postToken(sim, {
    grant_type: 'refresh_token',
    refresh_token: 'sim-rt.dead',
  });
  assert.equal(status, 400);
  assert.equal(body['error'], 'invalid_request');
  await expectShape(body, 'oauth/error-invalid-request.json');
});

test('rotateRefreshTokens issues a new refresh token and retires the old one', async () => {
  await withSimulator(startSimulator({ autoApprove: true, rotateRefreshTokens: true }), async (rotating) => {
    const location = await authorize({ redirect_uri: REDIRECT }, rotating);
    const first = await postToken(rotating, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
    });
    const oldToken = String(first.body['refresh_token']);
    const refreshed = await postToken(rotating, { grant_type: 'refresh_token', refresh_token: oldToken });
    assert.equal(refreshed.status, 200);
    assert.equal(typeof refreshed.body['refresh_token'], 'string');
    assert.notEqual(refreshed.body['refresh_token'], oldToken);
    const reused = await postToken(rotating, { grant_type: 'refresh_token', refresh_token: oldToken });
    assert.equal(reused.status, 400);
  });
});

test('the personal access token grant answers the fixture shape, with loa', async () => {
  const { status, body } = await postToken(sim, {
    grant_type: 'personal_access_token',
    pat: 'sim-pat-priya',
  });
  assert.equal(status, 200);
  assert.equal(body['loa'], 3);
  assert.equal(body['principal'], 'priya.castellano@northgate-appliance.example');
  await expectShape(body, 'oauth/token-personal-access-token.json');
});

test('an unknown personal access token is invalid_grant', async () => {
  const { status, body } = await postToken(sim, { grant_type: 'personal_access_token', pat: 'nope' });
  assert.equal(status, 400);
  assert.equal(body['error'], 'invalid_grant');
});

test('grant types: unknown is unsupported_grant_type, client_credentials is 401, none is invalid_request', async () => {
  const unknown = await postToken(sim, { grant_type: 'urn:example:magic' });
  assert.deepEqual([unknown.status, unknown.body['error']], [400, 'unsupported_grant_type']);
  const clientCredentials = await postToken(sim, { grant_type: 'client_credentials' });
  assert.deepEqual([clientCredentials.status, clientCredentials.body['error']], [401, 'unauthorized_client']);
  const none = await postToken(sim, {});
  assert.deepEqual([none.status, none.body['error']], [400, 'invalid_request']);
});

test('requested scopes narrow the grant to those the client has', async () => {
  const location = await authorize({ redirect_uri: REDIRECT, scope: 'users.v1.lines.read not.a.scope' });
  const { body } = await postToken(sim, {
    grant_type: 'authorization_code',
    code: location.searchParams.get('code') ?? '',
    redirect_uri: REDIRECT,
  });
  assert.equal(body['scope'], 'users.v1.lines.read');
});

test('the implicit grant returns the token in the fragment, with no refresh token', async () => {
  const location = await authorize({ response_type: 'token', redirect_uri: REDIRECT, state: 'abc' });
  const fragment = new URLSearchParams(location.hash.slice(1));
  assert.match(fragment.get('access_token') ?? '', /.{20,}/);
  assert.equal(fragment.get('token_type'), 'Bearer');
  assert.equal(fragment.get('expires_in'), '3600');
  assert.equal(fragment.get('principal'), 'priya.castellano@northgate-appliance.example');
  assert.equal(fragment.get('state'), 'abc');
  assert.ok(fragment.get('scope'));
  assert.equal(fragment.get('refresh_token'), null);
  assert.equal(location.search, '');
  const lines = await fetch(`${sim.url}/users/v1/lines`, {
    headers: { authorization: `Bearer ${fragment.get('access_token') ?? ''}` },
  });
  assert.equal(lines.status, 200);
});

test('login_hint picks the user under autoApprove', async () => {
  const location = await authorize({
    redirect_uri: REDIRECT,
    login_hint: 'helena.brandt@northgate-appliance.example',
  });
  const { body } = await postToken(sim, {
    grant_type: 'authorization_code',
    code: location.searchParams.get('code') ?? '',
    redirect_uri: REDIRECT,
  });
  assert.equal(body['principal'], 'helena.brandt@northgate-appliance.example');
});

test('a loopback redirect URI matches on any port, another host or path does not', async () => {
  assert.equal((await authorize({ redirect_uri: 'http://localhost:61234/auth/callback' })).port, '61234');
  for (const redirect of ['http://evil.example/auth/callback', 'http://127.0.0.1:5173/elsewhere']) {
    const query = new URLSearchParams({
      client_id: DEMO_CLIENT.id,
      response_type: 'code',
      redirect_uri: redirect,
    });
    const response = await fetch(`${sim.url}/oauth/authorize?${query.toString()}`, { redirect: 'manual' });
    assert.equal(response.status, 400, redirect);
    assert.match(await response.text(), /not registered/);
  }
});

test('an unknown client_id gets an error page, not a redirect', async () => {
  const response = await fetch(`${sim.url}/oauth/authorize?client_id=ghost&response_type=code`, {
    redirect: 'manual',
  });
  assert.equal(response.status, 400);
  assert.match(response.headers.get('content-type') ?? '', /text\/html/);
});

test('a bad response_type redirects back with error=unsupported_response_type', async () => {
  const location = await authorize({ response_type: 'id_token', redirect_uri: REDIRECT, state: 'z' });
  assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
  assert.equal(location.searchParams.get('state'), 'z');
});
