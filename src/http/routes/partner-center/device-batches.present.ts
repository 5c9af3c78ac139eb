/**
 * Presenters: our device batches and devices as Partner Center's `DeviceBatch` and
 * `Device` (API-FACTS §1.3), camelCase, with links relative and without `/v1` as the
 * reference writes them.
 * @module
 */
import type { Static } from '@sinclair/typebox';
import type { DeviceBatchMember, DeviceBatchSummary } from '../../../store/batch.repo.js';
import type { pcDevice, pcDeviceBatch } from './device-batches.schema.js';
import { objectType } from './pc.route-kit.js';

/** The path of a device batch's devices. */
export function devicesUri(customerId: string, batchName: string): string {
  return `/customers/${encodeURIComponent(customerId)}/deviceBatches/${encodeURIComponent(batchName)}/devices`;
}

/** A device batch as `DeviceBatch`. */
export function toPcDeviceBatch(
  customerId: string,
  registrarOrgId: string,
  batch: DeviceBatchSummary,
): Static<typeof pcDeviceBatch> {
  return {
    id: batch.name,
    createdBy: registrarOrgId,
    creationDate: batch.createdAt,
    devicesCount: batch.devicesCount,
    devicesLink: { uri: devicesUri(customerId, batch.name), method: 'GET', headers: [] },
    attributes: objectType('DeviceBatch'),
  };
}

/** A device of a batch as `Device`. */
export function toPcDevice(device: DeviceBatchMember): Static<typeof pcDevice> {
  return {
    id: device.id,
    serialNumber: device.serialNumber,
    productKey: device.productKeyId,
    hardwareHash: device.hardwareHash,
    modelName: device.model,
    oemManufacturerName: device.manufacturer,
    policies: [{ key: 'o_o_b_e', value: device.pinnedProfileId }],
    uploadedDate: device.registeredAt,
    allowedOperations: ['GET', 'PATCH', 'DELETE'],
    attributes: objectType('Device'),
  };
}
