// Hostile input: mutated and random GoTo frames into the real sources (both APIs, over a real WebSocket) and webhook
// bodies into their normalizer. None throws, every rejection is counted by reason on /metrics' registry, and the
// good frames between them still become events. FUZZ_FRAMES (default 5,000, seeded); SCREENPOP_FUZZ=1 runs 100,000.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { startSimulator } from '../simulator/index.ts';
import type { RunningSimulator } from '../simulator/index.ts';
import { seededRandom } from '../util/seeded-random.ts';
import type { TokenManager } from './auth/token-manager.ts';
import { createCallEventsSource } from './call-events/source.ts';
import { normalizeWebhookBody } from './call-events/frames.ts';
import type { GoToApi, GoToResponse, RequestOptions } from './http/rest-client.ts';
import { registerGoToMetrics } from './metrics.ts';
import { createRealtimeSource } from './realtime/source.ts';
import { subIdOf } from './realtime/session.ts';
import { fixtureList, usPhone } from './testing/fixtures.ts';
import { mutate, pick, randomValue } from './testing/mutations.ts';
import type { Rand } from './testing/mutations.ts';
import { signedInSimulator, silent } from './testing/harness.ts';
import type { Harness, SignedInSimulator } from './testing/harness.ts';
import { RecordingSink, waitFor } from './testing/recording-sink.ts';

const FRAMES = Number(
  process.env['FUZZ_FRAMES'] ?? (process.env['SCREENPOP_FUZZ'] === '1' ? 100_000 : 5_000),
);
/** One good frame (a new call) after this many hostile ones. */
const GOOD_EVERY = 50;

let env: SignedInSimulator<RunningSimulator>;
// priya: the demo PAT's user, a super admin with line 2101 (Call Events for the account, Realtime for her line).
let h: Harness;
let admin: TokenManager;
let server: WebSocketServer;
let serverUrl: string;
let nextSocket: ((socket: WebSocket) => void) | null = null;

before(async () => {
  env = await signedInSimulator(await startSimulator({ autoApprove: true }), 'admin');
  ({ h, tokens: admin } = env);
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  serverUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('connection', (socket) => nextSocket?.(socket));
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await env.close();
});

/** The real REST client, but the channel / session it creates hands out our socket: we write its frames. */
function socketOnLoopback(api: GoToApi): GoToApi {
  return {
    urls: api.urls,
    url: (host, path, query) => api.url(host, path, query),
    async request<T>(method: string, url: string, options?: RequestOptions<T>): Promise<GoToResponse<T>> {
      const response = await api.request(method, url, options);
      const body = response.body as Record<string, unknown> | undefined;
      if (method === 'POST' && body !== undefined && /\/channels\/[^/]+$/.test(new URL(url).pathname)) {
        const channelData = { ...(body['channelData'] as object), channelURL: serverUrl };
        return { ...response, body: { ...body, channelData } as typeof response.body };
      }
      if (method === 'POST' && body !== undefined && new URL(url).pathname === '/v2/session') {
        return { ...response, body: { ...body, ws: serverUrl } as typeof response.body };
      }
      return response;
    },
  };
}

// --- hostile frames ---

/** A hostile frame text: a mutated real frame, random JSON, broken text, or a nest too deep for comfort. */
function hostile(rand: Rand, bases: readonly unknown[]): string {
  const roll = rand();
  if (roll < 0.6) {
    return JSON.stringify(mutate(rand, pick(rand, bases)));
  }
  if (roll < 0.75) {
    return JSON.stringify(randomValue(rand));
  }
  if (roll < 0.85) {
    const text = JSON.stringify(pick(rand, bases));
    return text.slice(0, Math.floor(rand() * text.length)); // truncated
  }
  if (roll < 0.95) {
    return Array.from({ length: Math.floor(rand() * 200) }, () =>
      String.fromCharCode(Math.floor(rand() * 0xffff)),
    ).join('');
  }
  return '['.repeat(5_000) + ']'.repeat(rand() < 0.5 ? 5_000 : 10);
}

/**
 * Sends the frames in batches of 500, each once the client has handled the last: a flood queued faster than it is
 * read would starve the keepalive pongs behind it, and the client would rightly give the socket up.
 */
async function send(socket: WebSocket, frames: readonly string[], handled: () => number): Promise<void> {
  for (let i = 0; i < frames.length; i += 500) {
    const batch = frames.slice(i, i + 500);
    for (const frame of batch) {
      socket.send(frame);
    }
    await waitFor('the batch handled', () => handled() >= i + batch.length, 60_000);
  }
}

function rejectedTotals(text: string, api: string): number {
  let sum = 0;
  for (const m of text.matchAll(
    /^screenpop_goto_rejected_frames_total\{api="([^"]+)",reason="[^"]+"\} (\d+)$/gm,
  )) {
    if (m[1] === api) {
      sum += Number(m[2]);
    }
  }
  return sum;
}

test(`${FRAMES} hostile Call Events frames: none throws, each rejection counted, good calls still pop`, async (t) => {
  const rand = seededRandom(13_001);
  const bases = [
    ...fixtureList('call-events/ws-call-a-queue-answered.json'),
    ...fixtureList('call-events/ws-call-b-direct-missed.json'),
    ...fixtureList('call-events/ws-call-c-outbound.json'),
  ];
  const starting = bases[0] as { data: { content: { metadata: Record<string, unknown> } } };
  const opened = new Promise<WebSocket>((resolve) => (nextSocket = resolve));
  const source = createCallEventsSource({
    api: socketOnLoopback(h.api(admin)),
    accountKey: '4718093562201847735',
    phone: usPhone,
    logger: silent,
    recoveryRetry: { baseMs: 5, maxMs: 20, attempts: 1 },
  });
  const registry = new Registry();
  registerGoToMetrics(registry, { sources: () => [source], connected: () => 1 });
  const sink = new RecordingSink();
  await source.start(sink);
  t.after(() => source.stop());
  const socket = await opened;
  const frames: string[] = [];
  const good: string[] = [];
  for (let i = 0; i < FRAMES; i++) {
    if (i % GOOD_EVERY === 0) {
      // Call (a)'s first state under a new conversation id and notification id: a new call, seq 1, no gap.
      const id = `fuzz-good-${i}`;
      const frame = structuredClone(starting);
      frame.data.content.metadata['conversationSpaceId'] = id;
      (frame.data as Record<string, unknown>)['id'] = `${id}-n`;
      good.push(id);
      frames.push(JSON.stringify(frame));
    }
    frames.push(hostile(rand, bases));
  }
  await send(socket, frames, () => source.stats.frames);
  await waitFor('every frame handled', () => source.stats.frames === frames.length, 120_000);
  const delivered = new Set(sink.events.map((e) => e.callId));
  assert.deepEqual(
    good.filter((id) => !delivered.has(id)),
    [],
    'every good frame became an event',
  );
  const text = await registry.metrics();
  const rejected = Object.values(source.rejected).reduce((a, b) => a + b, 0);
  assert.ok(rejected > FRAMES * 0.5, `most hostile frames are rejected (${rejected})`);
  assert.equal(rejectedTotals(text, 'call-events'), rejected, '/metrics counts each rejection by reason');
  assert.equal(source.rejected['normalizer_error'] ?? 0, 0, 'no frame broke the normalizer');
  assert.equal(source.connected, true, 'the socket survived');
  t.diagnostic(
    `call events: ${frames.length} frames, ${source.stats.events} events, ${source.stats.ignored} ignored, ` +
      `rejected ${JSON.stringify(source.rejected)}`,
  );
});

test(`${FRAMES} hostile Realtime frames: none throws, each rejection counted, good calls still pop`, async (t) => {
  const rand = seededRandom(13_002);
  const bases = fixtureList('realtime/ws-frames-inbound-call.json');
  const opened = new Promise<WebSocket>((resolve) => (nextSocket = resolve));
  const source = createRealtimeSource({
    api: socketOnLoopback(h.api(admin)),
    lineIds: null,
    accountKey: null,
    phone: usPhone,
    logger: silent,
    keepaliveMs: 3_600_000,
  });
  const registry = new Registry();
  registerGoToMetrics(registry, { sources: () => [source], connected: () => 1 });
  const sink = new RecordingSink();
  await source.start(sink);
  t.after(() => source.stop());
  const socket = await opened;
  const subId = subIdOf(source.lines[0]!.id);
  const announce = bases.find((f) => (f as { type?: string }).type === 'announce') as {
    subId: string;
    data: Record<string, unknown>;
  };
  const frames: string[] = [];
  const good: string[] = [];
  for (let i = 0; i < FRAMES; i++) {
    if (i % GOOD_EVERY === 0) {
      const id = `fuzz-good-${i}`;
      good.push(id);
      frames.push(
        JSON.stringify({ ...announce, subId, data: { ...announce.data, originatorId: id, legId: id } }),
      );
    }
    const frame = hostile(rand, bases);
    frames.push(frame.includes('"subId"') ? frame.replace(/"subId":"[^"]*"/, `"subId":"${subId}"`) : frame);
  }
  await send(socket, frames, () => source.stats.frames);
  await waitFor('every frame handled', () => source.stats.frames === frames.length, 120_000);
  const delivered = new Set(sink.events.map((e) => e.callId));
  assert.deepEqual(
    good.filter((id) => !delivered.has(id)),
    [],
    'every good frame became an event',
  );
  const text = await registry.metrics();
  const rejected = Object.values(source.rejected).reduce((a, b) => a + b, 0);
  assert.ok(rejected > FRAMES * 0.3, `many hostile frames are rejected (${rejected})`);
  assert.equal(rejectedTotals(text, 'realtime'), rejected, '/metrics counts each rejection by reason');
  assert.equal(source.rejected['normalizer_error'] ?? 0, 0, 'no frame broke the normalizer');
  assert.equal(source.connected, true, 'the socket survived');
  t.diagnostic(
    `realtime: ${frames.length} frames, ${source.stats.events} events, ${source.stats.ignored} ignored, ` +
      `rejected ${JSON.stringify(source.rejected)}`,
  );
});

test(`${FRAMES} hostile webhook bodies: none throws, each one a clear result`, (t) => {
  const rand = seededRandom(13_003);
  const bases = fixtureList('call-events/webhook-call-a-queue-answered.json');
  const kinds: Record<string, number> = {};
  for (let i = 0; i < FRAMES; i++) {
    const body = rand() < 0.8 ? mutate(rand, pick(rand, bases)) : randomValue(rand);
    const result = normalizeWebhookBody(body, usPhone);
    const key = result.kind === 'invalid' ? `invalid:${result.reason}` : result.kind;
    kinds[key] = (kinds[key] ?? 0) + 1;
  }
  assert.equal(
    Object.values(kinds).reduce((a, b) => a + b, 0),
    FRAMES,
  );
  assert.ok((kinds['event'] ?? 0) > 0 && Object.keys(kinds).some((k) => k.startsWith('invalid:')));
  t.diagnostic(`webhook bodies: ${JSON.stringify(kinds)}`);
});
