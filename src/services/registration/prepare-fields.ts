import { hashKeyOf, hashTupleKey, tupleKeyOf } from '../../domain/device.js';
import { checkGroupTag, GROUP_TAG_MAX_LENGTH } from '../../domain/group-tag.js';
import { decodeHardwareHash, type DecodedHardwareHash } from '../../domain/hardware-hash.js';
import { checkProductKeyId, PRODUCT_KEY_ID_LENGTH } from '../../domain/product-key-id.js';
import type { RowIssue } from '../../domain/registration-outcome.js';
import { checkSerialNumber } from '../../domain/serial-number.js';
import { checkUserPrincipalName } from '../../domain/user-principal-name.js';
import type { PreparedRow } from './prepared-row.js';

/** Device values as an API payload carries them. */
export interface DeviceFields {
  readonly serialNumber?: string | null | undefined;
  readonly productKeyId?: string | null | undefined;
  readonly hardwareHash?: string | null | undefined;
  readonly manufacturer?: string | null | undefined;
  readonly model?: string | null | undefined;
  readonly groupTag?: string | null | undefined;
  readonly purchaseOrderId?: string | null | undefined;
  readonly assignedUser?: string | null | undefined;
}

/** How a source names each field in its messages (JSON property, CSV column, …). */
export type FieldNames = Readonly<Record<keyof DeviceFields, string>>;

/** The field names of Preflight's own JSON. */
export const jsonFieldNames: FieldNames = {
  serialNumber: 'serialNumber',
  productKeyId: 'productKey',
  hardwareHash: 'hardwareHash',
  manufacturer: 'manufacturer',
  model: 'model',
  groupTag: 'groupTag',
  purchaseOrderId: 'purchaseOrderId',
  assignedUser: 'assignedUser',
};

const clean = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

/**
 * Validates one device given as fields (API payloads) and derives its identity keys.
 * The identification combinations are the reference's: hash alone, hash + serial, hash +
 * product key, hash + product key + serial, product key alone, or serial + manufacturer
 * + model (Partner Center `DeviceBatchCreationRequest`).
 */
export function prepareFields(
  fields: DeviceFields,
  options: { line?: number | null; batchGroupTag?: string | null; names?: FieldNames } = {},
): PreparedRow {
  const names = options.names ?? jsonFieldNames;
  const issues: RowIssue[] = [];
  const error = (field: keyof DeviceFields | null, code: string, message: string, hint: string) =>
    issues.push({ severity: 'error', code, field: field && names[field], message, hint });
  const warn = (field: keyof DeviceFields | null, code: string, message: string, hint: string) =>
    issues.push({ severity: 'warning', code, field: field && names[field], message, hint });

  const serialNumber = clean(fields.serialNumber);
  const productKeyId = clean(fields.productKeyId);
  const manufacturer = clean(fields.manufacturer);
  const model = clean(fields.model);
  const purchaseOrderId = clean(fields.purchaseOrderId);
  const assignedUser = clean(fields.assignedUser);
  // The tag is kept exactly as given (spaces included): matching is exact, so a changed
  // tag would be a silent change of meaning. Surrounding spaces get a warning instead.
  const rawTag = fields.groupTag ?? null;
  const groupTag =
    rawTag !== null && rawTag.trim() !== '' ? rawTag : (options.batchGroupTag ?? null);

  let decoded: DecodedHardwareHash | null = null;
  const hashText = clean(fields.hardwareHash);
  if (hashText !== null) {
    const result = decodeHardwareHash(hashText);
    if (result.ok) {
      decoded = result;
    } else {
      error(
        'hardwareHash',
        'device.invalid_hash',
        result.message,
        'Collect the hash again and copy it whole.',
      );
    }
  }

  if (productKeyId !== null) {
    const problem = checkProductKeyId(productKeyId);
    if (problem) {
      error(
        'productKeyId',
        'device.invalid_input',
        problem.kind === 'product_id_shape'
          ? `"${productKeyId}" is a Windows product ID, not a product key ID.`
          : `The product key ID must be ${PRODUCT_KEY_ID_LENGTH} digits.`,
        'Use the 13-digit product key ID printed on the box, or leave it empty.',
      );
    }
  }
  if (serialNumber !== null) {
    for (const problem of checkSerialNumber(serialNumber)) {
      if (problem === 'too_long') {
        error(
          'serialNumber',
          'device.invalid_input',
          'The serial number is too long.',
          'Check that the columns are not shifted.',
        );
      } else {
        warn(
          'serialNumber',
          `serial.${problem}`,
          serialWarning(problem, serialNumber),
          'Check the serial number against the device.',
        );
      }
    }
  }
  if (groupTag !== null) {
    for (const problem of checkGroupTag(groupTag)) {
      if (problem === 'surrounding_whitespace') {
        warn(
          'groupTag',
          'tag.whitespace',
          `The group tag "${groupTag}" has spaces around it; tags match exactly.`,
          'Remove the spaces unless the rule has them too.',
        );
      } else {
        error(
          'groupTag',
          'device.invalid_input',
          problem === 'too_long'
            ? `The group tag is longer than ${GROUP_TAG_MAX_LENGTH} characters.`
            : problem === 'control_character'
              ? 'The group tag contains control characters.'
              : 'The group tag contains a double quote or a comma.',
          'Use letters, digits, spaces, - and _ only.',
        );
      }
    }
  }
  if (assignedUser !== null && checkUserPrincipalName(assignedUser)) {
    error(
      'assignedUser',
      'device.invalid_input',
      `"${assignedUser}" is not a user principal name.`,
      'Give the user as name@domain, or leave it empty.',
    );
  }

  if (
    decoded &&
    serialNumber !== null &&
    decoded.serialNumber !== null &&
    decoded.serialNumber !== serialNumber
  ) {
    warn(
      'serialNumber',
      'serial.hash_mismatch',
      `The serial number differs from the one inside the hardware hash (${decoded.serialNumber}).`,
      'Check that the hash and the serial come from the same device.',
    );
  }

  const hasHash = hashText !== null;
  const hasTuple = serialNumber !== null && manufacturer !== null && model !== null;
  if (!hasHash && productKeyId === null && !hasTuple) {
    const tuple = { serialNumber, manufacturer, model };
    const missing = (['serialNumber', 'manufacturer', 'model'] as const).filter(
      (k) => tuple[k] === null,
    );
    // A partly filled tuple names its first missing column; an empty row names the hash.
    const partial = missing.length < 3;
    error(
      partial ? missing[0]! : 'hardwareHash',
      'device.missing_identifiers',
      partial
        ? `Missing ${missing.map((k) => names[k]).join(', ')}: a device without a hash or product key needs serial number, manufacturer and model.`
        : 'The row has no hardware hash, product key ID or serial number + manufacturer + model.',
      'Give a hardware hash, a product key ID, or serial number + manufacturer + model.',
    );
  }

  const tupleKey =
    tupleKeyOf(manufacturer, model, serialNumber) ?? (decoded ? hashTupleKey(decoded) : null);
  return {
    line: options.line ?? null,
    serialNumber,
    productKeyId,
    hardwareHash: decoded?.text ?? hashText,
    hashDigest: decoded ? hashKeyOf(decoded) : null,
    manufacturer,
    model,
    tupleKey,
    groupTag,
    purchaseOrderId,
    assignedUser,
    issues,
  };
}

function serialWarning(problem: string, serial: string): string {
  switch (problem) {
    case 'placeholder':
      return `"${serial}" is a firmware placeholder shared by many devices, not a real serial number.`;
    case 'excel_scientific':
      return `"${serial}" looks like a number Excel rewrote in scientific notation; digits are lost.`;
    case 'dot':
      return `The serial number "${serial}" contains a dot, which the reference rejects.`;
    default:
      return `The serial number "${serial}" contains characters outside ASCII.`;
  }
}
