// CORS on every route (goto-protocol.md §0.4): browser pages on another origin call the REST APIs with a Bearer header.
import type { FastifyInstance } from 'fastify';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept';

/** Adds Access-Control-Allow-Origin to every response and answers every preflight OPTIONS with 204. */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
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
  app.options('/*', async (_request, reply) => reply.code(204).send());
}
