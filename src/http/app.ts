import { randomUUID } from 'node:crypto';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formBody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { KeyRing } from '../auth/key-ring.js';
import { PreflightError } from '../domain/errors.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceDeps } from '../services/deps.js';
import { accessHook, type RouteAccess } from './access/route-access.js';
import type { ApiContext, ApiLimits } from './context.js';
import { handleError, sendProblem } from './errors.js';
import { healthRoutes, type ReadinessProbe } from './routes/health/health.routes.js';
import { apiRoutes } from './routes/index.js';
import { defaultPortalWebRoot, portalWebRoutes } from './routes/portal/web.routes.js';

/** Everything the HTTP layer needs, built by the composition root. */
export interface AppOptions {
  readonly deps: ServiceDeps;
  readonly probe: ReadinessProbe;
  readonly logger: Logger;
  readonly keyRing: KeyRing;
  /** Largest request body accepted, in bytes (default 10 MiB; batch routes allow more). */
  readonly bodyLimit?: number;
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  readonly https?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly limits?: Partial<ApiLimits>;
  /** Lifetime of access tokens in seconds (default one hour, as Entra ID's). */
  readonly tokenLifetimeSeconds?: number;
  /** The built web app (default: `dist/portal` of the package). */
  readonly portalWebRoot?: string;
}

/** A route as declared, for the authorization matrix and the OpenAPI coverage test. */
export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its access rule, in declaration order. */
    readonly declaredRoutes: DeclaredRoute[];
  }
}

/** Defaults for rate limits: generous for automation, tight for anonymous callers. */
export const defaultLimits: ApiLimits = {
  clientRequestsPerMinute: 6000,
  deviceLookupsPerMinute: 600,
  tokenRequestsPerMinute: 120,
  // A person clicking through the portal stays far below this; a runaway script does not.
  portalRequestsPerMinute: 1200,
  signInsPerMinute: 30,
};

/**
 * Builds the Fastify application. Each request gets an id (the caller's `x-request-id`
 * when it sends a sane one, else a new UUID) that is logged and echoed back. Every route
 * must declare who may call it (`config.access`); building fails otherwise.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { deps, probe, logger, keyRing, bodyLimit = 10 * 1024 * 1024 } = options;
  const limits: ApiLimits = { ...defaultLimits, ...options.limits };
  const app = Fastify({
    ...(options.https ? { https: { cert: options.https.cert, key: options.https.key } } : {}),
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit,
    requestIdHeader: 'x-request-id',
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: () => randomUUID(),
    // While shutting down, new requests get 503 so a load balancer retries elsewhere.
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
  });
  app.decorate('declaredRoutes', [] as DeclaredRoute[]);
  app.addHook('onRoute', (route) => {
    route.config ??= {};
    if (!route.config.access && route.url.startsWith('/docs')) {
      // The interactive documentation's own pages and assets.
      route.config.access = { kind: 'public' };
    }
    const access = route.config.access;
    if (!access) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule.`);
    }
    if (access.kind === 'client') {
      // So the OpenAPI document (and /docs) shows which routes take a bearer token.
      route.schema = { ...route.schema, security: [{ bearer: [] }] };
    }
    if (!route.config.rateLimit && access.kind !== 'public') {
      route.config.rateLimit =
        access.kind === 'device'
          ? { max: limits.deviceLookupsPerMinute, timeWindow: 60_000 }
          : access.kind === 'session'
            ? {
                max: limits.portalRequestsPerMinute,
                timeWindow: 60_000,
                keyGenerator: (request: FastifyRequest) =>
                  request.portal ? `user:${request.portal.user.id}` : request.ip,
              }
            : {
                max: limits.clientRequestsPerMinute,
                timeWindow: 60_000,
                keyGenerator: (request: FastifyRequest) =>
                  request.principal?.actor.clientId ?? request.ip,
              };
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') {
        app.declaredRoutes.push({ method, url: route.url, access });
      }
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    // A caller's id that is too long or has odd characters is replaced, not echoed.
    const supplied = request.headers['x-request-id'];
    if (typeof supplied === 'string' && !/^[\w.:-]{1,128}$/.test(supplied)) {
      request.id = randomUUID();
    }
    void reply.header('x-request-id', request.id);
    echoTracingHeaders(request, (name, value) => void reply.header(name, value));
  });
  // No text we store or compare may hold a NUL: PostgreSQL refuses it in text, and no
  // identifier, tag or name legitimately carries one. Nor may a body nest deeper than any
  // route needs: code that walks it recursively would exhaust the stack. Refused before
  // anything reads it, naming the field: path and query before authentication, the body
  // once parsed.
  const refuseNul = (parts: readonly (readonly [string, unknown])[]) => {
    for (const [part, value] of parts) {
      const found = findNul(value, part);
      if (found?.problem === 'nul') {
        throw new PreflightError(
          'input.invalid',
          `${found.path} contains a NUL character.`,
          { field: found.path },
          'Remove the NUL (\\u0000) character and resend.',
        );
      }
      if (found) {
        throw new PreflightError(
          'input.invalid',
          `${found.path} is nested more than ${maxNesting} levels deep.`,
          { field: found.path },
          'Send the structure the schema describes; no route takes nesting this deep.',
        );
      }
    }
  };
  app.addHook('onRequest', async (request) =>
    refuseNul([
      ['params', request.params],
      ['querystring', request.query],
    ]),
  );
  // Registered (awaited) before the access hook, whose session check reads the cookie.
  await app.register(cookie);
  app.addHook('onRequest', accessHook(deps, keyRing));
  app.addHook('preValidation', async (request) => refuseNul([['body', request.body]]));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    sendProblem(request, reply, {
      status: 404,
      code: 'http.not_found',
      message: `No route ${request.method} ${request.url.split('?')[0]}.`,
      remedy: 'Check the path and method; /docs lists every route.',
    });
  });

  await app.register(formBody);
  await app.register(rateLimit, {
    global: false,
    // After authentication, so a client is limited by its id rather than its address.
    hook: 'preHandler',
    errorResponseBuilder: (_request, context) => {
      const error = new Error(
        `Too many requests: at most ${context.max} per ${context.after}. Retry in ${Math.ceil(context.ttl / 1000)} s.`,
      ) as Error & { statusCode: number };
      error.statusCode = 429;
      return error;
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Preflight API',
        version: '1',
        description:
          'Zero-touch device registration: OAuth2 client credentials, Partner Center–style device batches (/v1), Graph-style Autopilot endpoints (/beta, /v1.0), OEM validation and first-boot lookup.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', logLevel: 'warn' });

  const context: ApiContext = {
    deps,
    keyRing,
    limits,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
  };
  await app.register(healthRoutes(probe));
  await app.register(apiRoutes(context));
  await app.register(
    portalWebRoutes(path.resolve(options.portalWebRoot ?? defaultPortalWebRoot())),
  );
  app.get(
    '/openapi.json',
    { config: { access: { kind: 'public' } }, schema: { hide: true } },
    async () => app.swagger(),
  );
  return app;
}

/** Deepest nesting of arrays and objects a request may carry; real bodies use a handful. */
export const maxNesting = 32;

/**
 * The first problem under `value`: the path of a string (or key) holding a NUL, or of a
 * value nested deeper than `maxNesting`. Walks with a stack of its own rather than by
 * recursion, so no body can exhaust the call stack here (or, once refused, further on).
 */
function findNul(
  value: unknown,
  path: string,
): { path: string; problem: 'nul' | 'depth' } | undefined {
  const pending: [unknown, string, number][] = [[value, path, 0]];
  while (pending.length > 0) {
    const [item, at, depth] = pending.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) {
        return { path: at, problem: 'nul' };
      }
    } else if (item !== null && typeof item === 'object' && !ArrayBuffer.isView(item)) {
      // Raw bodies (an uploaded file) are bytes, not text: a UTF-16 file holds NUL bytes
      // legitimately, and whoever decodes the bytes checks the text.
      if (depth >= maxNesting) {
        return { path: at, problem: 'depth' };
      }
      const entries = Array.isArray(item)
        ? item.map((v, i) => [`${at}[${i}]`, v] as const)
        : Object.entries(item).map(([k, v]) => [`${at}.${k}`, v] as const);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [childPath, child] = entries[i]!;
        if (!Array.isArray(item) && childPath.slice(at.length + 1).includes('\u0000')) {
          return { path: childPath, problem: 'nul' };
        }
        pending.push([child, childPath, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Graph and Partner Center clients correlate by their own headers; echo them back. */
function echoTracingHeaders(request: FastifyRequest, set: (name: string, value: string) => void) {
  const wire = request.routeOptions.config?.wire;
  if (wire === 'graph') {
    const clientRequestId = request.headers['client-request-id'];
    set('request-id', String(request.id));
    set(
      'client-request-id',
      typeof clientRequestId === 'string' ? clientRequestId : String(request.id),
    );
  } else if (wire === 'partnerCenter') {
    const correlationId = request.headers['ms-correlationid'];
    const requestId = request.headers['ms-requestid'];
    set('MS-CorrelationId', typeof correlationId === 'string' ? correlationId : String(request.id));
    set('MS-RequestId', typeof requestId === 'string' ? requestId : String(request.id));
    set('MS-CV', String(request.id));
  }
}
