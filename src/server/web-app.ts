// Serves the built browser app (dist/web) with a single-page-app fallback for its client-side routes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { errorBody } from './errors.ts';

/** Paths that belong to the server, never to the app's router. */
const SERVER_PATHS = /^\/(api|auth|healthz|metrics)(\/|$)/;

export async function serveWebApp(app: FastifyInstance, root: string | null): Promise<void> {
  const hasApp = root !== null && existsSync(join(root, 'index.html'));
  if (hasApp) {
    await app.register(fastifyStatic, { root, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // Client routes have no file extension; a missing /assets/x.js is a real 404, not the app's page.
    if (!hasApp || request.method !== 'GET' || SERVER_PATHS.test(path) || /\.[a-z0-9]+$/i.test(path)) {
      return reply.status(404).send(errorBody('not_found'));
    }
    return reply.type('text/html').sendFile('index.html');
  });
}
