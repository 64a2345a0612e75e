// Sign-in with GoTo (authorization code + state + PKCE, all server-side) and sign-out.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { LOGIN_COOKIE, LOGIN_TTL_MS, type LoginStates } from '../login-state.ts';
import { configuredRole } from '../roles.ts';
import type { Sessions } from '../session.ts';
import type { ErrorId } from '../errors.ts';
import type { ServerDeps, SignedInUser } from '../ports.ts';
import type { AgentSettings } from '../../pops/ports.ts';

export interface AuthRouteDeps {
  readonly deps: ServerDeps;
  readonly sessions: Sessions;
  readonly logins: LoginStates;
  readonly secure: () => boolean;
  /** Closes the push sockets opened under a session (on sign-out). */
  readonly closeSockets: (sessionId: string) => void;
}

const callbackQuery = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(200).optional(),
  error: z.string().max(200).optional(),
});

/** Sign-in failures land back on the app, which shows the catalogue message for the id. */
function backToApp(reply: FastifyReply, id: ErrorId): FastifyReply {
  reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
  return reply.redirect(`/?login_error=${id}`, 302);
}

/** The agent's settings after this sign-in: fresh lines from GoTo, earlier choices kept where still valid. */
export function mergeAgent(
  user: SignedInUser,
  existing: AgentSettings | null,
  supervisors: readonly string[],
): AgentSettings {
  const lineIds = new Set(user.lines.map((line) => line.id));
  const popLines = existing?.popLines?.filter((id) => lineIds.has(id)) ?? null;
  return {
    principal: user.principal,
    displayName: user.displayName,
    lines: user.lines,
    popLines: popLines !== null && popLines.length > 0 ? popLines : null,
    desktopNotifications: existing?.desktopNotifications ?? false,
    role: configuredRole(user.principal, supervisors),
  };
}

export async function authRoutes(app: FastifyInstance, ctx: AuthRouteDeps): Promise<void> {
  const { deps, sessions, logins } = ctx;
  const redirectUri = () => `${deps.publicUrl()}/auth/callback`;

  app.get('/auth/login', async (_request, reply) => {
    const login = await deps.signIn.begin(redirectUri());
    reply.setCookie(LOGIN_COOKIE, logins.seal(login), {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure(),
      path: '/auth',
      maxAge: LOGIN_TTL_MS / 1000,
    });
    return reply.redirect(login.url, 302);
  });

  app.get('/auth/callback', async (request, reply) => {
    const query = callbackQuery.safeParse(request.query);
    if (!query.success || query.data.state === undefined) {
      return backToApp(reply, 'login_expired');
    }
    // The state must be the one this browser started with: its sealed login cookie (a callback without it
    // consumes nothing).
    const pending = logins.take(request.cookies[LOGIN_COOKIE], query.data.state);
    if (pending === null) {
      request.log.warn({}, 'sign-in callback with unknown, expired or foreign state');
      return backToApp(reply, 'login_expired');
    }
    if (query.data.error !== undefined || query.data.code === undefined) {
      request.log.info({ oauthError: query.data.error ?? 'no code' }, 'sign-in refused');
      return backToApp(reply, 'login_denied');
    }
    let user: SignedInUser;
    try {
      user = await deps.signIn.complete(new URL(request.url, deps.publicUrl()), pending.signIn);
    } catch (error) {
      request.log.warn({ reason: (error as Error).message }, 'sign-in exchange failed');
      return backToApp(reply, 'login_failed');
    }
    const agent = mergeAgent(user, await deps.agents.getAgent(user.principal), deps.supervisors);
    await deps.agents.saveAgent(agent);
    deps.pops.agentChanged(agent);
    deps.onSignedIn?.(agent.principal);
    await sessions.start(reply, user.principal);
    request.log.info(
      { principal: user.principal, lines: user.lines.length, role: agent.role },
      'agent signed in',
    );
    reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
    return reply.redirect('/', 302);
  });

  app.post('/auth/logout', async (request, reply) => {
    const session = await sessions.read(request);
    await sessions.end(request, reply);
    if (session !== null) {
      ctx.closeSockets(session.id);
      request.log.info({ principal: session.principal }, 'agent signed out');
      // Signing out also ends screenpop's hold on the agent's GoTo account: no refresh token stays behind.
      await deps.onSignedOut?.(session.principal).catch((error: unknown) => {
        request.log.warn({ principal: session.principal, reason: String(error) }, 'GoTo tokens not deleted');
      });
    }
    return reply.status(204).send();
  });
}
