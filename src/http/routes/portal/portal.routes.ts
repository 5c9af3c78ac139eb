import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../../context.js';
import { portalCustomerRoutes } from './customer.routes.js';
import { portalOperatorRoutes } from './operator.routes.js';
import { portalRegistrarRoutes } from './registrar.routes.js';
import { portalSessionRoutes } from './session.routes.js';

/** The portal's JSON API under /portal/api (contract.ts); the web app is served beside it. */
export function portalRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(portalSessionRoutes(context), { prefix: '/portal/api' });
    await app.register(portalOperatorRoutes(context), { prefix: '/portal/api' });
    await app.register(portalRegistrarRoutes(context), { prefix: '/portal/api' });
    await app.register(portalCustomerRoutes(context), { prefix: '/portal/api' });
  };
}
