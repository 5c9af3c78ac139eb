/**
 * Partner Center `Device` and `DeviceBatchCreationRequest` bodies (API-FACTS §1.3) read
 * into our `DeviceFields`. Keys are matched without regard to case, as the reference's
 * deserializer does: the .NET SDK sends PascalCase (`SerialNumber`), others camelCase.
 * A key we do not know is refused, so a misspelt field is never silently dropped.
 * @module
 */
import { PreflightError } from '../../../domain/errors.js';
import type { DeviceFields, FieldNames } from '../../../services/registration/prepare-fields.js';
import { camelKeys } from '../../partner-center/policy.wire.js';

/**
 * How our device fields are named on this wire, for messages such as
 * `devices[3].hardwareHash`. The group tag comes from the batch name (`batchId`).
 */
export const pcDeviceFieldNames: FieldNames = {
  serialNumber: 'serialNumber',
  productKeyId: 'productKey',
  hardwareHash: 'hardwareHash',
  manufacturer: 'oemManufacturerName',
  model: 'modelName',
  groupTag: 'batchId',
  purchaseOrderId: 'purchaseOrderId',
  assignedUser: 'assignedUser',
};

/** Device properties a client writes, and the field each fills. */
const WRITABLE = {
  serialNumber: 'serialNumber',
  productKey: 'productKeyId',
  hardwareHash: 'hardwareHash',
  modelName: 'model',
  oemManufacturerName: 'manufacturer',
} as const satisfies Record<string, keyof DeviceFields>;

/** Read-only Device properties a client may echo from a GET; ignored (policies: see below). */
const READ_ONLY = [
  'id',
  'policies',
  'uploadedDate',
  'allowedOperations',
  'createdBy',
  'attributes',
];

type Json = Record<string, unknown>;

function invalid(field: string, message: string, remedy?: string): PreflightError {
  return new PreflightError('input.invalid', message, { field }, remedy);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `value`'s properties under the names in `known`, matched without regard to case. Two
 * keys naming one property, or a key naming none, are refused at `path`.
 */
export function readProperties(
  value: Json,
  known: readonly string[],
  path: string,
): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const from = new Map<string, string>();
  for (const [key, inner] of Object.entries(value)) {
    const name = known.find((k) => k.toLowerCase() === key.toLowerCase());
    const at = path ? `${path}.${name ?? key}` : (name ?? key);
    if (name === undefined) {
      throw invalid(
        at,
        `${path || 'The body'} has no property "${key}".`,
        `Send only ${known.join(', ')}.`,
      );
    }
    const earlier = from.get(name);
    if (earlier !== undefined) {
      throw invalid(at, `"${earlier}" and "${key}" name the same property.`, `Send ${name} once.`);
    }
    from.set(name, key);
    found.set(name, inner);
  }
  return found;
}

function readText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'string') {
    throw invalid(field, `${field} must be text, not ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * A device's `policies` on upload: accepted when empty or all null (a client echoing a
 * device it read); a policy is applied with `DevicePolicyUpdates` once the device exists.
 */
function checkUploadPolicies(value: unknown, field: string): void {
  if (value === undefined || value === null) {
    return;
  }
  const applied = Array.isArray(value)
    ? value.filter(
        (p) =>
          !isObject(p) ||
          Object.entries(p).some(([k, v]) => k.toLowerCase() === 'value' && v !== null),
      )
    : [value];
  if (applied.length > 0) {
    throw invalid(
      field,
      `${field}: a policy cannot be applied while uploading a device.`,
      'Upload the devices without policies, then apply the policy with PATCH /customers/{customerId}/DevicePolicyUpdates.',
    );
  }
}

/** One Partner Center `Device` as our fields; `path` is its place (`devices[3]`). */
export function readPcDevice(value: unknown, path: string): DeviceFields {
  if (!isObject(value)) {
    throw invalid(path, `${path} must be a device object, not ${JSON.stringify(value)}.`);
  }
  const props = readProperties(value, [...Object.keys(WRITABLE), ...READ_ONLY], path);
  checkUploadPolicies(props.get('policies'), `${path}.policies`);
  const fields: Record<string, string | null> = {};
  for (const [wire, ours] of Object.entries(WRITABLE)) {
    fields[ours] = readText(props.get(wire), `${path}.${wire}`);
  }
  return fields as DeviceFields;
}

/** A list of Partner Center devices (`path` names it in messages). */
export function readPcDevices(value: unknown, path: string): DeviceFields[] {
  if (!Array.isArray(value)) {
    throw invalid(
      path,
      `${path} must be a list of devices.`,
      'Send the devices as a JSON array of Device objects.',
    );
  }
  return value.map((device, i) =>
    readPcDevice(camelKeys(device, `${path}[${i}]`), `${path}[${i}]`),
  );
}

/** A `DeviceBatchCreationRequest`: the batch name and its devices. */
export function readDeviceBatchCreation(body: unknown): {
  batchId: unknown;
  devices: DeviceFields[];
} {
  if (!isObject(body)) {
    throw invalid(
      'body',
      'The body must be a DeviceBatchCreationRequest object: { batchId, devices }.',
    );
  }
  const props = readProperties(body, ['batchId', 'devices', 'attributes'], '');
  return {
    batchId: props.get('batchId'),
    devices: readPcDevices(props.get('devices'), 'devices'),
  };
}
