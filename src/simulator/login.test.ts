// Spec of the simulator's login page: the browser flow with plain fetch (authorize → login → form POST → redirect).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from './index.ts';
import type { RunningSimulator } from './index.ts';
import { DEMO_CLIENT, postToken } from './testing/sim-client.ts';

const REDIRECT = 'http://localhost:8080/auth/callback';
let sim: RunningSimulator;

before(async () => {
  sim = await startSimulator();
});
after(async () => {
  await sim.close();
});

async function openLoginPage(params: Record<string, string>): Promise<{ html: string; service: string }> {
  const query = new URLSearchParams({ client_id: DEMO_CLIENT.id, redirect_uri: REDIRECT, ...params });
  const authorize = await fetch(`${sim.url}/oauth/authorize?${query.toString()}`, { redirect: 'manual' });
  assert.equal(authorize.status, 302);
  const loginUrl = new URL(authorize.headers.get('location') ?? '', sim.url);
  assert.equal(loginUrl.pathname, '/login');
  const page = await fetch(loginUrl);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const html = await page.text();
  const service = /name="service" value="([^"]*)"/.exec(html)?.[1]?.replace(/&#38;/g, '&');
  assert.ok(service, 'the form carries the authorize request');
  return { html, service };
}

async function submit(fields: Record<string, string>): Promise<Response> {
  return fetch(`${sim.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

test('authorize without autoApprove sends the browser to a login form listing every seeded user', async () => {
  const { html } = await openLoginPage({ response_type: 'code', state: 'st' });
  assert.match(html, /<form method="post" action="\/login">/);
  for (const user of sim.directory.users) {
    assert.ok(html.includes(`value="${user.email}"`), user.email);
  }
  assert.match(html, /super admin/);
});

test('choosing a user redirects to the redirect_uri with a code and the state; the code is exchangeable', async () => {
  const { service } = await openLoginPage({ response_type: 'code', state: 'st-42' });
  const response = await submit({ service, user: 'marcus.oyelaran@northgate-appliance.example' });
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get('location') ?? '');
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  assert.equal(location.searchParams.get('state'), 'st-42');
  const { status, body } = await postToken(sim, {
    grant_type: 'authorization_code',
    code: location.searchParams.get('code') ?? '',
    redirect_uri: REDIRECT,
  });
  assert.equal(status, 200);
  assert.equal(body['principal'], 'marcus.oyelaran@northgate-appliance.example');
});

test('the login form also finishes an implicit grant, token in the fragment', async () => {
  const { service } = await openLoginPage({ response_type: 'token' });
  const response = await submit({ service, user: 'aiko.delacroix@northgate-appliance.example' });
  const fragment = new URLSearchParams(new URL(response.headers.get('location') ?? '').hash.slice(1));
  assert.equal(fragment.get('principal'), 'aiko.delacroix@northgate-appliance.example');
  assert.ok(fragment.get('access_token'));
});

test('Deny redirects with error=access_denied', async () => {
  const { service } = await openLoginPage({ response_type: 'code', state: 'd' });
  const response = await submit({ service, deny: '1' });
  const location = new URL(response.headers.get('location') ?? '');
  assert.equal(location.searchParams.get('error'), 'access_denied');
  assert.equal(location.searchParams.get('state'), 'd');
  assert.equal(location.searchParams.get('code'), null);
});

test('a forged form (unknown user, tampered redirect) is refused with an error page', async () => {
  const { service } = await openLoginPage({ response_type: 'code' });
  const unknownUser = await submit({ service, user: 'mallory@example.com' });
  assert.equal(unknownUser.status, 400);
  const tampered = service.replace(
    encodeURIComponent(REDIRECT),
    encodeURIComponent('http://evil.example/cb'),
  );
  assert.notEqual(tampered, service);
  const forged = await submit({ service: tampered, user: 'marcus.oyelaran@northgate-appliance.example' });
  assert.equal(forged.status, 400);
  assert.equal(forged.headers.get('location'), null);
});

test('the login page without a service parameter explains where to start', async () => {
  const response = await fetch(`${sim.url}/login`);
  assert.equal(response.status, 400);
  assert.match(await response.text(), /\/oauth\/authorize/);
});

test('the service URL itself (/oauth/approve) leads back to the login form', async () => {
  const { service } = await openLoginPage({ response_type: 'code' });
  const approve = await fetch(service, { redirect: 'manual' });
  assert.equal(approve.status, 302);
  const page = await fetch(new URL(approve.headers.get('location') ?? '', sim.url));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<form method="post" action="\/login">/);
});
