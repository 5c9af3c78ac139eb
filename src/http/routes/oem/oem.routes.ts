import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  maxValidatedTenants,
  validateTenants,
} from '../../../services/registration/validate-consent.js';
import { principalOf } from '../../access/route-access.js';
import type { ApiContext } from '../../context.js';

const body = Type.Object({
  tenants: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
    minItems: 1,
    maxItems: maxValidatedTenants,
    description: 'Customer tenant ids or domains.',
  }),
});

const validation = Type.Object({
  tenant: Type.String(),
  customerId: Type.Union([Type.String(), Type.Null()]),
  mayRegister: Type.Boolean(),
  status: Type.Union([
    Type.Literal('consented'),
    Type.Literal('permission_missing'),
    Type.Literal('ended'),
    Type.Literal('not_consented'),
  ]),
  permissions: Type.Array(Type.String()),
});

/**
 * The OEM flow's "validate device submission data": which of the named customer tenants
 * the caller may register devices for, before it sends them. Registration itself goes
 * through the same batch API as partners (`/v1/customers/{id}/deviceBatches`).
 */
export function oemRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: { tenants: string[] } }>(
      '/v1/deviceSubmissionValidations',
      {
        config: {
          access: { kind: 'client', callers: 'registrar', permission: 'read', customer: 'none' },
          wire: 'partnerCenter',
        },
        schema: {
          summary: 'Check consent for customer tenants before registering (OEMs and partners)',
          tags: ['oem'],
          body,
          response: {
            200: Type.Object({
              totalCount: Type.Integer(),
              items: Type.Array(validation),
              attributes: Type.Object({ objectType: Type.Literal('Collection') }),
            }),
          },
        },
      },
      async (request) => {
        const items = await validateTenants(
          context.deps,
          principalOf(request).actor,
          request.body.tenants,
        );
        return {
          totalCount: items.length,
          items,
          attributes: { objectType: 'Collection' as const },
        };
      },
    );
  };
}
