/**
 * `BatchUploadDetails` and `DeviceUploadDetails` (API-FACTS §1.3). Statuses use the SDK's
 * `DeviceUploadStatusType` values for the batch and for each device (the documentation's
 * per-device `in-progress` is not a value the SDK can read).
 * @module
 */
import { Type } from '@sinclair/typebox';
import { attributesOf, customerParams, nullableString } from './pc.route-kit.js';

/** The reference's job statuses (SDK `DeviceUploadStatusType`, values 0–4). */
export const uploadStatuses = [
  'unknown',
  'queued',
  'processing',
  'finished',
  'finished_with_errors',
] as const;
export type UploadStatus = (typeof uploadStatuses)[number];

const uploadStatus = Type.Union(uploadStatuses.map((s) => Type.Literal(s)));

export const batchJobParams = Type.Object({
  ...customerParams.properties,
  batchTrackingId: Type.String({ minLength: 1, maxLength: 200 }),
});

/** `DeviceUploadDetails`. */
export const pcDeviceUploadDetails = Type.Object({
  deviceId: nullableString({
    description: 'The registered device, or null when it was not registered.',
  }),
  serialNumber: nullableString(),
  productKey: nullableString(),
  status: uploadStatus,
  errorCode: nullableString({
    description:
      'The reference’s error number when it has one ("806", "808", "802"), else our stable code (e.g. device.duplicate_in_request); null on success.',
  }),
  errorDescription: nullableString({
    description:
      'The reference’s error name (ZtdDeviceAssignedToOtherTenant, …), else our message; null on success.',
  }),
  attributes: attributesOf('DeviceUploadDetails'),
});

/** `BatchUploadDetails`. */
export const pcBatchUploadDetails = Type.Object({
  batchTrackingId: Type.String(),
  status: uploadStatus,
  startedTime: Type.String({ format: 'date-time', description: 'When the job was accepted.' }),
  completedTime: Type.Optional(
    Type.String({ format: 'date-time', description: 'When it ended; absent until then.' }),
  ),
  devicesStatus: Type.Array(pcDeviceUploadDetails),
  attributes: attributesOf('BatchUploadDetails'),
});
