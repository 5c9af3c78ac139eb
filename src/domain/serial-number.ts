/**
 * Quality rules for device serial numbers (SMBIOS Type 1 "Serial Number"). A serial is
 * one third of the tuple the reference matches devices by, so placeholders and values
 * damaged by spreadsheets break registration. Real shapes seen in the corpus: Lenovo
 * `PF5NRH33`, HP `5CG1457YL8`, Surface `016520771357` (leading zero matters), Hyper-V
 * `4895-7167-4584-3623-0974-4308-48`, VMware `VMware-56 4d 8d … 5a 41` (spaces, 55 chars).
 * @module
 */

/**
 * Longest serial accepted. The reference documents no limit; real serials are at most
 * ~55 characters (VMware). Anything far longer is another column's value (often a whole
 * hash pasted into the serial column), so 128 leaves room and still catches that.
 */
export const SERIAL_NUMBER_MAX_LENGTH = 128;

/** Something wrong or risky about a serial number. */
export type SerialNumberProblem =
  /** A firmware default that many devices share ("To be filled by O.E.M.", "0", …). */
  | 'placeholder'
  /** Excel turned a numeric serial into scientific notation (`1.65208E+10`): digits are lost. */
  | 'excel_scientific'
  /** A dot: uploads with dotted serials failed in Intune (MicrosoftDocs/IntuneDocs#1190). */
  | 'dot'
  | 'too_long'
  /** SMBIOS strings are ASCII; anything else is usually encoding damage. */
  | 'non_ascii';

/** Firmware defaults, compared case-insensitively after trimming. */
const PLACEHOLDERS = new Set(
  [
    'Default string',
    'Default',
    'To be filled by O.E.M.',
    'To be filled by OEM',
    'O.E.M.',
    'OEM',
    'System Serial Number',
    'Chassis Serial Number',
    'Base Board Serial Number',
    'Serial Number',
    'Serial',
    'SN',
    'None',
    'N/A',
    'NA',
    'Not Applicable',
    'Not Specified',
    'Not Available',
    'Unknown',
    'Invalid',
    'Null',
    'Empty',
    '0',
    '123456789',
    '1234567890',
    '0123456789',
    '12345678',
    'SMBIOS_STRING_INDEX_0',
  ].map((value) => value.toLowerCase()),
);

/** `1.65208E+10`, `1E+11`: how Excel displays, and then saves, long numbers. */
const EXCEL_SCIENTIFIC = /^\d(?:[.,]\d+)?E\+\d{1,3}$/i;

/**
 * True for firmware defaults and filler: the list above, `SMBIOS_STRING_INDEX_n`, and one
 * character repeated four or more times (`0000000`, `FFFFFFFF`, `XXXXXXXX`).
 */
export function isPlaceholderSerialNumber(serial: string): boolean {
  const value = serial.trim().toLowerCase();
  return (
    PLACEHOLDERS.has(value) || /^smbios_string_index_\d+$/.test(value) || /^(.)\1{3,}$/.test(value)
  );
}

/** Problems of a non-empty, trimmed serial number, most serious first. */
export function checkSerialNumber(serial: string): SerialNumberProblem[] {
  const problems: SerialNumberProblem[] = [];
  if (serial.length > SERIAL_NUMBER_MAX_LENGTH) {
    problems.push('too_long');
  }
  if (EXCEL_SCIENTIFIC.test(serial)) {
    problems.push('excel_scientific');
  } else if (isPlaceholderSerialNumber(serial)) {
    problems.push('placeholder');
  } else if (serial.includes('.')) {
    problems.push('dot');
  }
  if (/[^\x20-\x7e]/.test(serial)) {
    problems.push('non_ascii');
  }
  return problems;
}

/**
 * True when `damaged` is `original` without its leading zeros, as Excel saves a numeric
 * column (Surface serials such as `016520771357` start with 0).
 */
export function lostLeadingZeros(damaged: string, original: string): boolean {
  return damaged !== original && /^0+\d/.test(original) && original.replace(/^0+/, '') === damaged;
}
