/**
 * Per-value checks of one row (serial, product key id, group tag, assigned user, and the
 * checks every value gets), turning the domain's findings into located issues. Each
 * returns false when the value is refused, so later checks can skip it.
 * @module
 */
import { checkGroupTag, GROUP_TAG_MAX_LENGTH } from '../domain/group-tag.js';
import type { DecodedHardwareHash } from '../domain/hardware-hash.js';
import { checkProductKeyId, PRODUCT_KEY_ID_LENGTH } from '../domain/product-key-id.js';
import { checkSerialNumber, SERIAL_NUMBER_MAX_LENGTH } from '../domain/serial-number.js';
import { checkUserPrincipalName } from '../domain/user-principal-name.js';
import { csvIssue, type CsvIssue, type IssueCode } from './diagnostics.js';
import type { DeviceField } from './layouts.js';
import type { RowPlace } from './row-place.js';
import { serialFromHashHint } from './validate-hash.js';

// eslint-disable-next-line no-control-regex -- control characters are what we look for
const CONTROL = /[\u0000-\u001f\u007f]/;
const TEMPLATE_PLACEHOLDER = /^<[^<>]*>$/;

function push(
  issues: CsvIssue[],
  code: IssueCode,
  place: RowPlace,
  field: DeviceField,
  message: string,
  hint?: string,
): void {
  issues.push(csvIssue(code, place.line(field), place.column(field), message, hint));
}

/**
 * Checks every non-empty value gets: template placeholders, undecodable bytes, control
 * characters, and characters the reference's unquoted format cannot hold.
 */
export function checkAnyValue(
  field: DeviceField,
  value: string,
  place: RowPlace,
  issues: CsvIssue[],
): boolean {
  if (value.charCodeAt(0) === 60 /* < */ && TEMPLATE_PLACEHOLDER.test(value)) {
    push(
      issues,
      'csv.value.placeholder',
      place,
      field,
      `"${value}" is a template placeholder, not a value.`,
    );
    return false;
  }
  const replacement = value.indexOf('\ufffd');
  if (replacement >= 0) {
    push(
      issues,
      'csv.value.undecodable',
      place,
      field,
      `The value contains bytes that are not valid in the file's encoding (shown as "\ufffd" at character ${replacement + 1}).`,
    );
    return false;
  }
  // The hash has its own, more precise, whitespace check.
  if (field === 'hardwareHash') {
    return true;
  }
  const control = CONTROL.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    push(
      issues,
      'csv.value.control_character',
      place,
      field,
      `The value contains the control character U+${code} at character ${control.index + 1}.`,
    );
    return false;
  }
  if (field !== 'groupTag' && (value.includes(',') || value.includes('"'))) {
    push(
      issues,
      'csv.value.needs_quotes',
      place,
      field,
      `The value "${value}" contains a comma or a quote.`,
    );
  }
  return true;
}

/** Serial number rules; `raw` is the value before trimming. */
export function checkSerialValue(
  raw: string,
  value: string,
  place: RowPlace,
  issues: CsvIssue[],
  hash: DecodedHardwareHash | null,
): boolean {
  const field = 'serialNumber';
  if (raw !== value) {
    push(
      issues,
      'csv.serial.trimmed',
      place,
      field,
      `Spaces around the serial number "${value}" were removed.`,
    );
  }
  let accepted = true;
  for (const problem of checkSerialNumber(value)) {
    switch (problem) {
      case 'too_long':
        push(
          issues,
          'csv.serial.too_long',
          place,
          field,
          `The serial number is ${value.length} characters long (at most ${SERIAL_NUMBER_MAX_LENGTH}): it is another value in the wrong column.`,
        );
        return false;
      case 'excel_scientific':
        push(
          issues,
          'csv.serial.excel_scientific',
          place,
          field,
          `The serial number "${value}" is in scientific notation: Excel converted it and digits are lost.`,
          serialFromHashHint(hash) ?? undefined,
        );
        accepted = false;
        break;
      case 'placeholder':
        push(
          issues,
          'csv.serial.placeholder',
          place,
          field,
          `The serial number "${value}" is a firmware placeholder that many devices share.`,
        );
        break;
      case 'dot':
        push(
          issues,
          'csv.serial.dot',
          place,
          field,
          `The serial number "${value}" contains a dot.`,
        );
        break;
      case 'non_ascii':
        push(
          issues,
          'csv.serial.non_ascii',
          place,
          field,
          `The serial number "${value}" contains non-ASCII characters.`,
        );
        break;
    }
  }
  return accepted;
}

/** Product key id rules. */
export function checkProductKeyIdValue(
  value: string,
  place: RowPlace,
  issues: CsvIssue[],
): boolean {
  const problem = checkProductKeyId(value);
  if (!problem) {
    return true;
  }
  const field = 'productKeyId';
  switch (problem.kind) {
    case 'product_id_shape':
      push(
        issues,
        'csv.pkid.product_id',
        place,
        field,
        `"${value}" is a Windows product ID (the shape System properties shows), not the ${PRODUCT_KEY_ID_LENGTH}-digit product key id.`,
      );
      break;
    case 'excel_scientific':
      push(
        issues,
        'csv.pkid.excel_scientific',
        place,
        field,
        `The product key id "${value}" is in scientific notation: digits are lost.`,
      );
      break;
    case 'not_digits':
      push(
        issues,
        'csv.pkid.not_digits',
        place,
        field,
        `The product key id "${value}" contains "${problem.character}"; it must be ${PRODUCT_KEY_ID_LENGTH} digits.`,
      );
      break;
    case 'length':
      push(
        issues,
        'csv.pkid.length',
        place,
        field,
        `The product key id "${value}" has ${problem.length} digits; it must have ${PRODUCT_KEY_ID_LENGTH}.`,
      );
      break;
  }
  return false;
}

/** Group tag rules on the value as written (untrimmed). */
export function checkGroupTagValue(
  raw: string,
  value: string,
  place: RowPlace,
  issues: CsvIssue[],
): boolean {
  const field = 'groupTag';
  let accepted = true;
  for (const problem of checkGroupTag(raw)) {
    switch (problem) {
      case 'too_long':
        push(
          issues,
          'csv.group_tag.too_long',
          place,
          field,
          `The group tag is ${value.length} characters long; at most ${GROUP_TAG_MAX_LENGTH} are accepted.`,
        );
        accepted = false;
        break;
      case 'surrounding_whitespace':
        push(
          issues,
          'csv.group_tag.trimmed',
          place,
          field,
          `Spaces around the group tag "${value}" were removed.`,
        );
        break;
      case 'rule_character':
        push(
          issues,
          'csv.group_tag.rule_character',
          place,
          field,
          `The group tag "${value}" contains a double quote or comma.`,
        );
        break;
      case 'control_character':
        // Already reported by checkAnyValue.
        break;
    }
  }
  return accepted;
}

/** Assigned user rules. */
export function checkAssignedUserValue(
  value: string,
  place: RowPlace,
  issues: CsvIssue[],
): boolean {
  const problem = checkUserPrincipalName(value);
  if (!problem) {
    return true;
  }
  const field = 'assignedUser';
  if (problem.kind === 'too_long') {
    push(
      issues,
      'csv.assigned_user.too_long',
      place,
      field,
      `The assigned user "${value}" is ${problem.length} characters long.`,
    );
    return false;
  }
  const why =
    problem.kind === 'shape'
      ? 'it is not of the form name@domain'
      : problem.kind === 'character'
        ? `"${problem.character}" cannot appear before the @`
        : 'the part after @ is not a domain name such as contoso.com';
  push(
    issues,
    'csv.assigned_user.invalid',
    place,
    field,
    `The assigned user "${value}" is not a user principal name: ${why}.`,
  );
  return false;
}
