/**
 * Partner Center device batches (API-FACTS §1.2): named lists of devices a partner or
 * OEM uploads for one customer. Each upload is one of our batches carrying the name
 * (`batches.device_batch_name`); the name is also the devices' group tag
 * (docs/decisions/0004-partner-center-batch-name.md). A registrar sees only its own
 * device batches and the devices they registered.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import type { Device } from '../../domain/device.js';
import { PreflightError } from '../../domain/errors.js';
import { checkGroupTag, GROUP_TAG_MAX_LENGTH } from '../../domain/group-tag.js';
import type { DeviceBatchMember, DeviceBatchSummary } from '../../store/batch.repo.js';
import type { ServiceDeps } from '../deps.js';
import { deregisterDevice } from '../devices.js';
import type { PreparedRow } from '../registration/prepared-row.js';
import { submitBatch } from '../registration/register.js';
import type { StoredBatch } from '../registration/submit-batch.js';
import { ownWork, partnerContext } from './partner-context.js';

/**
 * Checks a device-batch name, which becomes the devices' group tag: 1 to 128 characters,
 * no surrounding spaces (tags match exactly, so they would silently miss a rule), no
 * control characters, double quotes or commas. Throws `input.invalid` naming `field`.
 */
export function checkDeviceBatchName(name: unknown, field = 'batchId'): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new PreflightError(
      'input.invalid',
      `${field} must name the device batch.`,
      { field },
      'Send batchId: the name of the device list, which also becomes the devices’ group tag.',
    );
  }
  const problems = checkGroupTag(name);
  if (problems.length > 0) {
    const why = problems.includes('too_long')
      ? `is longer than ${GROUP_TAG_MAX_LENGTH} characters`
      : problems.includes('surrounding_whitespace')
        ? 'has spaces around it'
        : problems.includes('control_character')
          ? 'contains control characters'
          : 'contains a double quote or a comma';
    throw new PreflightError(
      'input.invalid',
      `The device batch name "${name}" ${why}; it becomes the devices' group tag, which must match profile rules exactly.`,
      { field, problems },
      'Use letters, digits, spaces inside the name, - and _.',
    );
  }
  return name;
}

/** One upload of devices into a named device batch. */
export interface DeviceUpload {
  readonly customerId: string;
  readonly batchName: string;
  /** `create`: the batch may be new. `add`: the batch must already exist. */
  readonly mode: 'create' | 'add';
  /** Prepared with the batch name as their group tag. */
  readonly rows: readonly PreparedRow[];
  /**
   * The caller's `MS-RequestId`: retrying with the same id and the same devices returns
   * the first upload; the same id with other devices is refused.
   */
  readonly requestId: string | null;
}

/**
 * Queues an upload into a device batch: a new one (`create`; a name already in use adds
 * to that batch) or an existing one of this registrar (`add`, `batch.not_found`
 * otherwise). Returns the queued upload, whose id is the tracking id.
 */
export async function uploadDevices(
  deps: ServiceDeps,
  actor: Actor,
  upload: DeviceUpload,
): Promise<StoredBatch> {
  const name = checkDeviceBatchName(upload.batchName);
  const { registrar, customer } = await partnerContext(
    deps,
    actor,
    upload.customerId,
    'register_devices',
  );
  if (
    upload.mode === 'add' &&
    !(await deps.store.repos.batches.hasDeviceBatch(registrar.id, customer.id, name))
  ) {
    throw new PreflightError(
      'batch.not_found',
      `You have no device batch named "${name}" for this customer.`,
      { deviceBatchId: name },
      'Create it with POST /customers/{customerId}/deviceBatches, or check the name (GET …/deviceBatches lists them).',
    );
  }
  const requestId = upload.requestId?.trim() || null;
  return submitBatch(
    deps,
    actor,
    { customer: customer.id },
    {
      source: 'api',
      groupTag: name,
      deviceBatchName: name,
      // Namespaced so that a request id can never collide with a native client batch id.
      clientBatchId: requestId === null ? null : `pc:${requestId}`,
      rows: upload.rows,
    },
  );
}

/** The registrar's device batches for a customer, oldest first. */
export async function listDeviceBatches(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
): Promise<{ registrarOrgId: string; batches: DeviceBatchSummary[] }> {
  const { registrar, customer } = await partnerContext(deps, actor, customerId, ownWork);
  return {
    registrarOrgId: registrar.id,
    batches: await deps.store.repos.batches.deviceBatches(registrar.id, customer.id),
  };
}

/** One page of the devices of a device batch, by id. */
export interface DeviceBatchPage {
  readonly totalCount: number;
  readonly devices: DeviceBatchMember[];
  /** The last id of this page when more may follow, else null. */
  readonly nextAfter: string | null;
}

/**
 * The registered devices of one of the registrar's device batches, `limit` at a time in
 * id order after `after`. `batch.not_found` when the registrar has no batch of that name.
 */
export async function listDeviceBatchDevices(
  deps: ServiceDeps,
  actor: Actor,
  input: { customerId: string; batchName: string; after?: string; limit: number },
): Promise<DeviceBatchPage> {
  const { registrar, customer } = await partnerContext(
    deps,
    actor,
    input.customerId,
    'read_devices',
  );
  const { batches } = deps.store.repos;
  if (!(await batches.hasDeviceBatch(registrar.id, customer.id, input.batchName))) {
    throw new PreflightError(
      'batch.not_found',
      `You have no device batch named "${input.batchName}" for this customer.`,
      { deviceBatchId: input.batchName },
    );
  }
  const devices = await batches.deviceBatchMembers(registrar.id, customer.id, input.batchName, {
    ...(input.after !== undefined ? { after: input.after } : {}),
    limit: input.limit,
  });
  return {
    totalCount: await batches.countDeviceBatchMembers(registrar.id, customer.id, input.batchName),
    devices,
    nextAfter: devices.length === input.limit ? devices[devices.length - 1]!.id : null,
  };
}

/**
 * Deregisters a device of one of the registrar's device batches (Partner Center's
 * delete: Autopilot registration only). `device.not_found` when the device is not in
 * that batch or was registered by someone else.
 */
export async function deleteDeviceBatchDevice(
  deps: ServiceDeps,
  actor: Actor,
  input: { customerId: string; batchName: string; deviceId: string },
): Promise<Device> {
  const { registrar, customer } = await partnerContext(
    deps,
    actor,
    input.customerId,
    'deregister_devices',
  );
  const [member] = await deps.store.repos.batches.deviceBatchMembers(
    registrar.id,
    customer.id,
    input.batchName,
    { deviceId: input.deviceId, limit: 1 },
  );
  if (!member) {
    throw new PreflightError(
      'device.not_found',
      `No device ${input.deviceId} in your device batch "${input.batchName}" for this customer.`,
      { id: input.deviceId, deviceBatchId: input.batchName },
    );
  }
  return deregisterDevice(deps, actor, member.id, customer.id);
}
