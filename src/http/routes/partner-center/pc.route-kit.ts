/**
 * What every Partner Center–compatible route shares: its access rule and wire family,
 * schema decoration for `/openapi.json`, the resource envelope (`attributes.objectType`,
 * Collection) and the error body (API-FACTS §1.1).
 * @module
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../../domain/actor.js';
import { principalOf, type RouteAccess } from '../../access/route-access.js';

/**
 * Route config for a Partner Center route: partners and OEMs only; the customer is the
 * `customerId` path parameter (the access hook checks the relationship on every
 * request), or none for routes about the caller's own organisation.
 */
export function pcConfig(permission: 'read' | 'write', customer: 'path' | 'none' = 'path') {
  const access: RouteAccess = {
    kind: 'client',
    callers: 'registrar',
    permission,
    customer: customer === 'path' ? { param: 'customerId' } : 'none',
  };
  return { access, wire: 'partnerCenter' as const };
}

/** Schema decoration shared by Partner Center routes. */
export function pcSchema<T extends Record<string, unknown>>(schema: T & { summary: string }) {
  return { tags: ['partner-center'], security: [{ bearer: [] }], ...schema };
}

/** `attributes` of a resource of `objectType`. */
export function attributesOf<T extends string>(objectType: T) {
  return Type.Object({ objectType: Type.Literal(objectType) });
}

/** The same value in a resource: `{ objectType }`. */
export function objectType<T extends string>(type: T): { objectType: T } {
  return { objectType: type };
}

/** A nullable string, as the reference's optional text fields are. */
export const nullableString = (options: { description?: string; format?: string } = {}) =>
  Type.Union([Type.String(options), Type.Null()]);

/** A link (`{uri, method, headers}`), as Partner Center writes them: relative, no `/v1`. */
export const linkSchema = Type.Object({
  uri: Type.String(),
  method: Type.String(),
  headers: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
});

/** A Partner Center Collection of `item`, optionally paged by a continuation token. */
export function collectionOf(item: TSchema, options: { paged?: boolean } = {}) {
  return Type.Object({
    totalCount: Type.Integer(),
    items: Type.Array(item),
    ...(options.paged
      ? {
          continuationToken: Type.Optional(
            Type.String({
              description:
                'Present when more items follow: send it back as the MS-ContinuationToken request header.',
            }),
          ),
          links: Type.Optional(Type.Object({ self: linkSchema, next: Type.Optional(linkSchema) })),
        }
      : {}),
    attributes: attributesOf('Collection'),
  });
}

/** `{customerId}`: the customer's tenant id. */
export const customerParams = Type.Object({
  customerId: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'The customer tenant id (our organisation id of the customer).',
  }),
});

/** The Partner Center error body (documented for every route; `remedy` is ours). */
export const pcError = Type.Object(
  {
    code: Type.String(),
    description: Type.String(),
    data: Type.Array(Type.Unknown()),
    source: Type.String(),
  },
  {
    additionalProperties: true,
    description:
      'Partner Center error: code (our stable code, e.g. input.invalid), description (what is wrong and what to do), data, source.',
  },
);

/** Error responses every Partner Center route with a customer may give. */
export const pcErrors = {
  400: pcError,
  401: pcError,
  403: pcError,
  404: pcError,
  409: pcError,
  429: pcError,
};

/** The request headers the reference defines that our routes read. */
export const pcHeaders = Type.Object(
  {
    'ms-requestid': Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Idempotency key (a GUID): a retry with the same value and the same devices returns the first upload.',
      }),
    ),
    'ms-correlationid': Type.Optional(
      Type.String({ description: 'Echoed back in the response, for tracing.' }),
    ),
  },
  { additionalProperties: true },
);

/** Who acts, and for which customer (the path's). */
export function caller(request: FastifyRequest): { actor: Actor; customerId: string } {
  const principal = principalOf(request);
  return { actor: principal.actor, customerId: principal.customerId };
}

/** A header's single value, or undefined. */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}

/** The relative `Location` of a batch job, as the reference writes it (no `/v1`). */
export function jobLocation(customerId: string, trackingId: string): string {
  return `/customers/${encodeURIComponent(customerId)}/batchJobStatus/${encodeURIComponent(trackingId)}`;
}

/**
 * Clients that send `Content-Type: application/json` without a body (a DELETE from a
 * script, say) get no body rather than Fastify's empty-body error; routes that need a body
 * still refuse through their schema. Anything else goes to Fastify's parser.
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
