/**
 * Partner Center `PATCH /customers/{customerId}/DevicePolicyUpdates`: apply one of your
 * policies to devices you registered, or remove it (`value: null`). Done at once, in one
 * transaction; answered 202 with the `Location` of a batch job that reports it finished,
 * as the reference's clients expect.
 * @module
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PreflightError } from '../../../domain/errors.js';
import {
  applyDevicePolicies,
  maxPolicyUpdatesPerRequest,
  type DevicePolicyChange,
} from '../../../services/partner-center/policy-updates.js';
import type { ApiContext } from '../../context.js';
import { camelKeys } from '../../partner-center/policy.wire.js';
import { readProperties } from './device.wire.js';
import {
  caller,
  customerParams,
  jobLocation,
  pcConfig,
  pcErrors,
  pcSchema,
} from './pc.route-kit.js';

const body = Type.Object(
  {
    devices: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.Optional(Type.String()),
            policies: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    key: Type.Optional(Type.String({ description: 'o_o_b_e' })),
                    // `nullable`, not a union with null, which type coercion would turn into "".
                    value: Type.Optional(
                      Type.String({
                        nullable: true,
                        description: 'The policy id to apply, or null to remove the policy.',
                      }),
                    ),
                  },
                  { additionalProperties: true },
                ),
              ),
            ),
          },
          { additionalProperties: true },
        ),
        { maxItems: maxPolicyUpdatesPerRequest },
      ),
    ),
  },
  {
    additionalProperties: true,
    description:
      'DevicePolicyUpdateRequest: { devices: [{ id, policies: [{ key: "o_o_b_e", value: policyId | null }] }] }; keys in any case.',
  },
);

type Json = Record<string, unknown>;

function invalid(field: string, message: string, remedy?: string): PreflightError {
  return new PreflightError('input.invalid', message, { field }, remedy);
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The OOBE policy of one device item: its id, or null to remove it. */
function readOobePolicy(value: unknown, path: string): string | null {
  if (!Array.isArray(value) || value.length !== 1) {
    throw invalid(
      path,
      `${path} must list exactly one policy: { key: "o_o_b_e", value: policyId | null }.`,
    );
  }
  const field = `${path}[0]`;
  if (!isObject(value[0])) {
    throw invalid(field, `${field} must be { key, value }.`);
  }
  const props = readProperties(value[0], ['key', 'value'], field);
  const key = props.get('key');
  // The SDK writes the enum member OOBE as o_o_b_e; accept the member name too.
  if (typeof key !== 'string' || !['o_o_b_e', 'oobe'].includes(key.trim().toLowerCase())) {
    throw invalid(`${field}.key`, `${field}.key must be o_o_b_e, not ${JSON.stringify(key)}.`);
  }
  const policy = props.get('value');
  if (policy === null || policy === undefined) {
    return null;
  }
  if (typeof policy !== 'string' || policy.trim() === '') {
    throw invalid(`${field}.value`, `${field}.value must be a policy id or null.`);
  }
  return policy.trim();
}

/** A `DevicePolicyUpdateRequest` as the changes it asks for. */
export function readPolicyUpdateRequest(raw: unknown): DevicePolicyChange[] {
  if (!isObject(raw)) {
    throw invalid('body', 'The body must be { devices: [...] }.');
  }
  const request = readProperties(camelKeys(raw) as Json, ['devices', 'attributes'], '');
  const devices = request.get('devices');
  if (!Array.isArray(devices)) {
    throw invalid('devices', 'devices must be a list of { id, policies }.');
  }
  return devices.map((item, i) => {
    const path = `devices[${i}]`;
    if (!isObject(item)) {
      throw invalid(path, `${path} must be { id, policies }.`);
    }
    const props = readProperties(
      item,
      [
        'id',
        'policies',
        'serialNumber',
        'productKey',
        'hardwareHash',
        'modelName',
        'oemManufacturerName',
        'uploadedDate',
        'allowedOperations',
        'createdBy',
        'attributes',
      ],
      path,
    );
    const id = props.get('id');
    if (typeof id !== 'string' || id.trim() === '') {
      throw invalid(`${path}.id`, `${path}.id must be the id of a device.`);
    }
    return {
      deviceId: id.trim(),
      policyId: readOobePolicy(props.get('policies'), `${path}.policies`),
    };
  });
}

export function devicePolicyUpdateRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.patch(
      '/v1/customers/:customerId/DevicePolicyUpdates',
      {
        config: pcConfig('write'),
        schema: pcSchema({
          summary: 'Apply or remove one of your Autopilot profiles on your devices',
          description:
            'Admin clients only. All or nothing: a device you did not register or a policy that is not yours refuses the whole request. The profile wins over the customer’s tag rules. Answers 202; the Location’s batch job reports every device finished.',
          params: customerParams,
          body,
          response: {
            202: Type.Null({
              description:
                'Accepted, no body. Location: /customers/{customerId}/batchJobStatus/{id}.',
            }),
            ...pcErrors,
          },
        }),
      },
      async (request, reply) => {
        const { actor, customerId } = caller(request);
        const changes = readPolicyUpdateRequest(request.body);
        const record = await applyDevicePolicies(context.deps, actor, customerId, changes);
        void reply.code(202).header('location', jobLocation(customerId, record.trackingId));
        await reply.send();
      },
    );
  };
}
