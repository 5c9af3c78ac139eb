/**
 * Graph's `importedWindowsAutopilotDeviceIdentity` (API-FACTS §2.1) ↔ our import records.
 * A client's body becomes `DeviceFields` for the registration engine; a stored record
 * becomes the Graph JSON, its `state` read from the batch row's outcome.
 * @module
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { PreflightError } from '../../domain/errors.js';
import { decodeBase64Strict } from '../../domain/hardware-hash.base64.js';
import type { ImportedIdentityRecord } from '../../services/graph/imports.js';
import type { DeviceFields, FieldNames } from '../../services/registration/prepare-fields.js';

/** The Graph type name, as `@odata.type` and in OData messages. */
export const importedIdentityType = 'microsoft.graph.importedWindowsAutopilotDeviceIdentity';

/** How each of our device fields is called on this Graph type (for located messages). */
export const importedIdentityFieldNames: FieldNames = {
  serialNumber: 'serialNumber',
  productKeyId: 'productKey',
  hardwareHash: 'hardwareIdentifier',
  manufacturer: 'manufacturer',
  model: 'model',
  groupTag: 'groupTag',
  purchaseOrderId: 'purchaseOrderIdentifier',
  assignedUser: 'assignedUserPrincipalName',
};

/**
 * `deviceErrorCode` for an outcome the reference gives no number for (`ZtdDeviceDuplicated`,
 * `StorageError`, and our own refusals such as a revoked consent): -1. DDS codes are
 * positive (806, 808, 802, …) and 0 means success, so -1 can never be mistaken for either;
 * `deviceErrorName` then carries the reference's name or, lacking one, our stable code.
 */
export const unknownReferenceErrorCode = -1;

// Null first: Fastify's Ajv coerces types, and would turn a null into "" otherwise.
const text = (description?: string) =>
  Type.Optional(
    Type.Union([Type.Null(), Type.String(description ? { description } : {})]) as TSchema,
  );

/** The state clients send with a new record (ignored: the server owns it). */
const stateBody = Type.Optional(
  Type.Union([
    Type.Null(),
    Type.Object(
      {},
      { additionalProperties: true, description: 'Ignored: the server owns the state.' },
    ),
  ]),
);

/**
 * One import record as a client POSTs it. Other properties pass the schema and are refused
 * by name in `fromGraphImportedIdentity`, in OData's words.
 */
export const importedIdentityBody = Type.Object(
  {
    '@odata.type': Type.Optional(Type.String()),
    id: text('Read-only; ignored.'),
    importId: text('Read-only (the batch the record joined); ignored.'),
    serialNumber: text(),
    productKey: text('13-digit product key ID, or empty.'),
    hardwareIdentifier: text('The 4K hardware hash, base64 (Edm.Binary).'),
    groupTag: text(),
    orderIdentifier: text('Deprecated name of groupTag (early beta).'),
    assignedUserPrincipalName: text(),
    state: stateBody,
  },
  { additionalProperties: true },
);

/** The body of the `import` action. */
export const importActionBody = Type.Object(
  {
    importedWindowsAutopilotDeviceIdentities: Type.Array(importedIdentityBody, {
      description: 'The devices; all go into one batch (at most 10,000 per request).',
    }),
  },
  // Other properties are refused by name in the route, in OData's words.
  { additionalProperties: true },
);

const stateSchema = Type.Object(
  {
    '@odata.type': Type.Optional(Type.String()),
    deviceImportStatus: Type.Optional(
      Type.Union([
        Type.Literal('unknown'),
        Type.Literal('pending'),
        Type.Literal('partial'),
        Type.Literal('complete'),
        Type.Literal('error'),
      ]),
    ),
    deviceRegistrationId: Type.Optional(Type.String()),
    deviceErrorCode: Type.Optional(Type.Integer()),
    deviceErrorName: Type.Optional(Type.String()),
    preflightError: Type.Optional(
      Type.Object(
        { code: Type.String(), message: Type.String(), remedy: Type.String() },
        { description: 'Preflight extension: what failed and what to do, when status is error.' },
      ),
    ),
  },
  { additionalProperties: true },
);

/** A record as we send it (response schema; `additionalProperties` for `@odata` control data). */
export const importedIdentityResponse = Type.Object(
  {
    '@odata.context': Type.Optional(Type.String()),
    '@odata.type': Type.Optional(Type.String()),
    id: Type.Optional(Type.String()),
    groupTag: Type.Optional(Type.String()),
    serialNumber: Type.Optional(Type.String()),
    productKey: Type.Optional(Type.String()),
    importId: Type.Optional(Type.String()),
    hardwareIdentifier: Type.Optional(Type.Union([Type.Null(), Type.String()])),
    assignedUserPrincipalName: Type.Optional(Type.String()),
    state: Type.Optional(stateSchema),
  },
  { additionalProperties: true },
);

/** Properties a client may send that carry no input: control data and read-only values. */
const ignored = new Set([
  '@odata.type',
  '@odata.context',
  '@odata.etag',
  'id',
  'importId',
  'state',
]);
const inputs = new Set([
  'serialNumber',
  'productKey',
  'hardwareIdentifier',
  'groupTag',
  'orderIdentifier',
  'assignedUserPrincipalName',
]);

/** Every property of the Graph type, for `$select`. */
export const importedIdentityProperties = [
  'id',
  'groupTag',
  'serialNumber',
  'productKey',
  'importId',
  'hardwareIdentifier',
  'assignedUserPrincipalName',
  'state',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A client's record as device fields. `path` is where it sits in the request
 * (`importedWindowsAutopilotDeviceIdentities[2]`, or '' for a single POST), for messages.
 * Refuses unknown properties and a hardware identifier that is not base64, in the words
 * Graph uses (`Cannot convert the literal '…' to the expected type 'Edm.Binary'`) followed
 * by where and why.
 */
export function fromGraphImportedIdentity(body: unknown, path: string): DeviceFields {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!isRecord(body)) {
    throw new PreflightError('input.invalid', `${path || 'The body'} must be a JSON object.`, {
      field: path || 'body',
    });
  }
  const type = body['@odata.type'];
  if (type !== undefined && String(type).replace(/^#/, '') !== importedIdentityType) {
    throw new PreflightError(
      'input.invalid',
      `${at('@odata.type')}: ${JSON.stringify(type)} is not ${importedIdentityType}.`,
      { field: at('@odata.type') },
      `Send "#${importedIdentityType}" or leave @odata.type out.`,
    );
  }
  for (const [key, value] of Object.entries(body)) {
    if (!ignored.has(key) && !inputs.has(key) && value !== null) {
      throw new PreflightError(
        'input.invalid',
        `The property '${key}' does not exist on type '${importedIdentityType}'. Make sure to only use property names that are defined by the type.`,
        { field: at(key) },
        `Remove ${at(key)}; the properties are ${[...inputs].join(', ')}.`,
      );
    }
  }
  const str = (key: string): string | null => {
    const value = body[key];
    return typeof value === 'string' ? value : null;
  };
  const groupTag = str('groupTag');
  const orderIdentifier = str('orderIdentifier');
  if (groupTag && orderIdentifier && groupTag !== orderIdentifier) {
    throw new PreflightError(
      'input.invalid',
      `${at('groupTag')} ("${groupTag}") and its old name ${at('orderIdentifier')} ("${orderIdentifier}") differ.`,
      { field: at('groupTag') },
      'Send only groupTag.',
    );
  }
  const hash = str('hardwareIdentifier')?.trim() ?? '';
  if (hash !== '') {
    const decoded = decodeBase64Strict(hash);
    if (!decoded.ok) {
      const field = at('hardwareIdentifier');
      throw new PreflightError(
        'input.invalid',
        `Cannot convert the literal '${hash.slice(0, 20)}${hash.length > 20 ? '…' : ''}' to the expected type 'Edm.Binary'. ${field}: ${decoded.message}`,
        { field, position: decoded.position, problem: decoded.problem },
        'Send the hardware hash as standard base64, whole and unchanged, as Get-WindowsAutopilotInfo writes it.',
      );
    }
  }
  return {
    serialNumber: str('serialNumber'),
    productKeyId: str('productKey'),
    hardwareHash: hash === '' ? null : hash,
    groupTag: groupTag || orderIdentifier,
    assignedUser: str('assignedUserPrincipalName'),
  };
}

/** `deviceImportStatus`, `deviceErrorCode` and `deviceErrorName` of a record. */
export function importState(record: ImportedIdentityRecord): Record<string, unknown> {
  const base = { '@odata.type': 'microsoft.graph.importedWindowsAutopilotDeviceIdentityState' };
  if (record.status === null) {
    // Graph reads `unknown` while the service has not processed the record (API-FACTS §2.1).
    return {
      ...base,
      deviceImportStatus: 'unknown',
      deviceRegistrationId: '',
      deviceErrorCode: 0,
      deviceErrorName: '',
    };
  }
  if (record.status === 'registered') {
    return {
      ...base,
      deviceImportStatus: 'complete',
      deviceRegistrationId: record.deviceId ?? '',
      deviceErrorCode: 0,
      deviceErrorName: '',
    };
  }
  const number = record.referenceCode !== null ? Number(record.referenceCode) : NaN;
  return {
    ...base,
    deviceImportStatus: 'error',
    deviceRegistrationId: '',
    deviceErrorCode: Number.isInteger(number) ? number : unknownReferenceErrorCode,
    deviceErrorName: record.referenceName ?? record.code ?? 'Unknown',
    preflightError: {
      code: record.code ?? 'unknown',
      message: record.message ?? '',
      remedy: record.remedy ?? '',
    },
  };
}

/** A stored record as Graph JSON. */
export function toGraphImportedIdentity(record: ImportedIdentityRecord): Record<string, unknown> {
  return {
    '@odata.type': `#${importedIdentityType}`,
    id: record.id,
    groupTag: record.groupTag ?? '',
    serialNumber: record.serialNumber ?? '',
    productKey: record.productKeyId ?? '',
    importId: record.batchId,
    hardwareIdentifier: record.hardwareHash,
    assignedUserPrincipalName: record.assignedUser ?? '',
    state: importState(record),
  };
}
