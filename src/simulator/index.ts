// The GoTo Connect simulator: one Fastify server speaking GoTo's wire protocol for every GoTo host (goto-protocol.md §10).
import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { createSimClock } from './clock.ts';
import type { SimContext, SimDirectory, SimFaults, SimTelephonyOptions, TelephonyHandle } from './context.ts';
import { generateDirectory } from './directory/generate.ts';
import { loadDefaultDirectory, loadDirectoryFile, parseDirectory } from './directory/schema.ts';
import { createAuthorize } from './http/authorize.ts';
import { registerCors } from './http/cors.ts';
import { sendGoToError } from './http/errors.ts';
import { parsePublicUrl, requestOrigin, webSocketOrigin } from './http/public-url.ts';
import { registerAuthorizeRoutes } from './oauth/authorize-routes.ts';
import { registerTokenRoute } from './oauth/token-route.ts';
import { TokenStore } from './oauth/token-store.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { DEFAULT_FAULTS, registerControlRoutes } from './routes/control.ts';
import { registerUsersRoutes } from './routes/users.ts';
import { registerVoiceAdminRoutes } from './routes/voice-admin.ts';
import { registerTelephony } from './telephony/index.ts';

export interface SimulatorOptions {
  /** 0 = a random free port. */
  readonly port?: number;
  readonly host?: string;
  /**
   * The origin clients reach the simulator on (e.g. https://goto.test behind a TLS front), used in every absolute URL
   * it hands out. Default: the origin of each request (X-Forwarded-Proto/-Host, else Host).
   */
  readonly publicUrl?: string;
  /** A directory, or the path of a JSON seed file; default: the fixtures' Northgate account. */
  readonly directory?: SimDirectory | string;
  /** Instead of `directory`: a generated contact centre of this many agents (directory/generate.ts). */
  readonly agents?: number;
  /** Simulated time runs this many times faster than the wall clock. */
  readonly timeScale?: number;
  readonly tokenTtlSeconds?: number;
  readonly rotateRefreshTokens?: boolean;
  /** Skip the login page: /oauth/authorize redirects straight back (user = login_hint or the first admin). */
  readonly autoApprove?: boolean;
  readonly channelLifetimeSeconds?: number;
  readonly reportDelaySeconds?: number;
  readonly realtimeIdleSeconds?: number;
  readonly keepaliveSeconds?: number;
  readonly logger?: boolean;
}

export interface RunningSimulator {
  /** http://127.0.0.1:PORT — auth, api, admin, realtime and webrtc hosts all in one. */
  readonly url: string;
  readonly wsUrl: string;
  /** The publicUrl option, or null when the URLs handed out follow each request's host. */
  readonly publicUrl: string | null;
  readonly port: number;
  readonly directory: SimDirectory;
  readonly ctx: SimContext;
  readonly telephony: TelephonyHandle;
  close(): Promise<void>;
}

export type { SimContext, SimDirectory, TelephonyHandle } from './context.ts';
export { SeedError } from './directory/schema.ts';

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new Error(`simulator option ${name} must be a positive number, got ${value}`);
  }
  return value;
}

async function resolveDirectory(directory: SimDirectory | string | undefined): Promise<SimDirectory> {
  if (directory === undefined) {
    return loadDefaultDirectory();
  }
  return typeof directory === 'string' ? loadDirectoryFile(directory) : parseDirectory(directory);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') {
    return '127.0.0.1';
  }
  return host.includes(':') ? `[${host}]` : host;
}

function telephonyOptions(options: SimulatorOptions): SimTelephonyOptions {
  return Object.freeze({
    channelLifetimeSeconds: positive('channelLifetimeSeconds', options.channelLifetimeSeconds ?? 1200),
    reportDelaySeconds: positive('reportDelaySeconds', options.reportDelaySeconds ?? 150),
    realtimeIdleSeconds: positive('realtimeIdleSeconds', options.realtimeIdleSeconds ?? 900),
    keepaliveSeconds: positive('keepaliveSeconds', options.keepaliveSeconds ?? 30),
  });
}

/** Unknown routes and unexpected errors answer in GoTo's error shape, never with a stack trace. */
function registerErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendGoToError(reply, 404, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'simulator route failed');
      return sendGoToError(reply, 500, 'UNKNOWN_ERROR', 'An unexpected error occurred');
    }
    return sendGoToError(reply, status, status === 400 ? 'MALFORMED_REQUEST' : 'BAD_REQUEST', error.message);
  });
}

/** Starts the simulator and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const directory =
    options.agents === undefined
      ? await resolveDirectory(options.directory)
      : generateDirectory({ agents: options.agents });
  const clock = createSimClock(options.timeScale ?? 1);
  const tokens = new TokenStore(clock, positive('tokenTtlSeconds', options.tokenTtlSeconds ?? 3600));
  const faults: SimFaults = { ...DEFAULT_FAULTS };
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  const publicUrl = options.publicUrl === undefined ? null : parsePublicUrl(options.publicUrl);
  const bindUrl = (): string => `http://${urlHost(host)}:${port}`;
  const baseUrl = (request: FastifyRequest): string => publicUrl ?? requestOrigin(request.headers, bindUrl());
  const ctx: SimContext = {
    directory,
    options: telephonyOptions(options),
    clock,
    faults,
    baseUrl,
    wsBaseUrl: (request) => webSocketOrigin(baseUrl(request)),
    authorize: createAuthorize(tokens, clock, faults),
    sendError: sendGoToError,
    uuid: () => randomUUID(),
  };

  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  let telephony: TelephonyHandle | undefined;
  try {
    await app.register(formbody);
    await app.register(websocket);
    registerCors(app);
    registerErrorHandlers(app);
    registerAuthorizeRoutes(app, ctx, { tokens, autoApprove: options.autoApprove ?? false });
    registerTokenRoute(app, ctx, { tokens, rotateRefreshTokens: options.rotateRefreshTokens ?? false });
    registerUsersRoutes(app, ctx);
    registerAdminRoutes(app, ctx);
    registerVoiceAdminRoutes(app, ctx);
    registerControlRoutes(app, ctx, {
      telephony: () => telephony as TelephonyHandle,
      tokens,
      startedAt: Date.now(),
    });
    telephony = await registerTelephony(app, ctx);
    await app.listen({ port, host });
    const address = app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : port;
  } catch (error) {
    await telephony?.close();
    await app.close();
    clock.dispose();
    throw error;
  }
  const handle = telephony;
  return {
    url: bindUrl(),
    wsUrl: webSocketOrigin(bindUrl()),
    publicUrl,
    port,
    directory,
    ctx,
    telephony: handle,
    async close() {
      await handle.close();
      await app.close();
      clock.dispose();
    },
  };
}
