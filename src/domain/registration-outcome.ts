/**
 * What can happen to one row of a batch, with the reference's numbers and names where
 * the reference has them (Device Directory Service codes shared by Partner Center's
 * devicesStatus and Intune's import state; API-FACTS §2.2). Codes the reference never
 * published stay null rather than invented.
 */
export const rowFailures = {
  'device.already_registered_here': {
    referenceCode: '806',
    referenceName: 'ZtdDeviceAlreadyAssigned',
    message: 'This device is already registered to this customer.',
    remedy: 'Nothing to do: the device is registered. Change its group tag instead if needed.',
  },
  'device.registered_to_other_customer': {
    referenceCode: '808',
    referenceName: 'ZtdDeviceAssignedToOtherTenant',
    message: 'This device is registered to another organisation.',
    remedy:
      'The device must be deregistered by its current owner (or the partner who registered it) before it can be registered here.',
  },
  'device.duplicate_in_request': {
    referenceCode: null,
    referenceName: 'ZtdDeviceDuplicated',
    message: 'This device appears more than once in the batch.',
    remedy: 'Remove the repeated row; only the first one is registered.',
  },
  'device.invalid_hash': {
    referenceCode: '802',
    referenceName: 'InvalidZtdHardwareHash',
    message: 'The hardware hash is not valid.',
    remedy: 'Collect the hash again with Get-WindowsAutopilotInfo and copy it whole.',
  },
  'device.invalid_input': {
    referenceCode: null,
    referenceName: null,
    message: 'A value of this row is not valid.',
    remedy: 'Correct the value named in the message.',
  },
  'device.missing_identifiers': {
    referenceCode: null,
    referenceName: null,
    message: 'The row does not identify a device.',
    remedy:
      'Give a hardware hash, a Windows product ID, or manufacturer + model + serial number together.',
  },
  'device.tag_near_miss': {
    referenceCode: null,
    referenceName: null,
    message: 'The group tag nearly matches a profile rule (strict tags).',
    remedy:
      'Use the exact tag of the rule, or register without --strict-tags to accept the tag as is.',
  },
  'device.storage_error': {
    referenceCode: null,
    referenceName: 'StorageError',
    message: 'The service could not process this row because of a fault on its side.',
    remedy: 'Submit the row again later; if it keeps failing, tell the operator.',
  },
  'relationship.no_consent': {
    referenceCode: null,
    referenceName: null,
    message: 'The customer has not given (or has revoked) consent to register devices.',
    remedy: 'Ask the customer to accept a new invitation that grants register_devices.',
  },
} as const;

export type RowFailureCode = keyof typeof rowFailures;

/** A problem found on a row; warnings never stop a registration. */
export interface RowIssue {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  /** The field or canonical column concerned, or null for the row as a whole. */
  readonly field: string | null;
  readonly message: string;
  readonly hint: string;
}

/** The recorded outcome of one row. */
export type RowOutcome =
  | {
      readonly status: 'registered';
      readonly deviceId: string;
      readonly profileId: string | null;
      readonly warnings: readonly RowIssue[];
    }
  | {
      readonly status: 'failed';
      readonly code: RowFailureCode;
      readonly referenceCode: string | null;
      readonly referenceName: string | null;
      readonly message: string;
      readonly remedy: string;
      readonly warnings: readonly RowIssue[];
    };

/** A failed outcome with the catalogue's wording, optionally made more precise. */
export function failure(
  code: RowFailureCode,
  options: { message?: string; remedy?: string; warnings?: readonly RowIssue[] } = {},
): RowOutcome {
  const entry = rowFailures[code];
  return {
    status: 'failed',
    code,
    referenceCode: entry.referenceCode,
    referenceName: entry.referenceName,
    message: options.message ?? entry.message,
    remedy: options.remedy ?? entry.remedy,
    warnings: options.warnings ?? [],
  };
}
