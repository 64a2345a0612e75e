// Helpers for this folder's tests: a fast simulator, Bearer requests, a channel socket that collects frames.
import WebSocket from 'ws';
import { startSimulator } from '../../index.ts';
import type { RunningSimulator } from '../../index.ts';
import { patToken } from '../../testing/sim-client.ts';

export type Frame = Record<string, unknown> & { data?: Record<string, unknown> };

/** A simulator whose time runs `timeScale` times faster (default 200: a 45 s call takes ~0.2 s). */
export function fastSimulator(options: Parameters<typeof startSimulator>[0] = {}): Promise<RunningSimulator> {
  return startSimulator({ timeScale: 200, autoApprove: true, ...options });
}

export async function adminToken(sim: RunningSimulator): Promise<string> {
  return patToken(sim);
}

export async function api(
  sim: RunningSimulator,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (token !== null) {
    headers['authorization'] = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** An open WebSocket that records every JSON frame and can wait for one that matches. */
export class FrameCollector {
  readonly frames: Frame[] = [];
  private waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  closeCode: number | null = null;
  private readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (w.test(frame)) {
          w.resolve(frame);
          return false;
        }
        return true;
      });
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      });
    });
  }

  static open(url: string): Promise<FrameCollector> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const collector = new FrameCollector(socket);
      socket.once('open', () => resolve(collector));
      socket.once('error', reject);
    });
  }

  /** Resolves with the first frame (already received or future) that passes `test`. */
  waitFor(test: (f: Frame) => boolean, timeoutMs = 8000): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen !== undefined) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        test,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  waitClose(): Promise<number> {
    return this.closed;
  }

  close(): void {
    this.socket.close();
  }
}

export const isCallState = (f: Frame): boolean => f.data?.['type'] === 'call-state';

export function stateOf(f: Frame): { metadata: Record<string, unknown>; state: Record<string, unknown> } {
  return (f.data as { content: { metadata: Record<string, unknown>; state: Record<string, unknown> } })
    .content;
}

/** The call-state frames of one conversation, in arrival order. */
export function framesOf(frames: readonly Frame[], conversationSpaceId: string): Frame[] {
  return frames.filter(
    (f) => isCallState(f) && stateOf(f).metadata['conversationSpaceId'] === conversationSpaceId,
  );
}

/** Waits until the conversation's ENDING frame arrived. */
export function waitEnding(collector: FrameCollector, conversationSpaceId: string): Promise<Frame> {
  return collector.waitFor(
    (f) =>
      isCallState(f) &&
      stateOf(f).metadata['conversationSpaceId'] === conversationSpaceId &&
      stateOf(f).state['type'] === 'ENDING',
  );
}

/** Creates a WebSocket channel, subscribes the account to Call Events, and connects. */
export async function subscribedChannel(
  sim: RunningSimulator,
  token: string,
  events?: readonly string[],
): Promise<{ channelId: string; collector: FrameCollector; channelUrl: string }> {
  const created = await api(sim, 'POST', '/notification-channel/v1/channels/screenpop', token, {
    channelType: 'WebSockets',
  });
  const body = created.body as { channelId: string; channelData: { channelURL: string } };
  const accountKey = sim.directory.accounts[0]?.key ?? '';
  const entry = events === undefined ? { id: accountKey } : { id: accountKey, events };
  const sub = await api(sim, 'POST', '/call-events/v1/subscriptions', token, {
    channelId: body.channelId,
    accountKeys: [entry],
  });
  if (sub.status !== 207) {
    throw new Error(`subscribe failed: ${sub.status} ${JSON.stringify(sub.body)}`);
  }
  const collector = await FrameCollector.open(body.channelData.channelURL);
  return { channelId: body.channelId, collector, channelUrl: body.channelData.channelURL };
}

export async function placeCall(sim: RunningSimulator, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${sim.url}/_sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) {
    throw new Error(`placeCall ${response.status}: ${JSON.stringify(json)}`);
  }
  return json;
}

/** GoTo's current demo sign-in: authorization code (auto-approved), then the code for a token at /oauth/token. */
export async function codeGrantToken(sim: RunningSimulator, loginHint?: string): Promise<string> {
  const redirectUri = 'http://127.0.0.1:5000/auth/callback';
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: 'screenpop-demo',
    redirect_uri: redirectUri,
    scope: 'call-events.v1.notifications.manage call-events.v1.events.read cr.v1.read users.v1.lines.read',
    state: 'demo',
  });
  if (loginHint !== undefined) {
    query.set('login_hint', loginHint);
  }
  const response = await fetch(`${sim.url}/oauth/authorize?${query.toString()}`, { redirect: 'manual' });
  const code = new URL(response.headers.get('location') ?? '').searchParams.get('code');
  if (code === null) {
    throw new Error(`no code in redirect ${response.headers.get('location') ?? ''}`);
  }
  const { postToken } = await import('../../testing/sim-client.ts');
  const { status, body } = await postToken(sim, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  });
  if (status !== 200 || typeof body['access_token'] !== 'string') {
    throw new Error(`code exchange failed: ${status} ${JSON.stringify(body)}`);
  }
  return body['access_token'];
}
