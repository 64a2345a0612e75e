// Test helpers that talk to a simulator over loopback: one per test, client auth, token grants, Bearer GETs.
import type { RunningSimulator } from '../index.ts';

export const DEMO_CLIENT = { id: 'screenpop-demo', secret: 'screenpop-demo-secret' } as const;
export const PRIYA_PAT = 'sim-pat-priya';

export function basicAuth(id: string = DEMO_CLIENT.id, secret: string = DEMO_CLIENT.secret): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** Runs `use` against a simulator of its own and closes that simulator afterwards, even when `use` throws. */
export async function withSimulator<T>(
  started: Promise<RunningSimulator>,
  use: (sim: RunningSimulator) => Promise<T>,
): Promise<T> {
  const sim = await started;
  try {
    return await use(sim);
  } finally {
    await sim.close();
  }
}

/** POSTs a form to /oauth/token (Basic auth with the demo client unless `authorization` is given). */
export async function postToken(
  sim: RunningSimulator,
  form: Record<string, string>,
  authorization: string | null = basicAuth(),
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (authorization !== null) {
    headers['authorization'] = authorization;
  }
  const response = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** An access token for Priya through the PAT grant, optionally with a narrower scope. */
export async function patToken(sim: RunningSimulator, scope?: string): Promise<string> {
  const form: Record<string, string> = { grant_type: 'personal_access_token', pat: PRIYA_PAT };
  if (scope !== undefined) {
    form['scope'] = scope;
  }
  const { status, body } = await postToken(sim, form);
  if (status !== 200 || typeof body['access_token'] !== 'string') {
    throw new Error(`PAT exchange failed: ${status} ${JSON.stringify(body)}`);
  }
  return body['access_token'];
}

/** GET with a Bearer token; returns status and parsed JSON body. */
export async function getJson(
  sim: RunningSimulator,
  path: string,
  token: string | null,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(`${sim.url}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as unknown, headers: response.headers };
}

/** POST JSON to the control API. */
export async function postSim(
  sim: RunningSimulator,
  path: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}
