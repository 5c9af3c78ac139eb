import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../../context.js';

/** Portal routes (see ./contract.ts). */
export function portalOperatorRoutes(_context: ApiContext) {
  return async (_app: FastifyInstance): Promise<void> => {};
}
