import type { FastifyInstance } from 'fastify';

/** What readiness needs to know about the database. */
export interface ReadinessProbe {
  ping(): Promise<void>;
  pendingMigrations(): Promise<string[]>;
}

/**
 * `/healthz`: the process is alive. `/readyz`: the database answers and every migration
 * is applied — a load balancer sends traffic only then.
 */
export function healthRoutes(probe: ReadinessProbe) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
      try {
        await probe.ping();
        const pending = await probe.pendingMigrations();
        if (pending.length > 0) {
          return reply
            .status(503)
            .send({ status: 'unavailable', reason: `migrations pending: ${pending.join(', ')}` });
        }
        return { status: 'ready' };
      } catch (error) {
        return reply.status(503).send({
          status: 'unavailable',
          reason: `database unreachable: ${(error as Error).message}`,
        });
      }
    });
  };
}
