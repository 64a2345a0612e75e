// Spec: every absolute URL the simulator hands out (Realtime session, notification channel, the OAuth login redirect)
// is on the host the client asked for — X-Forwarded-Proto/-Host behind a front, Host without, or --public-url.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parsePublicUrl, requestOrigin, webSocketOrigin } from './http/public-url.ts';
import { startSimulator } from './index.ts';
import type { RunningSimulator } from './index.ts';
import { startFront } from './testing/front.ts';
import { patToken, withSimulator } from './testing/sim-client.ts';
import { adminToken, api, fastSimulator, FrameCollector, placeCall } from './telephony/testing/support.ts';

const CHANNELS = '/notification-channel/v1/channels';
const REALTIME_FRONT = { host: 'realtime.jive.com', 'x-forwarded-proto': 'https' };
let sim: RunningSimulator;
let token: string;

before(async () => {
  sim = await fastSimulator();
  token = await adminToken(sim);
});

after(async () => {
  await sim.close();
});

/** A request with headers fetch() will not send (Host); the JSON body and the Location header come back. */
function send(
  target: RunningSimulator,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: unknown; location: string | undefined }> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method,
        path,
        headers: json === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const parsed = text !== '' && response.headers['content-type']?.includes('json');
          resolve({
            status: response.statusCode ?? 0,
            body: parsed ? (JSON.parse(text) as unknown) : text,
            location: response.headers.location,
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(json);
  });
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

test('requestOrigin: X-Forwarded-Proto and -Host win over Host; first entry of a list; https only when said', () => {
  const fallback = 'http://127.0.0.1:7070';
  assert.equal(requestOrigin({ host: 'api.goto.com' }, fallback), 'http://api.goto.com');
  assert.equal(
    requestOrigin({ host: 'api.goto.com', 'x-forwarded-proto': 'https' }, fallback),
    'https://api.goto.com',
  );
  assert.equal(
    requestOrigin(
      {
        host: '127.0.0.1:7070',
        'x-forwarded-host': 'Webrtc.Jive.com, inner:8080',
        'x-forwarded-proto': 'https, http',
      },
      fallback,
    ),
    'https://webrtc.jive.com',
  );
  assert.equal(
    requestOrigin({ host: '[::1]:7070', 'x-forwarded-proto': 'gopher' }, fallback),
    'http://[::1]:7070',
  );
});

test('requestOrigin: a host that could add a path, a user or a scheme falls back to the bind address', () => {
  const fallback = 'http://127.0.0.1:7070';
  for (const host of [
    'evil.example/path',
    'user@evil.example',
    'a b',
    'evil.example:80:80',
    '',
    'javascript:x',
  ]) {
    assert.equal(requestOrigin({ host }, fallback), fallback, host);
    if (host !== '') {
      assert.equal(requestOrigin({ host: 'ok.example', 'x-forwarded-host': host }, fallback), fallback, host);
    }
  }
  assert.equal(requestOrigin({}, fallback), fallback);
});

test('webSocketOrigin maps https to wss and http to ws; parsePublicUrl accepts only a bare http(s) origin', () => {
  assert.equal(webSocketOrigin('https://realtime.jive.com'), 'wss://realtime.jive.com');
  assert.equal(webSocketOrigin('http://127.0.0.1:7070'), 'ws://127.0.0.1:7070');
  assert.equal(parsePublicUrl('https://goto.test/'), 'https://goto.test');
  assert.equal(parsePublicUrl('http://127.0.0.1:8443'), 'http://127.0.0.1:8443');
  for (const bad of [
    'goto.test',
    'ftp://goto.test',
    'https://goto.test/prefix',
    'https://u:p@goto.test',
    'https://goto.test/?a',
  ]) {
    assert.throws(() => parsePublicUrl(bad), /publicUrl/, bad);
  }
});

test('POST /v2/session behind a TLS front answers with https:// and wss:// URLs on realtime.jive.com', async () => {
  const created = await send(sim, 'POST', '/v2/session', { ...REALTIME_FRONT, ...bearer(token) });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const urls = created.body as { self: string; ws: string; subscriptions: string };
  const id = urls.self.split('/').pop() ?? '';
  assert.deepEqual(urls, {
    self: `https://realtime.jive.com/v2/session/${id}`,
    ws: `wss://realtime.jive.com/ws/v2/${id}`,
    subscriptions: `https://realtime.jive.com/v2/session/${id}/subscriptions`,
  });
  const read = await send(sim, 'GET', `/v2/session/${id}`, { host: 'rt.example:8443', ...bearer(token) });
  assert.deepEqual(read.body, {
    self: `http://rt.example:8443/v2/session/${id}`,
    ws: `ws://rt.example:8443/ws/v2/${id}`,
    subscriptions: `http://rt.example:8443/v2/session/${id}/subscriptions`,
  });
  await send(sim, 'DELETE', `/v2/session/${id}`, bearer(token));
});

test('a WebSocket channel created through api.goto.com gets a wss://api.goto.com channelURL, in every answer', async () => {
  const front = { host: '127.0.0.1:1', 'x-forwarded-host': 'api.goto.com', 'x-forwarded-proto': 'https' };
  const created = await send(
    sim,
    'POST',
    `${CHANNELS}/public-url`,
    { ...front, ...bearer(token) },
    {
      channelType: 'WebSockets',
    },
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { channelId, channelData } = created.body as {
    channelId: string;
    channelData: { channelURL: string };
  };
  const expected = `wss://api.goto.com${CHANNELS}/${channelId}/channelId/ws`;
  assert.equal(channelData.channelURL, expected);
  const one = await send(sim, 'GET', `${CHANNELS}/public-url/${channelId}`, { ...front, ...bearer(token) });
  assert.equal((one.body as { channelData: { channelURL: string } }).channelData.channelURL, expected);
  const list = await send(sim, 'GET', CHANNELS, { ...front, ...bearer(token) });
  const listed = (list.body as { items: { channelId: string; channelData?: { channelURL: string } }[] })
    .items;
  assert.equal(listed.find((c) => c.channelId === channelId)?.channelData?.channelURL, expected);
  const refreshed = await send(sim, 'PUT', `${CHANNELS}/public-url/${channelId}`, {
    ...front,
    ...bearer(token),
  });
  assert.equal((refreshed.body as { channelData: { channelURL: string } }).channelData.channelURL, expected);
  await api(sim, 'DELETE', `${CHANNELS}/public-url/${channelId}`, token);
});

test("a Webhook channel's resourceURL is on the host the client asked for", async () => {
  const receiver = createServer((_request, response) => response.writeHead(200).end());
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    const created = await send(
      sim,
      'POST',
      `${CHANNELS}/hooked`,
      { host: 'webrtc.jive.com', 'x-forwarded-proto': 'https', ...bearer(token) },
      {
        channelType: 'Webhook',
        webhookChannelData: { webhook: { url: hook } },
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const body = created.body as { channelId: string; resourceURL: string };
    assert.equal(body.resourceURL, `https://webrtc.jive.com${CHANNELS}/hooked/${body.channelId}`);
    await api(sim, 'DELETE', `${CHANNELS}/hooked/${body.channelId}`, token);
  } finally {
    receiver.close();
  }
});

test("GET /oauth/authorize redirects to an absolute login URL on GoTo's auth host, the approve URL inside", async () => {
  await withSimulator(startSimulator(), async (own) => {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'screenpop-demo',
      redirect_uri: 'http://127.0.0.1:5000/auth/callback',
      state: 's1',
    });
    const front = { host: 'authentication.logmeininc.com', 'x-forwarded-proto': 'https' };
    const authorize = await send(own, 'GET', `/oauth/authorize?${query.toString()}`, front);
    assert.equal(authorize.status, 302);
    const login = new URL(authorize.location ?? '');
    assert.equal(`${login.origin}${login.pathname}`, 'https://authentication.logmeininc.com/login');
    const service = new URL(login.searchParams.get('service') ?? '');
    assert.equal(
      `${service.origin}${service.pathname}`,
      'https://authentication.logmeininc.com/oauth/approve',
    );
    assert.equal(service.searchParams.get('state'), 's1');
    const approve = await send(own, 'GET', `${service.pathname}${service.search}`, front);
    assert.equal(approve.location, authorize.location);
  });
});

test('--public-url overrides the request: every URL names it, whatever Host the client sent', async () => {
  await withSimulator(fastSimulator({ publicUrl: 'https://goto.test/' }), async (own) => {
    assert.equal(own.publicUrl, 'https://goto.test');
    const ownToken = await patToken(own);
    const session = await send(own, 'POST', '/v2/session', {
      host: 'realtime.jive.com',
      ...bearer(ownToken),
    });
    const urls = session.body as { self: string; ws: string };
    assert.match(urls.self, /^https:\/\/goto\.test\/v2\/session\/\w+$/);
    assert.match(urls.ws, /^wss:\/\/goto\.test\/ws\/v2\/\w+$/);
    const channel = await api(own, 'POST', `${CHANNELS}/pinned`, ownToken, { channelType: 'WebSockets' });
    const url = (channel.body as { channelData: { channelURL: string } }).channelData.channelURL;
    assert.ok(url.startsWith(`wss://goto.test${CHANNELS}/`), url);
  });
  await assert.rejects(startSimulator({ publicUrl: 'goto.test' }), /publicUrl/);
});

test('without a front the URLs stay on the address the client used, so clients work as before', async () => {
  const session = await api(sim, 'POST', '/v2/session', token);
  const urls = session.body as { self: string; ws: string };
  assert.ok(urls.self.startsWith(`${sim.url}/v2/session/`), urls.self);
  assert.ok(urls.ws.startsWith(`${sim.wsUrl}/ws/v2/`), urls.ws);
  await api(sim, 'DELETE', new URL(urls.self).pathname, token);
});

test('through a front, the session URLs lead back through it: subscription POST and WebSocket included', async () => {
  const front = await startFront(sim.port);
  try {
    const base = { authorization: `Bearer ${token}` };
    const created = await fetch(`${front.url}/v2/session`, { method: 'POST', headers: base });
    assert.equal(created.status, 200);
    const urls = (await created.json()) as { self: string; ws: string; subscriptions: string };
    assert.ok(urls.ws.startsWith(`${front.url.replace('http', 'ws')}/ws/v2/`), urls.ws);
    const lines = (await (await fetch(`${front.url}/users/v1/lines`, { headers: base })).json()) as {
      items: { id: string; organization: { id: string } }[];
    };
    const line = lines.items[0];
    assert.ok(line !== undefined);
    const subscription = [
      { id: 's', type: 'dialog', entity: { id: line.id, type: 'line.v2', account: line.organization.id } },
    ];
    const subscribed = await fetch(urls.subscriptions, {
      method: 'POST',
      headers: { ...base, 'content-type': 'application/json' },
      body: JSON.stringify(subscription),
    });
    assert.equal(subscribed.status, 200);
    const collector = await FrameCollector.open(urls.ws);
    await placeCall(sim, {
      scenario: 'answered',
      from: '7085550134',
      callerName: 'TOLLIVER JUNE',
      to: '2101',
    });
    await collector.waitFor((f) => f['type'] === 'announce');
    collector.close();
    assert.equal(front.counts.requests, 3);
    assert.equal(front.counts.upgrades, 1);
    await fetch(urls.self, { method: 'DELETE', headers: base });
  } finally {
    await front.close();
  }
});

test("through a front, the notification channel's socket is reached through it", async () => {
  const front = await startFront(sim.port);
  try {
    const created = await fetch(`${front.url}${CHANNELS}/fronted`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channelType: 'WebSockets' }),
    });
    const body = (await created.json()) as { channelId: string; channelData: { channelURL: string } };
    assert.ok(
      body.channelData.channelURL.startsWith(front.url.replace('http', 'ws')),
      body.channelData.channelURL,
    );
    const collector = await FrameCollector.open(body.channelData.channelURL);
    assert.equal(front.counts.upgrades, 1);
    collector.close();
    await api(sim, 'DELETE', `${CHANNELS}/fronted/${body.channelId}`, token);
  } finally {
    await front.close();
  }
});
