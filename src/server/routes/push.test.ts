import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { harness, type Harness } from '../testing/harness.ts';
import { call, leg } from '../../pops/testing/calls.ts';
import type { ServerMessage } from '../../shared/messages.ts';

async function listening(): Promise<Harness> {
  const h = await harness();
  const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
  h.publicUrl = address;
  return h;
}

/** A socket that records every message; `next(type)` waits for the next one of that type. */
function connect(h: Harness, headers: Record<string, string>) {
  const url = `${h.publicUrl.replace('http', 'ws')}/api/push`;
  const socket = new WebSocket(url, { headers: { origin: h.publicUrl, ...headers } });
  const messages: ServerMessage[] = [];
  const waiters: { type: string; resolve: (m: ServerMessage) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    messages.push(message);
    const i = waiters.findIndex((w) => w.type === message.type);
    if (i >= 0) {
      waiters.splice(i, 1)[0]?.resolve(message);
    }
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (type: ServerMessage['type']) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} message`)), 2000);
      waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  return { socket, messages, opened, next };
}

function upgradeStatus(h: Harness, headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(`${h.publicUrl.replace('http', 'ws')}/api/push`, { headers });
  return new Promise((resolve) => {
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('open', () => resolve(101));
  });
}

function ring(h: Harness, id: string, lineId: string): void {
  h.pops.onCallChange({
    call: call({ id, legs: [leg(lineId, 'ringing')] }),
    previous: null,
    reasons: ['created'],
  });
}

test('the push socket refuses a browser without a session', async () => {
  const h = await listening();
  assert.equal(await upgradeStatus(h, { origin: h.publicUrl }), 401);
  await h.close();
});

test('the push socket refuses another origin, even with a valid cookie', async () => {
  const h = await listening();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  assert.equal(await upgradeStatus(h, { cookie, origin: 'https://evil.example' }), 403);
  assert.equal(await upgradeStatus(h, { cookie }), 403);
  await h.close();
});

test('an agent gets hello, then the cards of their own calls only', async () => {
  const h = await listening();
  const dana = connect(h, { cookie: await h.signInAs('dana@x', ['line-1']) });
  const eli = connect(h, { cookie: await h.signInAs('eli@x', ['line-2']) });
  assert.deepEqual(await dana.next('hello'), { type: 'hello', principal: 'dana@x', cursor: 0 });
  await eli.next('hello');
  const danaCard = dana.next('card');
  ring(h, 'call-a', 'line-1');
  const message = await danaCard;
  assert.equal(message.type === 'card' && message.card.callId, 'call-a');
  ring(h, 'call-b', 'line-2');
  await eli.next('card');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    eli.messages.flatMap((m) => (m.type === 'card' ? [m.card.callId] : [])),
    ['call-b'],
  );
  assert.deepEqual(
    dana.messages.flatMap((m) => (m.type === 'card' ? [m.card.callId] : [])),
    ['call-a'],
  );
  dana.socket.close();
  eli.socket.close();
  await h.close();
});

test('every open tab of an agent receives the card', async () => {
  const h = await listening();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const tab1 = connect(h, { cookie });
  const tab2 = connect(h, { cookie });
  await Promise.all([tab1.next('hello'), tab2.next('hello')]);
  const got = Promise.all([tab1.next('card'), tab2.next('card')]);
  ring(h, 'call-a', 'line-1');
  const [a, b] = await got;
  assert.deepEqual(a, b);
  tab1.socket.close();
  tab2.socket.close();
  await h.close();
});

test('resume with a cursor replays what was missed, in its current state', async () => {
  const h = await listening();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const first = connect(h, { cookie });
  await first.next('hello');
  const seen = first.next('card');
  ring(h, 'call-a', 'line-1');
  const cursor = ((await seen) as { cursor: number }).cursor;
  first.socket.close();
  await new Promise((r) => setTimeout(r, 50));
  // While the browser is away: call-a is answered, call-b rings.
  h.pops.onCallChange({
    call: call({
      id: 'call-a',
      legs: [leg('line-1', 'connected')],
      answeredBy: 'line-1',
      phase: 'connected',
    }),
    previous: null,
    reasons: ['answered'],
  });
  ring(h, 'call-b', 'line-1');
  const again = connect(h, { cookie });
  await again.next('hello');
  const resumed = again.next('resumed');
  again.socket.send(JSON.stringify({ type: 'resume', cursor }));
  assert.deepEqual(await resumed, { type: 'resumed', cursor: 3, replayed: 2 });
  const replayed = again.messages.flatMap((m) => (m.type === 'card' ? [[m.card.callId, m.card.phase]] : []));
  assert.deepEqual(replayed, [
    ['call-a', 'connected'],
    ['call-b', 'ringing'],
  ]);
  again.socket.close();
  await h.close();
});

test('a malformed client message gets an error message, and the socket stays open', async () => {
  const h = await listening();
  const client = connect(h, { cookie: await h.signInAs('dana@x', ['line-1']) });
  await client.next('hello');
  const error = client.next('error');
  client.socket.send('{"type":"resume","cursor":"x"}');
  assert.equal((await error).type, 'error');
  assert.equal(client.socket.readyState, WebSocket.OPEN);
  client.socket.close();
  await h.close();
});

test('signing out closes the session’s sockets', async () => {
  const h = await listening();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const client = connect(h, { cookie });
  await client.next('hello');
  const closed = new Promise<number>((resolve) => client.socket.on('close', (code) => resolve(code)));
  await h.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
  assert.equal(await closed, 4401);
  await h.close();
});

test('the socket closes when its session expires', async () => {
  const h = await harness({ sessionTtlMs: 300 });
  h.publicUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const client = connect(h, { cookie: await h.signInAs('dana@x', ['line-1']) });
  await client.next('hello');
  const code = await new Promise<number>((resolve) => client.socket.on('close', (c) => resolve(c)));
  assert.equal(code, 4401);
  await h.close();
});

test('a card update is encoded once and the same frame goes to every tab of the agent', async () => {
  const h = await listening();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const tabs = [connect(h, { cookie }), connect(h, { cookie }), connect(h, { cookie })];
  await Promise.all(tabs.map((tab) => tab.next('hello')));
  const got = Promise.all(tabs.map((tab) => tab.next('card')));
  ring(h, 'call-a', 'line-1');
  const frames = await got;
  assert.deepEqual(frames[0], { type: 'card', cursor: 1, card: h.hub.cards('dana@x')[0] });
  assert.deepEqual(frames[1], frames[0]);
  assert.deepEqual(frames[2], frames[0]);
  assert.deepEqual(h.channels.counters, { framesEncoded: 1, framesSent: 3 });
  for (const tab of tabs) {
    tab.socket.close();
  }
  await h.close();
});

test('the push socket gauge follows the open sockets', async () => {
  const h = await listening();
  const cookie = await h.signInAs('dana@x', ['line-1']);
  const gauge = async () =>
    (await h.metrics.registry.getSingleMetric('screenpop_push_sockets')?.get())?.values[0]?.value;
  const tab = connect(h, { cookie });
  await tab.next('hello');
  assert.equal(await gauge(), 1);
  const closed = new Promise((resolve) => tab.socket.on('close', resolve));
  tab.socket.close();
  await closed;
  for (let i = 0; i < 200 && (await gauge()) !== 0; i += 1) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(await gauge(), 0);
  await h.close();
});
