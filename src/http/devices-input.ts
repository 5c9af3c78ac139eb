import { PreflightError } from '../domain/errors.js';
import {
  prepareFields,
  type DeviceFields,
  type FieldNames,
} from '../services/registration/prepare-fields.js';
import type { PreparedRow } from '../services/registration/prepared-row.js';

/** Most devices one API request may carry; more go in several requests. */
export const maxDevicesPerRequest = 10_000;

/**
 * Prepares the devices of one API request and refuses the whole request, storing nothing,
 * when any device has an input error (a hash that does not decode, no identifier, …): an
 * API caller fixes its payload and resends, where a CSV upload reports rows. Each problem
 * names the device's index in the request (`path`, e.g. `devices[3].hardwareHash`).
 */
export function prepareApiDevices(
  devices: readonly DeviceFields[],
  options: { names: FieldNames; path: string; batchGroupTag?: string | null },
): PreparedRow[] {
  if (devices.length === 0) {
    throw new PreflightError('batch.empty', 'The request carries no device.', {
      field: options.path,
    });
  }
  if (devices.length > maxDevicesPerRequest) {
    throw new PreflightError(
      'batch.too_large',
      `The request carries ${devices.length} devices; at most ${maxDevicesPerRequest} are accepted per request.`,
      { field: options.path, limit: maxDevicesPerRequest },
    );
  }
  const rows = devices.map((device) =>
    prepareFields(device, { names: options.names, batchGroupTag: options.batchGroupTag ?? null }),
  );
  const problems = rows.flatMap((row, index) =>
    row.issues
      .filter((issue) => issue.severity === 'error')
      .map((issue) => ({
        index,
        field: `${options.path}[${index}]${issue.field ? `.${issue.field}` : ''}`,
        code: issue.code,
        message: issue.message,
        hint: issue.hint,
      })),
  );
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new PreflightError(
      'input.invalid',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the devices; the first: ${first.field}: ${first.message}`,
      { field: first.field, problems: problems.slice(0, 100), totalProblems: problems.length },
      `${first.hint} Nothing was registered; fix the devices listed in details.problems and resend.`,
    );
  }
  return rows;
}
