import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { addUserToOrganisation, searchOrganisations } from '../../../services/operators.js';
import { createOrganisation } from '../../../services/organisations.js';
import { portalOf } from '../../access/route-access.js';
import type { ApiContext } from '../../context.js';
import type {
  CreatedUser,
  CreateOrganisationRequest,
  CreateUserRequest,
  OrgRef,
  Page,
} from '../../../services/portal/contract.js';
import { orgKindSchema, orgRefOf, orgRefSchema, roleSchema } from './session.present.js';

const access = { kind: 'session', who: 'operator' } as const;
const wire = 'preflight' as const;

/** The operator's pages: organisations and their users. */
export function portalOperatorRoutes(context: ApiContext) {
  const { deps } = context;
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { search?: string; offset: number; limit: number } }>(
      '/organisations',
      {
        config: { access, wire },
        schema: {
          summary: 'List organisations (operators)',
          tags: ['portal'],
          querystring: Type.Object({
            search: Type.Optional(Type.String({ maxLength: 200 })),
            offset: Type.Integer({ minimum: 0, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(orgRefSchema),
              total: Type.Integer(),
              offset: Type.Integer(),
              limit: Type.Integer(),
            }),
          },
        },
      },
      async (request): Promise<Page<OrgRef>> => {
        const { offset, limit } = request.query;
        const page = await searchOrganisations(deps, portalOf(request).actor, request.query);
        return { items: page.items.map(orgRefOf), total: page.total, offset, limit };
      },
    );

    app.post<{ Body: CreateOrganisationRequest }>(
      '/organisations',
      {
        config: { access, wire },
        schema: {
          summary: 'Create an organisation (operators)',
          tags: ['portal'],
          body: Type.Object({
            kind: orgKindSchema,
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            domain: Type.Optional(Type.String({ maxLength: 253 })),
          }),
          response: { 201: orgRefSchema },
        },
      },
      async (request, reply) => {
        const { kind, displayName, domain } = request.body;
        const org = await createOrganisation(deps, portalOf(request).actor, {
          kind,
          displayName,
          // The form sends an empty field as "", which means no domain.
          domain: domain?.trim() ? domain : null,
        });
        return reply.status(201).send(orgRefOf(org));
      },
    );

    app.post<{ Params: { orgId: string }; Body: CreateUserRequest }>(
      '/organisations/:orgId/users',
      {
        config: { access, wire },
        schema: {
          summary: 'Add a user to an organisation; answers a one-time password (operators)',
          tags: ['portal'],
          params: Type.Object({ orgId: Type.String({ minLength: 1, maxLength: 64 }) }),
          body: Type.Object({
            email: Type.String({ minLength: 1, maxLength: 320 }),
            role: roleSchema,
          }),
          response: {
            201: Type.Object({
              id: Type.String(),
              email: Type.String(),
              role: roleSchema,
              oneTimePassword: Type.String(),
            }),
          },
        },
      },
      async (request, reply) => {
        const created = await addUserToOrganisation(
          deps,
          portalOf(request).actor,
          request.params.orgId,
          request.body,
        );
        const answer: CreatedUser = {
          id: created.user.id,
          email: created.user.email,
          role: created.role,
          oneTimePassword: created.oneTimePassword,
        };
        return reply.status(201).send(answer);
      },
    );
  };
}
