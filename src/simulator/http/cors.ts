// CORS on GoTo's routes (goto-protocol.md §0.4): browser pages on another origin call the REST APIs with a Bearer header.
// Not on the control API (/_sim): it places calls and injects faults without auth, so no other origin may use it.
import type { FastifyInstance } from 'fastify';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept';

/** The simulator's own control API, for the tests, the CLI and demo mode on this machine. */
export function isControlPath(url: string): boolean {
  return url === '/_sim' || url.startsWith('/_sim/') || url.startsWith('/_sim?');
}

/**
 * Adds Access-Control-Allow-Origin to every GoTo response and answers their preflight OPTIONS with 204; the
 * control API gets neither (its preflights are 404s, so a browser refuses the cross-origin request).
 */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isControlPath(request.url)) {
      return undefined;
    }
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', 'Location');
    if (request.method === 'OPTIONS') {
      const requested = request.headers['access-control-request-headers'];
      reply.header('access-control-allow-methods', ALLOWED_METHODS);
      reply.header(
        'access-control-allow-headers',
        typeof requested === 'string' ? requested : ALLOWED_HEADERS,
      );
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    }
    return undefined;
  });
  // Without a route, fastify would answer OPTIONS with 404 before the hook runs; this one catches them all.
  // Only control-API preflights get this far: they are not found.
  app.options('/*', async (request, reply) =>
    isControlPath(request.url) ? reply.callNotFound() : reply.code(204).send(),
  );
}
