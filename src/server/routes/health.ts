// Liveness and Prometheus metrics (no session needed).
import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from '../metrics.ts';

export async function healthRoutes(app: FastifyInstance, metrics: ServerMetrics): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
