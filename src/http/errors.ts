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
  const requestId = String(request.id);
  if (isPreflightError(error)) {
    void reply.status(statusOf[error.category]).send({
      error: {
        code: error.code,
        message: error.message,
        remedy: error.remedy,
        details: error.details,
        requestId,
      },
    } satisfies ErrorBody);
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    void reply.status(400).send({
      error: {
        code: 'input.invalid',
        message: fastifyError.message,
        remedy: 'Correct the field named in the message and retry.',
        details: { context: fastifyError.validationContext, problems: fastifyError.validation },
        requestId,
      },
    } satisfies ErrorBody);
    return;
  }
  // Errors Fastify raises for the client's own mistakes (bad JSON, body too large, …).
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    void reply.status(status).send({
      error: {
        code: `http.${fastifyError.code ?? status}`.toLowerCase(),
        message: fastifyError.message,
        remedy: 'Fix the request as the message says.',
        requestId,
      },
    } satisfies ErrorBody);
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.status(500).send({
    error: {
      code: 'internal',
      message: 'Something went wrong on our side.',
      remedy: `Retry later; if it persists, give the operator this request id: ${requestId}.`,
      requestId,
    },
  } satisfies ErrorBody);
}
