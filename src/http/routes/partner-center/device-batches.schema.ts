/**
 * Schemas of Partner Center device batches and devices (API-FACTS §1.3). Request bodies
 * are documented in camelCase, and keys in any case are accepted (device.wire.ts reads
 * them), so the body schemas admit any further property.
 * @module
 */
import { Type } from '@sinclair/typebox';
import { maxDevicesPerRequest } from '../../devices-input.js';
import {
  attributesOf,
  collectionOf,
  customerParams,
  linkSchema,
  nullableString,
} from './pc.route-kit.js';

/**
 * An optional, nullable text property of a request. `nullable` rather than a union with
 * null: the validator coerces types, and would turn null into "" in a union's first branch.
 */
const text = (description: string) => Type.Optional(Type.String({ nullable: true, description }));

/** A device as a client uploads it. */
export const pcDeviceInput = Type.Object(
  {
    serialNumber: text('SMBIOS serial number.'),
    productKey: text('Windows product key ID (13 digits).'),
    hardwareHash: text('The 4K hardware hash, base64.'),
    modelName: text('SMBIOS product name, e.g. "Precision WorkStation T7500".'),
    oemManufacturerName: text('SMBIOS manufacturer, e.g. "Dell Inc.".'),
  },
  {
    additionalProperties: true,
    description:
      'A device: hardwareHash (+ productKey and/or serialNumber), productKey alone, or serialNumber + oemManufacturerName + modelName. Keys in any case (PascalCase from the .NET SDK).',
  },
);

/** `DeviceBatchCreationRequest`. */
export const deviceBatchCreationBody = Type.Object(
  {
    batchId: Type.Optional(
      Type.String({
        description:
          'The name of the device batch (1–128 characters); it also becomes the devices’ group tag.',
      }),
    ),
    devices: Type.Optional(
      Type.Array(pcDeviceInput, { maxItems: maxDevicesPerRequest, description: 'The devices.' }),
    ),
  },
  {
    additionalProperties: true,
    description: 'DeviceBatchCreationRequest: { batchId, devices }; keys in any case.',
  },
);

/** The body of an upload into an existing batch: a JSON array of devices. */
export const deviceListBody = Type.Array(pcDeviceInput, {
  maxItems: maxDevicesPerRequest,
  description: 'The devices to add to the batch.',
});

/** `{customerId}/deviceBatches/{deviceBatchId}`. */
export const deviceBatchParams = Type.Object({
  ...customerParams.properties,
  deviceBatchId: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'The name of the device batch (as given in batchId).',
  }),
});

/** `…/devices/{deviceId}`. */
export const deviceParams = Type.Object({
  ...deviceBatchParams.properties,
  deviceId: Type.String({ minLength: 1, maxLength: 200 }),
});

/** `DeviceBatch`. */
export const pcDeviceBatch = Type.Object({
  id: Type.String({ description: 'The name of the batch.' }),
  createdBy: Type.String({ description: 'The tenant (organisation id) that created it.' }),
  creationDate: Type.String({ format: 'date-time' }),
  devicesCount: Type.Integer({ description: 'Devices of the batch still registered.' }),
  devicesLink: linkSchema,
  attributes: attributesOf('DeviceBatch'),
});

/** `Device` as we list it. */
export const pcDevice = Type.Object({
  id: Type.String(),
  serialNumber: nullableString(),
  productKey: nullableString(),
  hardwareHash: nullableString({ description: 'The hash as uploaded (canonical base64).' }),
  modelName: nullableString(),
  oemManufacturerName: nullableString(),
  policies: Type.Array(
    Type.Object({
      key: Type.Literal('o_o_b_e'),
      value: nullableString({
        description: 'The id of your policy applied to the device, or null.',
      }),
    }),
  ),
  uploadedDate: Type.String({ format: 'date-time' }),
  allowedOperations: Type.Array(Type.String()),
  attributes: attributesOf('Device'),
});

export const deviceBatchCollection = collectionOf(pcDeviceBatch);
export const deviceCollection = collectionOf(pcDevice, { paged: true });
