import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isPreflightError, type ErrorCategory } from '../domain/errors.js';

/** The one table from an error's category to an HTTP status. */
export const statusOf: Record<ErrorCategory, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  gone: 410,
  throttled: 429,
};

/** Codes whose status is more precise than their category's. */
const statusOfCode: Readonly<Record<string, number>> = {
  // 423 Locked (RFC 4918): the address is locked, not the caller rate-limited.
  'auth.locked': 423,
};

/** Preflight's own error body: a stable code, what is wrong, what to do, and where. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    remedy: string;
    details?: Record<string, unknown>;
    requestId: string;
  };
}

/** An error reduced to what every wire format needs. */
export interface ProblemReport {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly remedy: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** Graph's error codes by status (what Graph clients branch on). */
const graphCodes: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Forbidden',
  404: 'ResourceNotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/** OAuth2 error names (RFC 6749 §5.2) for our token-endpoint codes. */
const oauthErrors: Record<string, string> = {
  'auth.invalid_request': 'invalid_request',
  'auth.invalid_client': 'invalid_client',
  'auth.invalid_scope': 'invalid_scope',
  'auth.unauthorized_client': 'unauthorized_client',
};

/**
 * Writes `problem` in the error shape of the route's wire family: Graph's
 * `{error:{code,message,innerError}}`, Partner Center's `{code,description,data,source}`,
 * OAuth2's `{error,error_description}`, or our own. Each also carries our stable code and
 * remedy, so a caller always learns what to do.
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ProblemReport,
): void {
  const requestId = String(request.id);
  const wire = request.routeOptions.config?.wire ?? wireOfUrl(request.url);
  // Many clients show only the message: it must say where, not just the details.
  const field = problem.details?.field;
  if (
    problem.status === 400 &&
    typeof field === 'string' &&
    field &&
    !problem.message.includes(field)
  ) {
    problem = { ...problem, message: `${field}: ${problem.message}` };
  }
  void reply.status(problem.status);
  switch (wire) {
    case 'graph': {
      const clientRequestId = request.headers['client-request-id'];
      void reply.send({
        error: {
          code:
            graphCodes[problem.status] ??
            (problem.status >= 500 ? 'InternalServerError' : 'BadRequest'),
          message: problem.message,
          innerError: {
            code: problem.code,
            remedy: problem.remedy,
            ...(problem.details ? { details: problem.details } : {}),
            date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
            'request-id': requestId,
            'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : requestId,
          },
        },
      });
      return;
    }
    case 'partnerCenter':
      void reply.send({
        code: problem.code,
        description: `${problem.message} ${problem.remedy}`.slice(0, 1024),
        data: problem.details ? [problem.details] : [],
        source: 'Preflight',
        remedy: problem.remedy,
      });
      return;
    case 'oauth':
      void reply.send({
        error:
          oauthErrors[problem.code] ??
          (problem.status === 429 ? 'temporarily_unavailable' : 'invalid_request'),
        error_description: `${problem.message} ${problem.remedy}`,
        error_codes: [],
        timestamp: new Date().toISOString(),
        trace_id: requestId,
        correlation_id: requestId,
        preflight_code: problem.code,
      });
      return;
    default:
      void reply.send({
        error: {
          code: problem.code,
          message: problem.message,
          remedy: problem.remedy,
          ...(problem.details ? { details: { ...problem.details } } : {}),
          requestId,
        },
      } satisfies ErrorBody);
  }
}

/** For requests that matched no route: the family their path belongs to. */
function wireOfUrl(url: string): string {
  if (/^\/(beta|v1\.0)\//.test(url)) {
    return 'graph';
  }
  if (url.startsWith('/v1/')) {
    return 'partnerCenter';
  }
  return 'preflight';
}

/**
 * The only place that turns errors into responses. Rule violations keep their code and
 * remedy; schema validation failures say which field; anything else is a 500 that shows
 * only the request id (the log has the rest).
 */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (isPreflightError(error)) {
    // An error that knows when a retry can succeed says so the way HTTP clients read it.
    const retryAfter = error.details['retryAfterSeconds'];
    if (typeof retryAfter === 'number' && retryAfter > 0) {
      void reply.header('retry-after', String(Math.ceil(retryAfter)));
    }
    sendProblem(request, reply, {
      status: statusOfCode[error.code] ?? statusOf[error.category],
      code: error.code,
      message: error.message,
      remedy: error.remedy,
      details: error.details,
    });
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const first = fastifyError.validation[0];
    const where = `${fastifyError.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
    sendProblem(request, reply, {
      status: 400,
      code: 'input.invalid',
      message: `${where}: ${fastifyError.message.replace(/^(body|querystring|params|headers)\S*\s*/, '')}`,
      remedy: 'Correct the field named in the message and retry.',
      details: {
        field: where,
        problems: fastifyError.validation.map((v) => ({
          at: `${fastifyError.validationContext ?? 'body'}${v.instancePath}`,
          message: v.message,
          params: v.params,
        })),
      },
    });
    return;
  }
  // Errors Fastify raises for the client's own mistakes (bad JSON, body too large, …).
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    sendProblem(request, reply, {
      status,
      code: status === 429 ? 'rate.limited' : `http.${fastifyError.code ?? status}`.toLowerCase(),
      message: fastifyError.message,
      remedy:
        status === 429
          ? 'Wait for the number of seconds in Retry-After, then retry.'
          : status === 413
            ? 'Send a smaller body: split the devices into several requests.'
            : 'Fix the request as the message says.',
    });
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  sendProblem(request, reply, {
    status: 500,
    code: 'internal',
    message: 'Something went wrong on our side.',
    remedy: `Retry later; if it persists, give the operator this request id: ${String(request.id)}.`,
  });
}
