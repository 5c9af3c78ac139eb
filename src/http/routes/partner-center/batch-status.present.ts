/**
 * Presenter: a batch job (an upload, or a policy update) as Partner Center's
 * `BatchUploadDetails` (API-FACTS §1.3). The SDK reads `startedTime` and `completedTime`
 * into non-nullable `DateTime`s, so neither is ever null: a job started when it was
 * accepted, and `completedTime` is left out until it ends (the SDK then keeps its default).
 * @module
 */
import type { Static } from '@sinclair/typebox';
import type { BatchRowView, BatchView } from '../../../services/registration/batch-view.js';
import type { JobStatus } from '../../../services/partner-center/upload-status.js';
import type {
  pcBatchUploadDetails,
  pcDeviceUploadDetails,
  UploadStatus,
} from './batch-status.schema.js';
import { objectType } from './pc.route-kit.js';

type Details = Static<typeof pcBatchUploadDetails>;
type DeviceDetails = Static<typeof pcDeviceUploadDetails>;

/**
 * Our batch statuses on the wire. `receiving` is not yet acknowledged (queued); `failed`
 * (given up after repeated faults) has a StorageError outcome for every unfinished row,
 * so it reads as finished with errors.
 */
export function toUploadStatus(status: BatchView['status']): UploadStatus {
  switch (status) {
    case 'receiving':
    case 'queued':
      return 'queued';
    case 'processing':
      return 'processing';
    case 'finished':
      return 'finished';
    case 'finished_with_errors':
    case 'failed':
      return 'finished_with_errors';
  }
}

/** One row's outcome as `DeviceUploadDetails`. */
export function toPcDeviceUploadDetails(batch: BatchView, row: BatchRowView): DeviceDetails {
  const base = {
    serialNumber: row.serialNumber,
    productKey: row.productKeyId,
    attributes: objectType('DeviceUploadDetails'),
  };
  switch (row.status) {
    case 'registered':
      return {
        ...base,
        deviceId: row.deviceId,
        status: 'finished',
        errorCode: null,
        errorDescription: null,
      };
    case 'failed':
      return {
        ...base,
        deviceId: null,
        status: 'finished_with_errors',
        errorCode: row.referenceCode ?? row.code,
        errorDescription: row.referenceName ?? row.message,
      };
    case 'pending':
      return {
        ...base,
        deviceId: null,
        status: batch.status === 'processing' ? 'processing' : 'queued',
        errorCode: null,
        errorDescription: null,
      };
  }
}

/** A batch job as `BatchUploadDetails`. */
export function toPcBatchUploadDetails(job: JobStatus): Details {
  if (job.kind === 'policyUpdate') {
    const { update } = job;
    return {
      batchTrackingId: update.trackingId,
      status: 'finished',
      startedTime: update.at,
      completedTime: update.at,
      devicesStatus: update.devices.map((d) => ({
        deviceId: d.deviceId,
        serialNumber: d.serialNumber,
        productKey: d.productKeyId,
        status: 'finished',
        errorCode: null,
        errorDescription: null,
        attributes: objectType('DeviceUploadDetails'),
      })),
      attributes: objectType('BatchUploadDetails'),
    };
  }
  const { batch, rows } = job;
  return {
    batchTrackingId: batch.id,
    status: toUploadStatus(batch.status),
    startedTime: batch.createdAt,
    ...(batch.finishedAt !== null ? { completedTime: batch.finishedAt } : {}),
    devicesStatus: rows.map((row) => toPcDeviceUploadDetails(batch, row)),
    attributes: objectType('BatchUploadDetails'),
  };
}
