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

/** One thing the instance needs to do its job; not ready while it says false. */
export interface ReadinessCheck {
  /** snake_case, shown in the 503 body ("call_log_writes"). */
  readonly name: string;
  ready(): boolean;
}

/** GET /readyz: 200 when every check passes, else 503 naming the failing ones (load balancers, orchestrators). */
export function readinessRoute(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get('/readyz', async (_request, reply) => {
    const failing = checks.filter((check) => !check.ready()).map((check) => check.name);
    if (failing.length > 0) {
      reply.code(503);
    }
    return { ready: failing.length === 0, failing };
  });
}
