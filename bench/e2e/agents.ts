// What the load client does as agents: the real sign-in over HTTP (screenpop → simulator OAuth with
// autoApprove → screenpop callback) and the browser's push socket, timed on the load client's clock.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface SignInTiming {
  readonly totalMs: number;
  /** The simulator's own leg: its /oauth/authorize answering with the code. */
  readonly simulatorMs: number;
}

/** A browser's answer as the sign-in reads it: status, Location and Set-Cookie lines. */
interface Answer {
  readonly status: number;
  readonly location: string | null;
  readonly cookies: readonly string[];
}

/**
 * Kept-alive connections, as a browser keeps them. node:http rather than fetch: Node 20's fetch costs ~200 µs
 * of CPU per request, and three of them per sign-in made the load client, on the same two cores as screenpop
 * and the simulator, a large share of what the sign-ins scenario measured (issue 12).
 */
const agent = new http.Agent({ keepAlive: true, timeout: 4_000 });

/** GET `url` without following a redirect; the body is read and dropped. */
function get(url: URL, headers: Readonly<Record<string, string>> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      response.resume();
      response.once('error', reject);
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          location: response.headers.location ?? null,
          cookies: response.headers['set-cookie'] ?? [],
        }),
      );
    });
    request.once('error', reject);
  });
}

function cookieFrom(answer: Answer, name: string): string | null {
  for (const line of answer.cookies) {
    const [pair] = line.split(';');
    const [key, ...value] = (pair ?? '').split('=');
    if (key?.trim() === name) {
      return value.join('=');
    }
  }
  return null;
}

function redirected(answer: Answer, what: string): string {
  if (answer.status !== 302 || answer.location === null) {
    throw new Error(`${what}: expected a 302, got ${answer.status}`);
  }
  return answer.location;
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
  const login = await get(new URL('/auth/login', screenpopUrl));
  const loginState = cookieFrom(login, 'screenpop_login');
  const authorizeUrl = new URL(redirected(login, 'GET /auth/login'));
  authorizeUrl.searchParams.set('login_hint', email);
  const t1 = performance.now();
  const callbackUrl = redirected(await get(authorizeUrl), 'simulator /oauth/authorize');
  const t2 = performance.now();
  const callback = await get(
    new URL(callbackUrl, screenpopUrl),
    loginState === null ? {} : { cookie: `screenpop_login=${loginState}` },
  );
  const session = cookieFrom(callback, 'screenpop_session');
  const landing = redirected(callback, 'GET /auth/callback');
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
