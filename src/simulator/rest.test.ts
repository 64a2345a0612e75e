// Spec of the simulator's REST APIs: users/admin/identity/voice-admin shapes (vs fixtures), auth errors, faults, CORS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from './index.ts';
import type { RunningSimulator } from './index.ts';
import { fixture } from './testing/fixtures.ts';
import { shapeDiff } from './testing/shape.ts';
import { getJson, patToken, postSim, withSimulator } from './testing/sim-client.ts';

const ACCOUNT = '4718093562201847735';
let sim: RunningSimulator;
let token: string;

before(async () => {
  sim = await startSimulator();
  token = await patToken(sim);
});
after(async () => {
  await sim.close();
});

async function expectShape(actual: unknown, file: string): Promise<void> {
  assert.deepEqual(shapeDiff(actual, await fixture(file)), []);
}

const FIXTURE_ROUTES: readonly (readonly [string, string])[] = [
  ['/users/v1/lines', 'users/lines.json'],
  [`/users/v1/users?accountKey=${ACCOUNT}`, 'users/users.json'],
  ['/admin/rest/v1/me', 'users/admin-me.json'],
  [
    `/admin/rest/v1/accounts/${ACCOUNT}/users?attributes=key,email&offset=0&pageSize=1000`,
    'users/admin-users.json',
  ],
  ['/identity/v1/Users/me', 'users/identity-me.json'],
  ['/voice-admin/v1/phone-numbers', 'voice-admin/phone-numbers.json'],
];

for (const [path, file] of FIXTURE_ROUTES) {
  test(`GET ${path.split('?')[0]} answers the shape of fixtures ${file}`, async () => {
    const { status, body } = await getJson(sim, path, token);
    assert.equal(status, 200);
    await expectShape(body, file);
  });
}

test('the values served are the fixture account (same ids as the fixtures)', async () => {
  for (const [path, file] of FIXTURE_ROUTES) {
    assert.deepEqual((await getJson(sim, path, token)).body, await fixture(file), path);
  }
});

test('/users/v1/lines lists only the token user’s lines, with the account key', async () => {
  const { body } = await getJson(sim, '/users/v1/lines', token);
  const items = (body as { items: { number: string; accountKey: string }[] }).items;
  assert.deepEqual(
    items.map((i) => [i.number, i.accountKey]),
    [['2101', ACCOUNT]],
  );
});

test('/users/v1/me carries items[0].accountKey', async () => {
  const { status, body } = await getJson(sim, '/users/v1/me', token);
  assert.equal(status, 200);
  assert.equal((body as { items: { accountKey: string }[] }).items[0]?.accountKey, ACCOUNT);
});

test('/users/v1/users pages with pageSize and pageMarker; nextPageMarker is absent on the last page', async () => {
  const keys: string[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const query = `accountKey=${ACCOUNT}&pageSize=4${marker === undefined ? '' : `&pageMarker=${marker}`}`;
    const { status, body } = await getJson(sim, `/users/v1/users?${query}`, token);
    assert.equal(status, 200);
    const page = body as { items: { userKey: string }[]; nextPageMarker?: string };
    keys.push(...page.items.map((i) => i.userKey));
    marker = page.nextPageMarker;
    pages += 1;
    if (marker === undefined) {
      assert.ok(!('nextPageMarker' in page));
    }
  } while (marker !== undefined);
  assert.equal(pages, 2);
  assert.deepEqual(
    keys,
    sim.directory.users.map((u) => u.userKey),
  );
});

test('/users/v1/users rejects a missing accountKey, a bad marker and another account', async () => {
  const missing = await getJson(sim, '/users/v1/users', token);
  assert.equal(missing.status, 400);
  assert.equal((missing.body as { errorCode: string }).errorCode, 'BAD_REQUEST');
  assert.equal(
    (await getJson(sim, `/users/v1/users?accountKey=${ACCOUNT}&pageMarker=zz`, token)).status,
    400,
  );
  assert.equal((await getJson(sim, `/users/v1/users?accountKey=${ACCOUNT}&pageSize=0`, token)).status, 400);
  assert.equal((await getJson(sim, '/users/v1/users?accountKey=123', token)).status, 403);
});

test('admin users: offset and pageSize window the list, toIndex is inclusive', async () => {
  const { body } = await getJson(sim, `/admin/rest/v1/accounts/${ACCOUNT}/users?offset=2&pageSize=3`, token);
  assert.deepEqual(
    { ...(body as object), results: undefined },
    { results: undefined, fromIndex: 2, toIndex: 4, total: 6 },
  );
  assert.equal((await getJson(sim, '/admin/rest/v1/accounts/999/users', token)).status, 404);
});

test('admin users are refused to a user who is not a super admin', async () => {
  const location = await fetch(
    `${sim.url}/oauth/authorize?client_id=screenpop-demo&response_type=token&redirect_uri=http://127.0.0.1/auth/callback`,
    { redirect: 'manual' },
  );
  const loginUrl = new URL(location.headers.get('location') ?? '', sim.url);
  const form = new URLSearchParams({
    service: loginUrl.searchParams.get('service') ?? '',
    user: 'marcus.oyelaran@northgate-appliance.example',
  });
  const done = await fetch(`${sim.url}/login`, { method: 'POST', body: form, redirect: 'manual' });
  const marcus = new URLSearchParams(new URL(done.headers.get('location') ?? '').hash.slice(1)).get(
    'access_token',
  );
  const { status, body } = await getJson(sim, `/admin/rest/v1/accounts/${ACCOUNT}/users`, marcus);
  assert.equal(status, 403);
  assert.equal((body as { errorCode: string }).errorCode, 'FORBIDDEN');
});

test('no token, a malformed header and an unknown token are 401; the body has the fixture shape', async () => {
  const none = await getJson(sim, '/users/v1/lines', null);
  assert.equal(none.status, 401);
  assert.equal((none.body as { errorCode: string }).errorCode, 'AUTHN_INVALID_TOKEN');
  const basic = await fetch(`${sim.url}/users/v1/lines`, { headers: { authorization: 'Basic eDp5' } });
  assert.equal(basic.status, 401);
  assert.equal(((await basic.json()) as { errorCode: string }).errorCode, 'AUTHN_MALFORMED_TOKEN');
  const unknown = await getJson(sim, '/users/v1/lines', 'sim-at.unknown');
  assert.equal(unknown.status, 401);
  assert.equal((unknown.body as { errorCode: string }).errorCode, 'AUTHN_INVALID_TOKEN');
  await expectShape(unknown.body, 'errors/401-invalid-token.json');
});

test('a token without the endpoint’s scope is 403 AUTHZ_INSUFFICIENT_SCOPE in the fixture shape', async () => {
  const narrow = await patToken(sim, 'cr.v1.read');
  for (const path of ['/users/v1/lines', '/identity/v1/Users/me', '/voice-admin/v1/phone-numbers']) {
    const { status, body } = await getJson(sim, path, narrow);
    assert.equal(status, 403, path);
    assert.equal((body as { errorCode: string }).errorCode, 'AUTHZ_INSUFFICIENT_SCOPE');
    await expectShape(body, 'errors/403-insufficient-scope.json');
  }
});

test('a token expires after tokenTtlSeconds of simulated time (timeScale)', async () => {
  await withSimulator(startSimulator({ timeScale: 1000, tokenTtlSeconds: 60 }), async (fast) => {
    const short = await patToken(fast);
    assert.equal((await getJson(fast, '/users/v1/lines', short)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const { status, body } = await getJson(fast, '/users/v1/lines', short);
    assert.equal(status, 401);
    assert.equal((body as { errorCode: string }).errorCode, 'AUTHN_EXPIRED_TOKEN');
    await expectShape(body, 'errors/401-invalid-token.json');
  });
});

test('POST /_sim/faults {expireTokens:true} expires every issued token; new ones work', async () => {
  await withSimulator(startSimulator(), async (own) => {
    const old = await patToken(own);
    const { body } = await postSim(own, '/_sim/faults', { expireTokens: true });
    assert.equal((body as { expiredTokens: number }).expiredTokens, 1);
    assert.equal(
      ((await getJson(own, '/users/v1/lines', old)).body as { errorCode: string }).errorCode,
      'AUTHN_EXPIRED_TOKEN',
    );
    assert.equal((await getJson(own, '/users/v1/lines', await patToken(own))).status, 200);
  });
});

test('http429 faults answer 429 with an empty JSON body; http5xx faults answer 500/502/503', async () => {
  await withSimulator(startSimulator(), async (own) => {
    const valid = await patToken(own);
    await postSim(own, '/_sim/faults', { http429: 1 });
    const limited = await getJson(own, '/users/v1/lines', valid);
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, {});
    await expectShape(limited.body, 'errors/429-rate-limited.json');
    await postSim(own, '/_sim/faults', { http429: 0, http5xx: 1 });
    const failed = await getJson(own, '/users/v1/lines', valid);
    assert.ok([500, 502, 503].includes(failed.status), String(failed.status));
    assert.equal((failed.body as { errorCode: string }).errorCode, 'UNKNOWN_ERROR');
    await postSim(own, '/_sim/faults', { reset: true });
    assert.equal((await getJson(own, '/users/v1/lines', valid)).status, 200);
  });
});

test('faults apply to REST only: the token endpoint and the control API keep working', async () => {
  await withSimulator(startSimulator(), async (own) => {
    await postSim(own, '/_sim/faults', { http429: 1, http5xx: 1 });
    assert.ok(await patToken(own));
    assert.equal((await fetch(`${own.url}/_sim/health`)).status, 200);
  });
});

test('CORS: a preflight OPTIONS is 204 with the allowed methods and headers', async () => {
  const response = await fetch(`${sim.url}/users/v1/lines`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://127.0.0.1:5000',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.match(response.headers.get('access-control-allow-methods') ?? '', /GET/);
  assert.match(response.headers.get('access-control-allow-headers') ?? '', /authorization/i);
});

test('CORS: responses, errors included, carry Access-Control-Allow-Origin', async () => {
  const ok = await getJson(sim, '/users/v1/lines', token);
  assert.equal(ok.headers.get('access-control-allow-origin'), '*');
  const denied = await getJson(sim, '/users/v1/lines', null);
  assert.equal(denied.headers.get('access-control-allow-origin'), '*');
});

test('an unknown route is 404 in GoTo’s error shape', async () => {
  const { status, body } = await getJson(sim, '/users/v1/nothing-here', token);
  assert.equal(status, 404);
  assert.deepEqual(Object.keys(body as object), ['reference', 'errorCode', 'message']);
});
