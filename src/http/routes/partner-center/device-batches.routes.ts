/**
 * Partner Center device batches (API-FACTS §1.2): create a batch with devices, add devices
 * to it, list batches and their devices, delete a device. Uploads answer 202 with the
 * relative `Location` of their batch job, as the reference does.
 * @module
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  checkDeviceBatchName,
  deleteDeviceBatchDevice,
  listDeviceBatchDevices,
  listDeviceBatches,
  uploadDevices,
  type DeviceUpload,
} from '../../../services/partner-center/device-batches.js';
import type { DeviceFields } from '../../../services/registration/prepare-fields.js';
import type { ApiContext } from '../../context.js';
import { prepareApiDevices } from '../../devices-input.js';
import { decodeContinuation, encodeContinuation } from './continuation-token.js';
import {
  deviceBatchCollection,
  deviceBatchCreationBody,
  deviceBatchParams,
  deviceCollection,
  deviceListBody,
  deviceParams,
} from './device-batches.schema.js';
import { devicesUri, toPcDevice, toPcDeviceBatch } from './device-batches.present.js';
import { pcDeviceFieldNames, readDeviceBatchCreation, readPcDevices } from './device.wire.js';
import {
  caller,
  customerParams,
  headerValue,
  jobLocation,
  objectType,
  pcConfig,
  pcErrors,
  pcHeaders,
  pcSchema,
} from './pc.route-kit.js';

/** Uploads carry up to 10 000 devices of about 4 KB each. */
export const uploadBodyLimit = 64 * 1024 * 1024;

/** Devices per page of a device list (the reference's page size). */
export const devicesPageSize = 100;

const accepted = {
  202: Type.Null({
    description:
      'Accepted, no body. Location: /customers/{customerId}/batchJobStatus/{batchTrackingId} (relative, without /v1).',
  }),
};

type Params = { customerId: string; deviceBatchId: string; deviceId: string };

/** Validates the devices (all or nothing), queues the upload and answers 202 + Location. */
async function upload(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  input: { batchName: unknown; devices: readonly DeviceFields[]; mode: DeviceUpload['mode'] },
): Promise<void> {
  const { actor, customerId } = caller(request);
  // The name first: it becomes every device's group tag.
  const batchName = checkDeviceBatchName(input.batchName);
  const rows = prepareApiDevices(input.devices, {
    names: pcDeviceFieldNames,
    path: 'devices',
    batchGroupTag: batchName,
  });
  const stored = await uploadDevices(context.deps, actor, {
    customerId,
    batchName,
    mode: input.mode,
    rows,
    requestId: headerValue(request, 'ms-requestid') ?? null,
  });
  void reply.code(202).header('location', jobLocation(customerId, stored.batch.id));
  await reply.send();
}

/** Device batch routes under `/v1/customers/{customerId}/deviceBatches`. */
export function deviceBatchRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post(
      '/v1/customers/:customerId/deviceBatches',
      {
        bodyLimit: uploadBodyLimit,
        config: pcConfig('write'),
        schema: pcSchema({
          summary: 'Create a device batch and upload devices to it',
          description:
            'The batch name (batchId) becomes the devices’ group tag (docs/decisions/0004). A name you already use adds this upload to that batch. The whole request is refused (400, nothing stored) when any device is invalid; per-device outcomes (806, 808, …) are in the batch job status. Retrying with the same MS-RequestId and the same devices returns the same tracking id.',
          headers: pcHeaders,
          params: customerParams,
          body: deviceBatchCreationBody,
          response: { ...accepted, ...pcErrors },
        }),
      },
      async (request, reply) => {
        const body = readDeviceBatchCreation(request.body);
        await upload(context, request, reply, {
          batchName: body.batchId,
          devices: body.devices,
          mode: 'create',
        });
      },
    );

    app.post<{ Params: Params }>(
      '/v1/customers/:customerId/deviceBatches/:deviceBatchId/devices',
      {
        bodyLimit: uploadBodyLimit,
        config: pcConfig('write'),
        schema: pcSchema({
          summary: 'Upload devices to an existing device batch',
          description:
            'A JSON array of devices, added to a batch you created (404 otherwise). Validation and idempotency as for creating a batch.',
          headers: pcHeaders,
          params: deviceBatchParams,
          body: deviceListBody,
          response: { ...accepted, ...pcErrors },
        }),
      },
      async (request, reply) => {
        await upload(context, request, reply, {
          batchName: request.params.deviceBatchId,
          devices: readPcDevices(request.body, 'devices'),
          mode: 'add',
        });
      },
    );

    app.get(
      '/v1/customers/:customerId/deviceBatches',
      {
        config: pcConfig('read'),
        schema: pcSchema({
          summary: 'List your device batches for a customer',
          description:
            'Only the batches your organisation created (partners manage only the devices they added).',
          params: customerParams,
          response: { 200: deviceBatchCollection, ...pcErrors },
        }),
      },
      async (request) => {
        const { actor, customerId } = caller(request);
        const { registrarOrgId, batches } = await listDeviceBatches(
          context.deps,
          actor,
          customerId,
        );
        return {
          totalCount: batches.length,
          items: batches.map((b) => toPcDeviceBatch(customerId, registrarOrgId, b)),
          attributes: objectType('Collection'),
        };
      },
    );

    app.get<{ Params: Params }>(
      '/v1/customers/:customerId/deviceBatches/:deviceBatchId/devices',
      {
        config: pcConfig('read'),
        schema: pcSchema({
          summary: 'List the devices of one of your device batches',
          description: `${devicesPageSize} devices per page. When more follow, the body has continuationToken: send it as the MS-ContinuationToken header for the next page.`,
          headers: Type.Object(
            {
              'ms-continuationtoken': Type.Optional(
                Type.String({
                  maxLength: 1000,
                  description: 'The continuationToken of the previous page.',
                }),
              ),
            },
            { additionalProperties: true },
          ),
          params: deviceBatchParams,
          response: { 200: deviceCollection, ...pcErrors },
        }),
      },
      async (request) => {
        const { actor, customerId } = caller(request);
        const batchName = request.params.deviceBatchId;
        const listing = `${customerId}\u001f${batchName}`;
        const token = headerValue(request, 'ms-continuationtoken');
        const page = await listDeviceBatchDevices(context.deps, actor, {
          customerId,
          batchName,
          ...(token !== undefined ? { after: decodeContinuation(listing, token) } : {}),
          limit: devicesPageSize,
        });
        const uri = devicesUri(customerId, batchName);
        const next = page.nextAfter === null ? null : encodeContinuation(listing, page.nextAfter);
        return {
          totalCount: page.totalCount,
          items: page.devices.map(toPcDevice),
          ...(next !== null ? { continuationToken: next } : {}),
          links: {
            self: { uri, method: 'GET', headers: [] },
            ...(next !== null
              ? {
                  next: {
                    uri,
                    method: 'GET',
                    headers: [{ key: 'MS-ContinuationToken', value: next }],
                  },
                }
              : {}),
          },
          attributes: objectType('Collection'),
        };
      },
    );

    app.delete<{ Params: Params }>(
      '/v1/customers/:customerId/deviceBatches/:deviceBatchId/devices/:deviceId',
      {
        config: pcConfig('write'),
        schema: pcSchema({
          summary: 'Delete (deregister) a device of one of your device batches',
          description:
            'Deregisters the device from Autopilot only. Only devices your organisation registered; the customer’s consent must grant deregistering.',
          params: deviceParams,
          response: { 204: Type.Null({ description: 'Deleted, no body.' }), ...pcErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customerId } = caller(request);
        await deleteDeviceBatchDevice(context.deps, actor, {
          customerId,
          batchName: request.params.deviceBatchId,
          deviceId: request.params.deviceId,
        });
        void reply.code(204);
        await reply.send();
      },
    );
  };
}
