/**
 * Hardware-hash checks of one row: the decoder's verdict as a located issue, and the
 * row's own serial, manufacturer, model and PKID compared with what the hash says.
 * @module
 */
import {
  decodeHardwareHash,
  type DecodedHardwareHash,
  type HardwareHashFailure,
} from '../domain/hardware-hash.js';
import { MODERN_HASH_CHARS } from '../domain/hardware-hash.format.js';
import { isPlaceholderSerialNumber, lostLeadingZeros } from '../domain/serial-number.js';
import { csvIssue, type CsvIssue, type IssueCode } from './diagnostics.js';
import type { CsvRepair } from './model.js';
import type { RowPlace } from './row-place.js';

/** Decodes the row's hash; on failure pushes the issue and returns null. */
export function checkRowHash(
  text: string,
  place: RowPlace,
  issues: CsvIssue[],
  repairs: CsvRepair[],
): DecodedHardwareHash | null {
  const result = decodeHardwareHash(text);
  if (!result.ok) {
    issues.push(
      hashFailureIssue(
        result,
        text.length,
        place.line('hardwareHash'),
        place.column('hardwareHash'),
      ),
    );
    return null;
  }
  if (result.repadded) {
    issues.push(
      csvIssue(
        'csv.hash.unpadded',
        place.line('hardwareHash'),
        place.column('hardwareHash'),
        `The hardware hash is ${text.length} characters long without its "=" padding; the reference refuses it, Preflight pads it.`,
      ),
    );
    repairs.push({
      field: 'hardwareHash',
      value: result.text,
      reason: 'hardware hash padded with "="',
    });
  }
  return result;
}

function hashFailureIssue(
  failure: HardwareHashFailure,
  length: number,
  line: number,
  column: string | null,
): CsvIssue {
  const size = `(${length} characters; complete hashes have ${MODERN_HASH_CHARS})`;
  switch (failure.check) {
    case 'empty':
    case 'base64': {
      const code: IssueCode =
        failure.base64Problem === 'whitespace'
          ? 'csv.hash.whitespace'
          : failure.base64Problem === 'url-safe'
            ? 'csv.hash.url_safe'
            : 'csv.hash.not_base64';
      return csvIssue(code, line, column, failure.message);
    }
    case 'signature':
      return csvIssue(
        'csv.hash.signature',
        line,
        column,
        failure.message,
        failure.doubleEncoded
          ? 'Decode the value from base64 once and use the result, or copy the hash from the original export.'
          : undefined,
      );
    case 'length':
      return csvIssue('csv.hash.length_field', line, column, failure.message);
    case 'truncated':
      return csvIssue('csv.hash.truncated', line, column, `${failure.message} ${size}`);
    case 'records':
      return csvIssue('csv.hash.records', line, column, failure.message);
    case 'trailer':
      return csvIssue('csv.hash.trailer', line, column, failure.message);
    case 'checksum':
      return csvIssue('csv.hash.checksum_mismatch', line, column, failure.message);
  }
}

/** The row's values next to the hash's: mismatches are warnings (a copy/paste mix-up). */
export interface RowIdentity {
  readonly serialNumber: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly productKeyId: string;
  /** The serial was already refused (e.g. Excel notation): only enrich its hint. */
  readonly serialRefused: boolean;
  readonly pkidRefused: boolean;
  /** The layout has a serial column (fix can fill it). */
  readonly hasSerialColumn: boolean;
}

/** Compares row values with the hash; proposes repairs `fix` may apply. */
export function compareWithHash(
  hash: DecodedHardwareHash,
  row: RowIdentity,
  place: RowPlace,
  issues: CsvIssue[],
  repairs: CsvRepair[],
): void {
  const hashSerial = hash.serialNumber?.trim() ?? '';
  if (
    row.serialNumber === '' ||
    (hashSerial !== '' && row.serialNumber !== hashSerial && !row.serialRefused)
  ) {
    compareSerial(hashSerial, row, place, issues, repairs);
  }
  mismatch(
    'csv.hash.manufacturer_mismatch',
    'manufacturer',
    row.manufacturer,
    hash.manufacturer,
    place,
    issues,
  );
  mismatch('csv.hash.model_mismatch', 'model', row.model, hash.model, place, issues);
  if (!row.pkidRefused) {
    mismatch(
      'csv.hash.product_key_id_mismatch',
      'productKeyId',
      row.productKeyId,
      hash.productKeyId,
      place,
      issues,
    );
  }
}

/** An empty serial, or one that differs from the hash's. */
function compareSerial(
  hashSerial: string,
  row: RowIdentity,
  place: RowPlace,
  issues: CsvIssue[],
  repairs: CsvRepair[],
): void {
  const usable = hashSerial !== '' && !isPlaceholderSerialNumber(hashSerial);
  const line = place.line('serialNumber');
  const column = place.column('serialNumber');
  if (row.serialNumber === '') {
    if (usable) {
      issues.push(
        csvIssue(
          'csv.serial.empty',
          line,
          column,
          `The serial number is empty; the hardware hash holds "${hashSerial}".`,
          'Run `preflight csv fix FILE -o OUT` to fill it in from the hash, or type it in.',
        ),
      );
      if (row.hasSerialColumn) {
        repairs.push({
          field: 'serialNumber',
          value: hashSerial,
          reason: `serial number "${hashSerial}" filled in from the hardware hash`,
        });
      }
    } else if (row.hasSerialColumn) {
      issues.push(
        csvIssue(
          'csv.serial.empty',
          line,
          column,
          `The serial number is empty, and the hardware hash holds none either (${hashSerial ? `"${hashSerial}"` : 'no serial record'}): the device's firmware has no serial, as is common on virtual machines.`,
          "The hash alone is enough to register; for serial-based matching, set a serial in the hypervisor's SMBIOS settings and harvest again.",
        ),
      );
    }
    return;
  }
  if (!usable) {
    return;
  }
  if (lostLeadingZeros(row.serialNumber, hashSerial)) {
    issues.push(
      csvIssue(
        'csv.serial.leading_zeros_lost',
        line,
        column,
        `The serial number "${row.serialNumber}" lost its leading zeros: the hardware hash holds "${hashSerial}".`,
      ),
    );
    repairs.push({
      field: 'serialNumber',
      value: hashSerial,
      reason: `leading zeros of serial "${hashSerial}" restored from the hardware hash`,
    });
  } else {
    issues.push(
      csvIssue(
        'csv.hash.serial_mismatch',
        line,
        column,
        `The serial number "${row.serialNumber}" differs from the one in the hardware hash ("${hashSerial}").`,
      ),
    );
  }
}

const WHAT: Record<'manufacturer' | 'model' | 'productKeyId', string> = {
  manufacturer: 'manufacturer',
  model: 'model',
  productKeyId: 'product key id',
};

function mismatch(
  code: IssueCode,
  field: 'manufacturer' | 'model' | 'productKeyId',
  value: string,
  inHash: string | null,
  place: RowPlace,
  issues: CsvIssue[],
): void {
  if (value === '' || inHash === null) {
    return;
  }
  const expected = inHash.trim();
  if (expected !== '' && value !== expected) {
    issues.push(
      csvIssue(
        code,
        place.line(field),
        place.column(field),
        `The ${WHAT[field]} "${value}" differs from the one in the hardware hash ("${expected}").`,
      ),
    );
  }
}

/** A hint naming the serial the hash holds, for a serial Excel damaged. */
export function serialFromHashHint(hash: DecodedHardwareHash | null): string | null {
  const serial = hash?.serialNumber?.trim();
  return serial && !isPlaceholderSerialNumber(serial)
    ? `The hardware hash holds the serial "${serial}"; put it back (in Excel, import the column as Text).`
    : null;
}
