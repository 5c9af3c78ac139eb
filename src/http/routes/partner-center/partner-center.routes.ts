/**
 * The Partner Center–compatible API under `/v1` (API-FACTS §1): existing Partner Center
 * clients work by changing only the base URL. Every route is for partners and OEMs,
 * speaks Partner Center's error shape and headers, and names the customer in its path.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../../context.js';
import { batchStatusRoutes } from './batch-status.routes.js';
import { customerRoutes } from './customers.routes.js';
import { deviceBatchRoutes } from './device-batches.routes.js';
import { devicePolicyUpdateRoutes } from './device-policy-updates.routes.js';
import { acceptEmptyJsonBodies } from './pc.route-kit.js';
import { policyRoutes } from './policies.routes.js';

export function partnerCenterRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    acceptEmptyJsonBodies(app);
    await app.register(customerRoutes(context));
    await app.register(deviceBatchRoutes(context));
    await app.register(batchStatusRoutes(context));
    await app.register(policyRoutes(context));
    await app.register(devicePolicyUpdateRoutes(context));
  };
}
