// The bare notification-channel client: the admin's own Call Events channel on the same simulator, read in the
// load-client process, so the arrival of the frame in which a line rings is the baseline of a card's latency.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

interface Participant {
  readonly status?: { readonly value?: string };
  readonly type?: {
    readonly value?: string;
    readonly lineId?: string;
    readonly caller?: { readonly number?: string };
  };
}

interface CallStateFrame {
  readonly data?: {
    readonly type?: string;
    readonly content?: { readonly state?: { readonly participants?: readonly Participant[] } };
  };
}

async function json(response: Response, what: string): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) {
    throw new Error(`${what}: ${response.status} ${JSON.stringify(body)}`);
  }
  return body;
}

/** The caller's number and the lines ringing in a call-state frame, or null when no line rings in it. */
export function ringingLines(text: string): { caller: string; lines: string[] } | null {
  if (!text.includes('"RINGING"')) {
    return null; // cheap filter: most frames of a call ring nobody
  }
  const frame = JSON.parse(text) as CallStateFrame;
  if (frame.data?.type !== 'call-state') {
    return null;
  }
  const participants = frame.data.content?.state?.participants ?? [];
  const caller = participants.find((p) => p.type?.value === 'PHONE_NUMBER')?.type?.caller?.number;
  const lines = participants
    .filter((p) => p.type?.value === 'LINE' && p.status?.value === 'RINGING')
    .map((p) => p.type?.lineId ?? '');
  return caller === undefined || lines.length === 0 ? null : { caller, lines };
}

export interface Baseline {
  close(): Promise<void>;
}

/** Creates and subscribes the admin's channel, then reports every ring as `onRing(caller, lineId, at)`. */
export async function openBaseline(
  simUrl: string,
  pat: string,
  client: { readonly clientId: string; readonly clientSecret: string },
  accountKey: string,
  onRing: (caller: string, lineId: string, at: number) => void,
): Promise<Baseline> {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const token = await json(
    await fetch(`${simUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'personal_access_token', pat }).toString(),
    }),
    'PAT grant',
  );
  const headers = {
    authorization: `Bearer ${String(token['access_token'])}`,
    'content-type': 'application/json',
  };
  const channel = await json(
    await fetch(`${simUrl}/notification-channel/v1/channels/bench-baseline`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ channelType: 'WebSockets' }),
    }),
    'create channel',
  );
  const channelId = String(channel['channelId']);
  const socket = new WebSocket((channel['channelData'] as { channelURL: string }).channelURL, {
    perMessageDeflate: false,
  });
  socket.on('message', (data) => {
    const at = performance.now();
    const ring = ringingLines(String(data));
    ring?.lines.forEach((lineId) => onRing(ring.caller, lineId, at));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await json(
    await fetch(`${simUrl}/call-events/v1/subscriptions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ channelId, accountKeys: [{ id: accountKey, events: ['STARTING', 'ACTIVE'] }] }),
    }),
    'subscribe',
  );
  return {
    async close() {
      socket.close();
      await fetch(
        `${simUrl}/notification-channel/v1/channels/bench-baseline/${encodeURIComponent(channelId)}`,
        {
          method: 'DELETE',
          headers: { authorization: headers.authorization },
        },
      ).then((r) => r.arrayBuffer());
    },
  };
}
