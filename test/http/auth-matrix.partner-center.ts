import { syntheticDevice } from '../kit/devices.js';
import type { MatrixFixture } from './auth-matrix.fixture.js';
import type { Probe } from './auth-matrix.table.js';

const json = { 'content-type': 'application/json' };
const unknownId = '00000000-0000-4000-8000-000000000000';

/**
 * Probes for the Partner Center–compatible routes. The allowed caller is the consented
 * partner's agent (a token for its own tenant), or its admin where only admins may act
 * (policies); ids and batch names that exist nowhere give 404 to it.
 */
export function partnerCenterProbes(): Record<string, Probe> {
  const customer = (f: MatrixFixture) => `/v1/customers/${f.world.customer.id}`;
  const device = syntheticDevice(9201);
  return {
    'GET /v1/customers': { request: () => ({ url: '/v1/customers' }), ok: 200 },
    'POST /v1/customers/:customerId/deviceBatches': {
      request: (f) => ({
        url: `${customer(f)}/deviceBatches`,
        payload: {
          batchId: 'Matrix',
          devices: [{ serialNumber: device.serialNumber, hardwareHash: device.hardwareHash }],
        },
        headers: json,
      }),
      ok: 202,
    },
    'POST /v1/customers/:customerId/deviceBatches/:deviceBatchId/devices': {
      request: (f) => ({
        url: `${customer(f)}/deviceBatches/no-such-batch/devices`,
        payload: [{ serialNumber: device.serialNumber, hardwareHash: device.hardwareHash }],
        headers: json,
      }),
      ok: 404,
    },
    'GET /v1/customers/:customerId/deviceBatches': {
      request: (f) => ({ url: `${customer(f)}/deviceBatches` }),
      ok: 200,
    },
    'GET /v1/customers/:customerId/deviceBatches/:deviceBatchId/devices': {
      request: (f) => ({ url: `${customer(f)}/deviceBatches/no-such-batch/devices` }),
      ok: 404,
    },
    'DELETE /v1/customers/:customerId/deviceBatches/:deviceBatchId/devices/:deviceId': {
      request: (f) => ({ url: `${customer(f)}/deviceBatches/Matrix/devices/${unknownId}` }),
      ok: 404,
    },
    'GET /v1/customers/:customerId/batchJobStatus/:batchTrackingId': {
      request: (f) => ({ url: `${customer(f)}/batchJobStatus/${unknownId}` }),
      ok: 404,
    },
    'POST /v1/customers/:customerId/policies': {
      request: (f) => ({
        url: `${customer(f)}/policies`,
        payload: { name: 'Matrix policy', category: 'o_o_b_e', policySettings: ['skip_eula'] },
        headers: json,
      }),
      allowed: 'partnerAdmin',
      ok: 200,
    },
    'GET /v1/customers/:customerId/policies': {
      request: (f) => ({ url: `${customer(f)}/policies` }),
      ok: 200,
    },
    'GET /v1/customers/:customerId/policies/:policyId': {
      request: (f) => ({ url: `${customer(f)}/policies/${unknownId}` }),
      ok: 404,
    },
    'PUT /v1/customers/:customerId/policies/:policyId': {
      request: (f) => ({
        url: `${customer(f)}/policies/${unknownId}`,
        payload: { name: 'Renamed' },
        headers: json,
      }),
      allowed: 'partnerAdmin',
      ok: 404,
    },
    'DELETE /v1/customers/:customerId/policies/:policyId': {
      request: (f) => ({ url: `${customer(f)}/policies/${unknownId}` }),
      allowed: 'partnerAdmin',
      ok: 404,
    },
    'PATCH /v1/customers/:customerId/DevicePolicyUpdates': {
      request: (f) => ({
        url: `${customer(f)}/DevicePolicyUpdates`,
        payload: { devices: [{ id: unknownId, policies: [{ key: 'o_o_b_e', value: null }] }] },
        headers: json,
      }),
      allowed: 'partnerAdmin',
      ok: 404,
    },
  };
}
