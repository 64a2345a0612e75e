// What the load client does as agents: the real sign-in over HTTP (screenpop → simulator OAuth with
// autoApprove → screenpop callback) and the browser's push socket, timed on the load client's clock.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface SignInTiming {
  readonly totalMs: number;
  /** The simulator's own leg: its /oauth/authorize answering with the code. */
  readonly simulatorMs: number;
}

function cookieFrom(response: Response, name: string): string | null {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const [key, ...value] = (pair ?? '').split('=');
    if (key?.trim() === name) {
      return value.join('=');
    }
  }
  return null;
}

async function redirected(response: Response, what: string): Promise<string> {
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`${what}: expected a 302, got ${response.status}`);
  }
  return location;
}

/**
 * Signs one agent in the way a browser does, with the simulator's login form skipped (autoApprove +
 * login_hint). Returns the session cookie's value.
 */
export async function signIn(
  screenpopUrl: string,
  email: string,
): Promise<{ session: string } & SignInTiming> {
  const t0 = performance.now();
  const login = await fetch(`${screenpopUrl}/auth/login`, { redirect: 'manual' });
  const loginState = cookieFrom(login, 'screenpop_login');
  const authorizeUrl = new URL(await redirected(login, 'GET /auth/login'));
  authorizeUrl.searchParams.set('login_hint', email);
  const t1 = performance.now();
  const callbackUrl = await redirected(
    await fetch(authorizeUrl, { redirect: 'manual' }),
    'simulator /oauth/authorize',
  );
  const t2 = performance.now();
  const callback = await fetch(new URL(callbackUrl, screenpopUrl), {
    redirect: 'manual',
    headers: loginState === null ? {} : { cookie: `screenpop_login=${loginState}` },
  });
  const session = cookieFrom(callback, 'screenpop_session');
  const landing = await redirected(callback, 'GET /auth/callback');
  if (session === null || landing.includes('login_error')) {
    throw new Error(`sign-in of ${email} failed: ${landing}`);
  }
  return { session, totalMs: performance.now() - t0, simulatorMs: t2 - t1 };
}

/** A card as the load client reads it: only what the ledger needs. */
interface CardMessage {
  readonly type: string;
  readonly card?: { readonly caller?: { readonly e164?: string | null } };
}

/** One agent's push socket; `onCard(callerE164, at)` for every card message, stamped before parsing. */
export function openPush(
  screenpopUrl: string,
  session: string,
  onCard: (callerE164: string, at: number) => void,
): Promise<WebSocket> {
  const url = `${screenpopUrl.replace(/^http/, 'ws')}/api/push`;
  const socket = new WebSocket(url, {
    headers: { cookie: `screenpop_session=${session}`, origin: screenpopUrl },
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    socket.once('error', failed);
    socket.on('message', (data) => {
      const at = performance.now();
      const message = JSON.parse(String(data)) as CardMessage;
      if (message.type === 'hello') {
        socket.off('error', failed);
        socket.on('error', () => undefined);
        resolve(socket);
        return;
      }
      const e164 = message.card?.caller?.e164;
      if (message.type === 'card' && typeof e164 === 'string') {
        onCard(e164, at);
      }
    });
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`push socket refused: ${response.statusCode}`)),
    );
  });
}

/** Runs `work` over `items` with at most `concurrency` in flight; resolves with the results in item order. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
