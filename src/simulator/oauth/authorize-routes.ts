// GET /oauth/authorize → 302 to the login page (or straight back with autoApprove); GET/POST /login.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimContext } from '../context.ts';
import {
  completeAuthorization,
  errorLocation,
  findUserByHint,
  parseAuthorization,
} from './authorization-request.ts';
import { renderErrorPage, renderLoginPage } from './login-page.ts';
import type { TokenStore } from './token-store.ts';

export interface AuthorizeRouteOptions {
  readonly tokens: TokenStore;
  readonly autoApprove: boolean;
}

function queryParams(query: unknown): URLSearchParams {
  const params = new URLSearchParams();
  if (typeof query === 'object' && query !== null) {
    for (const [key, value] of Object.entries(query)) {
      if (typeof value === 'string') {
        params.set(key, value);
      }
    }
  }
  return params;
}

function errorPage(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).type('text/html; charset=utf-8').send(renderErrorPage(message));
}

/** The authorize query lives in `service` (as on GoTo: /login?service=<…/OAuth/approve?…>). */
function serviceParams(service: string | undefined): URLSearchParams | null {
  if (service === undefined) {
    return null;
  }
  try {
    return new URL(service, 'http://sim.invalid').searchParams;
  } catch {
    return null;
  }
}

/** GoTo's absolute login URL on the host the browser asked for, the approve URL in `service` (goto-protocol.md §1.2). */
function loginLocation(origin: string, servicePath: string): string {
  return `${origin}/login?service=${encodeURIComponent(`${origin}${servicePath}`)}`;
}

export function registerAuthorizeRoutes(
  app: FastifyInstance,
  ctx: SimContext,
  options: AuthorizeRouteOptions,
): void {
  app.get('/oauth/authorize', async (request, reply) => {
    const params = queryParams(request.query);
    const parsed = parseAuthorization(params, ctx.directory);
    if (parsed.kind === 'page') {
      return errorPage(reply, parsed.message);
    }
    if (parsed.kind === 'redirect') {
      return reply.redirect(parsed.location, 302);
    }
    const authz = parsed.request;
    if (options.autoApprove) {
      const user =
        authz.loginHint === null
          ? ctx.directory.users.find((u) => u.admin)
          : findUserByHint(ctx.directory, authz.loginHint);
      if (user === undefined) {
        const fragment = authz.responseType === 'token';
        return reply.redirect(
          errorLocation(authz.redirectUri, fragment, 'access_denied', 'no such user', authz.state),
          302,
        );
      }
      return reply.redirect(completeAuthorization(authz, user, options.tokens), 302);
    }
    return reply.redirect(loginLocation(ctx.baseUrl(request), `/oauth/approve?${params.toString()}`), 302);
  });

  // GoTo's login page returns the browser to this "service" URL; here the login form finishes the flow itself.
  app.get('/oauth/approve', async (request, reply) =>
    reply.redirect(loginLocation(ctx.baseUrl(request), request.url), 302),
  );

  app.get('/login', async (request, reply) => {
    const { service } = request.query as { service?: string };
    const params = serviceParams(service);
    if (params === null || service === undefined) {
      return errorPage(reply, 'missing service parameter: start at /oauth/authorize');
    }
    const parsed = parseAuthorization(params, ctx.directory);
    if (parsed.kind !== 'ok') {
      return errorPage(reply, parsed.kind === 'page' ? parsed.message : 'invalid authorization request');
    }
    const html = renderLoginPage(ctx.directory, parsed.request.client, service, parsed.request.loginHint);
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.post('/login', async (request, reply) => {
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      unknown
    >;
    const service = typeof body['service'] === 'string' ? body['service'] : undefined;
    const params = serviceParams(service);
    const parsed = params === null ? null : parseAuthorization(params, ctx.directory);
    if (parsed === null || parsed.kind !== 'ok') {
      return errorPage(reply, parsed?.kind === 'page' ? parsed.message : 'invalid sign-in form');
    }
    const authz = parsed.request;
    const fragment = authz.responseType === 'token';
    if (body['deny'] !== undefined) {
      return reply.redirect(
        errorLocation(authz.redirectUri, fragment, 'access_denied', 'the user denied access', authz.state),
        302,
      );
    }
    const user = typeof body['user'] === 'string' ? findUserByHint(ctx.directory, body['user']) : undefined;
    if (user === undefined) {
      return errorPage(reply, 'choose one of the listed users');
    }
    return reply.redirect(completeAuthorization(authz, user, options.tokens), 302);
  });
}
