/**
 * What every Graph-compatible route shares: its access rule and wire family, its schema
 * decoration for `/openapi.json`, and the JSON body parser Graph clients need.
 * @module
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../../domain/actor.js';
import { principalOf } from '../../access/route-access.js';

/**
 * Route config for a Graph read or write. The customer is the token's tenant: a
 * customer's own client, or a partner/OEM client holding a token for that customer's
 * tenant (the access hook checks the relationship on every request).
 */
export function graphConfig(permission: 'read' | 'write') {
  return {
    access: { kind: 'client', callers: 'any', permission, customer: 'token' } as const,
    wire: 'graph' as const,
  };
}

/** Schema decoration shared by Graph routes. */
export function graphSchema<T extends Record<string, unknown>>(schema: T & { summary: string }) {
  return { tags: ['graph'], security: [{ bearer: [] }], ...schema };
}

/** The `{id}` path parameter. */
export const idParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** A collection response: `@odata.context`, optional count and next link, `value`. */
export function collectionOf(item: TSchema) {
  return Type.Object(
    {
      '@odata.context': Type.String(),
      '@odata.count': Type.Optional(Type.Integer()),
      '@odata.nextLink': Type.Optional(Type.String()),
      value: Type.Array(item),
    },
    { additionalProperties: true },
  );
}

/** The Graph error body (documented for every route). */
export const graphError = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String(),
        message: Type.String(),
        innerError: Type.Object({}, { additionalProperties: true }),
      },
      { additionalProperties: true },
    ),
  },
  {
    description:
      'Graph error: code (BadRequest, Forbidden, ResourceNotFound, …), message, innerError.',
  },
);

/** Error responses every Graph route may give. */
export const graphErrors = { 400: graphError, 401: graphError, 403: graphError, 404: graphError };

/** Who acts, and for which customer (the token's tenant). */
export function caller(request: FastifyRequest): { actor: Actor; customer: string } {
  const principal = principalOf(request);
  return { actor: principal.actor, customer: principal.customerId };
}

/**
 * Graph clients POST actions without a body but with `Content-Type: application/json`
 * (Microsoft's JavaScript client always sets it): an empty body is read as no body here,
 * where Fastify's own parser would refuse it. Anything else goes to Fastify's parser.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parse(request, text, done);
  });
}
