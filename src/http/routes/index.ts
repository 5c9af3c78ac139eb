import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { firstBootRoutes } from './first-boot/first-boot.routes.js';
import { graphRoutes } from './graph/graph.routes.js';
import { oauthRoutes } from './oauth/oauth.routes.js';
import { oemRoutes } from './oem/oem.routes.js';
import { partnerCenterRoutes } from './partner-center/partner-center.routes.js';
import { portalRoutes } from './portal/portal.routes.js';

/** Every API route family. Each route declares its access rule and wire family. */
export function apiRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(oauthRoutes(context));
    await app.register(oemRoutes(context));
    await app.register(partnerCenterRoutes(context));
    await app.register(firstBootRoutes(context));
    await app.register(graphRoutes(context));
    await app.register(portalRoutes(context));
  };
}
