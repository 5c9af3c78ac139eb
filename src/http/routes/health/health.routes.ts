import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/** What readiness needs to know about the database. */
export interface ReadinessProbe {
  ping(): Promise<void>;
  pendingMigrations(): Promise<string[]>;
}

const healthSchema = {
  summary: 'Liveness: the process answers',
  tags: ['health'],
  response: { 200: Type.Object({ status: Type.Literal('ok') }) },
};
const readySchema = {
  summary: 'Readiness: the database answers and no migration is pending',
  tags: ['health'],
  response: {
    200: Type.Object({ status: Type.Literal('ready') }),
    503: Type.Object({ status: Type.Literal('unavailable'), reason: Type.String() }),
  },
};

/**
 * `/healthz`: the process is alive. `/readyz`: the database answers and every migration
 * is applied — a load balancer sends traffic only then.
 */
export function healthRoutes(probe: ReadinessProbe) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/healthz',
      { logLevel: 'warn', config: { access: { kind: 'public' } }, schema: healthSchema },
      async () => ({ status: 'ok' }),
    );
    app.get(
      '/readyz',
      { logLevel: 'warn', config: { access: { kind: 'public' } }, schema: readySchema },
      async (_request, reply) => {
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
      },
    );
  };
}
