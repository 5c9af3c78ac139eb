/**
 * Partner Center `GET /customers`: the customers that consented to the caller's
 * organisation, as `Customer` resources (API-FACTS §1.5). `relationshipRequests` (a
 * generic consent link for any future customer) has no counterpart: our consent is an
 * invitation addressed to one customer, created by an administrator.
 * @module
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  listConsentedCustomers,
  type ConsentedCustomer,
} from '../../../services/partner-center/customers.js';
import type { ApiContext } from '../../context.js';
import {
  attributesOf,
  caller,
  collectionOf,
  nullableString,
  objectType,
  pcConfig,
  pcErrors,
  pcSchema,
} from './pc.route-kit.js';

const pcCustomer = Type.Object({
  id: Type.String({ description: 'The customer tenant id: use it as {customerId}.' }),
  companyProfile: Type.Object({
    tenantId: Type.String(),
    domain: nullableString(),
    companyName: Type.String(),
    attributes: attributesOf('CustomerCompanyProfile'),
  }),
  relationshipToPartner: Type.Optional(
    Type.Literal('reseller', {
      description:
        'reseller for a partner’s customers; absent for an OEM’s (Partner Center has no value for an OEM authorization).',
    }),
  ),
  attributes: attributesOf('Customer'),
});

/** A consented customer as `Customer`. */
export function toPcCustomer({
  customer,
  relationship,
}: ConsentedCustomer): Static<typeof pcCustomer> {
  return {
    id: customer.id,
    companyProfile: {
      tenantId: customer.id,
      domain: customer.domain,
      companyName: customer.displayName,
      attributes: objectType('CustomerCompanyProfile'),
    },
    ...(relationship.kind === 'reseller' ? { relationshipToPartner: 'reseller' as const } : {}),
    attributes: objectType('Customer'),
  };
}

export function customerRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/v1/customers',
      {
        config: pcConfig('read', 'none'),
        schema: pcSchema({
          summary: 'List the customers that consented to your organisation',
          description:
            'Customers with an active reseller relationship or OEM authorization, by name.',
          response: { 200: collectionOf(pcCustomer), ...pcErrors },
        }),
      },
      async (request) => {
        const customers = await listConsentedCustomers(context.deps, caller(request).actor);
        return {
          totalCount: customers.length,
          items: customers.map(toPcCustomer),
          attributes: objectType('Collection'),
        };
      },
    );
  };
}
