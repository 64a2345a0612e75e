// The Fastify app factory: every route of the edge, testable in-process with app.inject().
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import { Auditor } from './audit.ts';
import { AppError, registerErrorHandler } from './errors.ts';
import { LoginStates } from './login-state.ts';
import { ServerMetrics } from './metrics.ts';
import { originAllowed } from './origin.ts';
import { PushChannels } from './push-channels.ts';
import { DEFAULT_RATE_LIMITS, registerRateLimits } from './rate-limits.ts';
import { Sessions, requireSession } from './session.ts';
import { authRoutes } from './routes/auth.ts';
import { cardRoutes } from './routes/cards.ts';
import { healthRoutes } from './routes/health.ts';
import { meRoutes } from './routes/me.ts';
import { SocketRegistry, pushRoutes } from './routes/push.ts';
import { serveWebApp } from './web-app.ts';
import type { ServerDeps } from './ports.ts';

export interface ServerApp {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** The push fan-out, whose counters show the work done per card update. */
  readonly channels: PushChannels;
  /** Closes every push socket (before app.close(), so shutdown does not wait on browsers). */
  closeSockets(): void;
}

/** Content-Security-Policy of the web app: no inline script, so a caller-ID name can never run as code. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** GET /metrics wants `Authorization: Bearer <token>` when a token is configured (compared in constant time). */
function metricsGuard(token: string | null) {
  const expected = token === null ? null : createHash('sha256').update(`Bearer ${token}`).digest();
  return async (request: FastifyRequest): Promise<void> => {
    if (expected === null || request.url.split('?')[0] !== '/metrics') {
      return;
    }
    const given = createHash('sha256')
      .update(request.headers.authorization ?? '')
      .digest();
    if (!timingSafeEqual(given, expected)) {
      throw new AppError('metrics_token_required');
    }
  };
}

export async function buildServer(deps: ServerDeps): Promise<ServerApp> {
  const now = deps.now ?? Date.now;
  const app = Fastify({
    loggerInstance: deps.log,
    // One line per request from our onResponse hook instead (it strips the OAuth code from the URL).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    trustProxy: false,
    bodyLimit: 1024 * 1024,
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionId', null);
  const secure = () => deps.publicUrl().startsWith('https:');
  const sessions = new Sessions({ sessions: deps.sessions, secure, ttlMs: deps.sessionTtlMs, now });
  const sockets = new SocketRegistry();
  const auditor = new Auditor(deps.audit ?? null, deps.log, now);
  const channels = new PushChannels(deps.hub, (principal, card) => auditor.cardShown(principal, card));
  const metrics = new ServerMetrics(() => channels.socketCount(), now, deps.registry);

  await app.register(fastifyCookie);
  await registerRateLimits(app, deps.rateLimit ?? DEFAULT_RATE_LIMITS);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  registerErrorHandler(app);

  app.addHook('onRequest', async (request) => {
    // SameSite=Lax already keeps the cookie off cross-site posts; the Origin check is the second lock.
    if (
      UNSAFE_METHODS.has(request.method) &&
      !originAllowed(request.headers.origin, deps.publicUrl(), false)
    ) {
      throw new AppError('forbidden_origin');
    }
  });
  app.addHook('onRequest', metricsGuard(deps.metricsToken ?? null));
  app.addHook('onSend', async (request, reply) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    // Cards, contacts and call notes must not linger in a shared browser's or a proxy's cache.
    if (request.url.startsWith('/api/') || request.url.startsWith('/auth/')) {
      reply.header('cache-control', 'no-store');
    }
    if (secure()) {
      reply.header('strict-transport-security', 'max-age=31536000');
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.request(request.method, route, reply.statusCode);
    // One line per request; the path only, since /auth/callback's query holds the OAuth code.
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await healthRoutes(app, metrics);
  await authRoutes(app, {
    deps,
    sessions,
    logins: new LoginStates(deps.loginKey ?? randomBytes(32), now),
    secure,
    closeSockets: (id) => sockets.closeSession(id),
  });
  await pushRoutes(app, { deps, sessions, sockets, channels, auditor });
  await app.register(async (scope) => {
    scope.addHook('preHandler', requireSession(sessions, deps.publicPaths));
    await meRoutes(scope, deps);
    await cardRoutes(scope, deps, auditor);
    if (deps.extraRoutes !== undefined) {
      await deps.extraRoutes(scope);
    }
  });
  await serveWebApp(app, deps.webRoot);
  return { app, metrics, channels, closeSockets: () => sockets.closeAll() };
}
