import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../platform/logger.js';
import type { ServiceDeps } from '../services/deps.js';
import { handleError } from './errors.js';
import { healthRoutes, type ReadinessProbe } from './routes/health/health.routes.js';

/** Everything the HTTP layer needs, built by the composition root. */
export interface AppOptions {
  readonly deps: ServiceDeps;
  readonly probe: ReadinessProbe;
  readonly logger: Logger;
  /** Largest request body accepted, in bytes (default 10 MiB). */
  readonly bodyLimit?: number;
}

/**
 * Builds the Fastify application. Each request gets an id (the caller's `x-request-id`
 * when it sends a sane one, else a new UUID) that is logged and echoed back.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { probe, logger, bodyLimit = 10 * 1024 * 1024 } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit,
    requestIdHeader: 'x-request-id',
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: () => randomUUID(),
    // While shutting down, new requests get 503 so a load balancer retries elsewhere.
    return503OnClosing: true,
  });
  app.addHook('onRequest', async (request, reply) => {
    // A caller's id that is too long or has odd characters is replaced, not echoed.
    const supplied = request.headers['x-request-id'];
    if (typeof supplied === 'string' && !/^[\w.:-]{1,128}$/.test(supplied)) {
      request.id = randomUUID();
    }
    void reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: {
        code: 'http.not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}.`,
        remedy: 'Check the path and method.',
        requestId: String(request.id),
      },
    });
  });
  await app.register(healthRoutes(probe));
  return app;
}
