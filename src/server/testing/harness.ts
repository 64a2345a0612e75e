// Test wiring for server/: in-memory stores, a fake GoTo sign-in that checks PKCE, and a signed-in cookie helper.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerApp } from '../app.ts';
import { pkceChallenge } from '../login-state.ts';
import { AgentDirectory } from '../../pops/audience.ts';
import { MemoryPushHub } from '../../pops/memory-push-hub.ts';
import { PopService } from '../../pops/pop-service.ts';
import type { PopServiceDeps } from '../../pops/pop-service.ts';
import type { AgentSettings, AgentStore, SessionStore, WebSession } from '../../pops/ports.ts';
import type { PendingSignIn, ServerDeps, SignInGateway, SignedInUser } from '../ports.ts';

export class MemoryAgents implements AgentStore {
  readonly rows = new Map<string, AgentSettings>();
  async getAgent(principal: string) {
    return this.rows.get(principal) ?? null;
  }
  async saveAgent(settings: AgentSettings) {
    this.rows.set(settings.principal, settings);
  }
  async listAgents() {
    return [...this.rows.values()];
  }
}

export class MemorySessions implements SessionStore {
  readonly rows = new Map<string, WebSession>();
  async createSession(session: WebSession) {
    this.rows.set(session.id, session);
  }
  async getSession(id: string) {
    return this.rows.get(id) ?? null;
  }
  async deleteSession(id: string) {
    this.rows.delete(id);
  }
  async deleteExpiredSessions(now: number) {
    const expired = [...this.rows.values()].filter((s) => s.expiresAt < now);
    for (const s of expired) {
      this.rows.delete(s.id);
    }
    return expired.length;
  }
}

/** Issues code "code-for:<principal>"; accepts it only with the state and the verifier matching its challenge. */
export class FakeSignIn implements SignInGateway {
  readonly challenges = new Map<string, string>();
  users = new Map<string, SignedInUser>();

  async begin(redirectUri: string): Promise<PendingSignIn> {
    const state = randomBytes(24).toString('base64url');
    const codeVerifier = randomBytes(32).toString('base64url');
    const codeChallenge = pkceChallenge(codeVerifier);
    this.challenges.set(state, codeChallenge);
    const url = new URL('http://goto.invalid/oauth/authorize');
    url.search = new URLSearchParams({
      state,
      code_challenge: codeChallenge,
      redirect_uri: redirectUri,
    }).toString();
    return { url: url.toString(), state, codeVerifier, redirectUri };
  }

  async complete(callback: URL, pending: PendingSignIn): Promise<SignedInUser> {
    const principal = (callback.searchParams.get('code') ?? '').replace(/^code-for:/, '');
    const user = this.users.get(principal);
    const state = callback.searchParams.get('state') ?? '';
    const verified = this.challenges.get(state) === pkceChallenge(pending.codeVerifier);
    if (user === undefined || state !== pending.state || !verified) {
      throw new Error('invalid_grant');
    }
    return user;
  }
}

export interface Harness extends ServerApp {
  readonly agents: MemoryAgents;
  readonly sessions: MemorySessions;
  readonly signIn: FakeSignIn;
  readonly pops: PopService;
  readonly hub: MemoryPushHub;
  publicUrl: string;
  /** Runs the sign-in flow for the principal; returns the Cookie header value of the new session. */
  signInAs(principal: string, lineIds: string[]): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Where pops writes who got each card (a CallTracker's annotate, for the trace routes' tests). */
  readonly popTrace?: PopServiceDeps['trace'];
}

export async function harness(
  overrides: Partial<ServerDeps> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const agents = new MemoryAgents();
  const sessions = new MemorySessions();
  const signIn = new FakeSignIn();
  const hub = new MemoryPushHub();
  const directory = new AgentDirectory(overrides.supervisors ?? []);
  const log = pino({ level: 'silent' });
  const pops = new PopService({
    directory,
    hub,
    lookup: { start: () => {} },
    log,
    ...(options.popTrace === undefined ? {} : { trace: options.popTrace }),
  });
  const state = { publicUrl: 'http://127.0.0.1:3000' };
  const server = await buildServer({
    log,
    publicUrl: () => state.publicUrl,
    supervisors: [],
    agents,
    sessions,
    signIn,
    pops,
    hub,
    trace: () => null,
    webRoot: null,
    ...overrides,
  });
  const signInAs = async (principal: string, lineIds: string[]) => {
    signIn.users.set(principal, {
      principal,
      displayName: principal,
      lines: lineIds.map((id) => ({ id, extension: id.slice(-4), name: `Line ${id}` })),
    });
    return completeSignIn(server.app, principal);
  };
  return Object.assign(state, {
    ...server,
    agents,
    sessions,
    signIn,
    pops,
    hub,
    signInAs,
    close: async () => {
      pops.close();
      server.closeSockets();
      await server.app.close();
    },
  });
}

/** GET /auth/login, then the callback with the login cookie; returns "screenpop_session=…". */
export async function completeSignIn(app: FastifyInstance, principal: string): Promise<string> {
  const login = await app.inject({ method: 'GET', url: '/auth/login' });
  const state = new URL(String(login.headers.location)).searchParams.get('state') ?? '';
  const loginCookie = login.cookies.find((c) => c.name === 'screenpop_login')?.value ?? '';
  const callback = await app.inject({
    method: 'GET',
    url: `/auth/callback?code=code-for:${encodeURIComponent(principal)}&state=${state}`,
    cookies: { screenpop_login: loginCookie },
  });
  const session = callback.cookies.find((c) => c.name === 'screenpop_session');
  if (session === undefined) {
    throw new Error(`sign-in failed: ${callback.statusCode} ${String(callback.headers.location)}`);
  }
  return `screenpop_session=${session.value}`;
}
