/**
 * Partner Center `GET /customers/{customerId}/batchJobStatus/{batchTrackingId}`: the
 * state of an upload or policy update, with a result per device.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { getJobStatus } from '../../../services/partner-center/upload-status.js';
import type { ApiContext } from '../../context.js';
import { toPcBatchUploadDetails } from './batch-status.present.js';
import { batchJobParams, pcBatchUploadDetails } from './batch-status.schema.js';
import { caller, pcConfig, pcErrors, pcSchema } from './pc.route-kit.js';

export function batchStatusRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { customerId: string; batchTrackingId: string } }>(
      '/v1/customers/:customerId/batchJobStatus/:batchTrackingId',
      {
        config: pcConfig('read'),
        schema: pcSchema({
          summary: 'Get the status of a device upload or policy update',
          description:
            'Poll until status is finished or finished_with_errors. Each device has its outcome: errorCode 806 (already registered to this customer), 808 (registered to another organisation), 802 (invalid hash), or our stable code where the reference has no number.',
          params: batchJobParams,
          response: { 200: pcBatchUploadDetails, ...pcErrors },
        }),
      },
      async (request) => {
        const { actor, customerId } = caller(request);
        return toPcBatchUploadDetails(
          await getJobStatus(context.deps, actor, customerId, request.params.batchTrackingId),
        );
      },
    );
  };
}
