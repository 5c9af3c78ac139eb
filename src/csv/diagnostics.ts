/**
 * The catalogue of every issue the CSV intake reports. Codes are stable dotted strings the
 * portal, the API and scripts can branch on; severities never change per occurrence, so
 * "has errors" means the same everywhere. docs/csv.md lists them for users (a test keeps
 * it complete).
 * @module
 */

/** `error`: the row (or the file) is not imported. `warning`: imported, but look at it. */
export type Severity = 'error' | 'warning';

interface CatalogueEntry {
  readonly severity: Severity;
  /** One line: what the code means (used in docs and as a fallback message). */
  readonly meaning: string;
  /** Default advice; an issue may carry a more specific one. */
  readonly hint: string;
}

const FIX = 'Run `preflight csv fix FILE -o OUT` to write a corrected file.';

/** Every issue code with its fixed severity, meaning and default hint. */
export const issueCatalogue = {
  // The file as a whole.
  'csv.file.empty': {
    severity: 'error',
    meaning: 'The file is empty.',
    hint: 'Export the device list again: a header line, then one line per device.',
  },
  'csv.file.not_text': {
    severity: 'error',
    meaning: 'The file is not text (an Excel workbook or another binary file).',
    hint: 'In Excel use File › Save As › "CSV UTF-8 (Comma delimited)", or export again with Get-WindowsAutopilotInfo.',
  },
  'csv.file.no_devices': {
    severity: 'error',
    meaning: 'The file has a header but no device lines.',
    hint: 'Add one line per device below the header.',
  },
  'csv.file.over_reference_limit': {
    severity: 'warning',
    meaning:
      'More devices than the reference accepts in one file (Intune 500, Partner Center 1000).',
    hint: 'Preflight registers them all; split the file only if you also upload it to the reference directly.',
  },
  'csv.file.issues_truncated': {
    severity: 'warning',
    meaning: 'Too many issues to list; the rest were counted but not listed.',
    hint: 'Fix the issues listed and check again.',
  },
  // Encoding and dialect.
  'csv.dialect.delimiter': {
    severity: 'warning',
    meaning:
      'Fields are separated by semicolons or tabs, not commas (a spreadsheet export in a European locale).',
    hint: `The reference only reads commas. ${FIX}`,
  },
  'csv.dialect.quotes': {
    severity: 'warning',
    meaning: 'The file uses quotation marks, which the reference import rejects.',
    hint: `Preflight reads them. ${FIX}`,
  },
  'csv.dialect.sep_line': {
    severity: 'warning',
    meaning: 'Line 1 is Excel\'s "sep=" directive, which the reference reads as a broken header.',
    hint: `Delete line 1. ${FIX}`,
  },
  // The header line.
  'csv.header.missing': {
    severity: 'error',
    meaning: 'The first line holds device data, not a header.',
    hint: 'Insert a header line such as "Device Serial Number,Windows Product ID,Hardware Hash" (`preflight csv sample` prints one).',
  },
  'csv.header.unrecognized': {
    severity: 'error',
    meaning:
      'The first line is not the header of a device list: none of its names is a known column.',
    hint: 'Use the header of the Intune, Partner Center or Managed Desktop layout (`preflight csv sample --layout …` prints each).',
  },
  'csv.header.device_export': {
    severity: 'error',
    meaning:
      'This is an Autopilot devices export (displayName, serialNumber, enrolmentState…), not a device list to import.',
    hint: 'Harvest the hardware hash with Get-WindowsAutopilotInfo, or start from `preflight csv sample`.',
  },
  'csv.header.not_first_line': {
    severity: 'error',
    meaning:
      'The header is not on line 1: lines above it hold other text (for example a report title).',
    hint: `Delete the lines above the header. ${FIX}`,
  },
  'csv.header.unknown_column': {
    severity: 'error',
    meaning: 'A column that is not part of the layout holds values.',
    hint: 'Delete the column (the reference rejects extra columns), or rename it to the column it is meant to be.',
  },
  'csv.header.empty_unknown_column': {
    severity: 'warning',
    meaning: 'A column that is not part of the layout is empty; it is ignored.',
    hint: `The reference rejects extra columns, even empty ones. ${FIX}`,
  },
  'csv.header.duplicate_column': {
    severity: 'error',
    meaning: 'The same column appears twice in the header; the second one is ignored.',
    hint: 'Keep one of the two columns.',
  },
  'csv.header.missing_required_column': {
    severity: 'error',
    meaning:
      'The header lacks a column the layout cannot do without (the Intune layout needs "Hardware Hash").',
    hint: 'Add the column, or export the list again with Get-WindowsAutopilotInfo.',
  },
  'csv.header.missing_column': {
    severity: 'warning',
    meaning: 'The header lacks a column the reference expects; its values are taken as empty.',
    hint: `The reference rejects headers that differ from its own. ${FIX}`,
  },
  'csv.header.order': {
    severity: 'warning',
    meaning:
      "The columns are in another order than the reference's; Preflight reads them by name, the reference would reject the file.",
    hint: FIX,
  },
  'csv.header.spelling': {
    severity: 'warning',
    meaning:
      "A column header differs from the reference's spelling (case, spaces, or an older alias such as OrderID).",
    hint: `Intune treats headers as case-sensitive. ${FIX}`,
  },
  // A row as a whole.
  'csv.row.too_many_fields': {
    severity: 'error',
    meaning:
      'The line has more fields than the header has names: a value contains an unquoted delimiter.',
    hint: 'Put the value in double quotes ("VMware, Inc.") or remove the comma from it.',
  },
  'csv.row.extra_empty_fields': {
    severity: 'warning',
    meaning: 'Lines end with empty fields beyond the header (a trailing comma); they are ignored.',
    hint: FIX,
  },
  'csv.row.missing_fields': {
    severity: 'warning',
    meaning: 'The line has fewer fields than the header; the missing ones are taken as empty.',
    hint: 'Check that the line was not cut or broken in two.',
  },
  'csv.row.quote_malformed': {
    severity: 'error',
    meaning:
      'A quoted field is not closed properly: a closing quote must be followed by the delimiter or the end of the line.',
    hint: 'Inside a quoted value write a quote as two quotes (""), or remove the quotes.',
  },
  'csv.row.quote_unterminated': {
    severity: 'error',
    meaning: 'A quoted field opened on this line is never closed.',
    hint: 'Add the closing quote, or remove the opening one.',
  },
  'csv.row.too_long': {
    severity: 'error',
    meaning: 'The line is far longer than any device line (over 65,536 characters).',
    hint: 'Check that the line breaks between devices were not lost.',
  },
  'csv.row.free_text': {
    severity: 'error',
    meaning:
      'The line is explanatory text, not a device (for example a template\'s "SAMPLE EXPLAINED" notes).',
    hint: 'Delete the line.',
  },
  'csv.row.missing_hash': {
    severity: 'error',
    meaning: 'The hardware hash is empty; the Intune layout needs it for every device.',
    hint: 'Harvest the hash with Get-WindowsAutopilotInfo, or register by product key id or by manufacturer + model + serial in the Partner Center layout (`preflight csv fix --layout partner-center`).',
  },
  'csv.row.no_identifier': {
    severity: 'error',
    meaning:
      'The line identifies no device: it has no hardware hash, no product key id and no manufacturer + model + serial.',
    hint: 'Fill in the hardware hash, the product key id, or manufacturer, model and serial number.',
  },
  'csv.row.incomplete_tuple': {
    severity: 'error',
    meaning:
      'Without a hash or product key id a device is identified by manufacturer + model + serial together, and one of them is missing.',
    hint: 'Fill in the missing value exactly as the manufacturer reports it (the match is case-sensitive), or add the hardware hash.',
  },
  // Any value.
  'csv.value.placeholder': {
    severity: 'error',
    meaning: 'The value is a template placeholder such as <serialNumber>, not data.',
    hint: "Replace it with the device's value, or leave the field empty.",
  },
  'csv.value.control_character': {
    severity: 'error',
    meaning: 'The value contains a control character (tab, line break, NUL…).',
    hint: 'Remove the character; it usually comes from copy and paste.',
  },
  'csv.value.undecodable': {
    severity: 'error',
    meaning: "The value contains bytes that are not valid in the file's encoding (shown as �).",
    hint: 'Save the file again as UTF-8 and check again.',
  },
  'csv.value.needs_quotes': {
    severity: 'warning',
    meaning:
      "The value contains a comma or a quote, which the reference's unquoted format cannot hold.",
    hint: 'Preflight reads it; a file for the reference would need the value changed.',
  },
  // Hardware hash.
  'csv.hash.whitespace': {
    severity: 'error',
    meaning:
      'The hardware hash contains a space or line break (mail clients and editors wrap long lines).',
    hint: 'Copy the hash again as one unbroken line, or remove the spaces and line breaks.',
  },
  'csv.hash.url_safe': {
    severity: 'error',
    meaning: 'The hardware hash uses the URL-safe base64 alphabet (- and _); hashes use + and /.',
    hint: 'Copy the hash from the original export; a tool converted it.',
  },
  'csv.hash.not_base64': {
    severity: 'error',
    meaning:
      'The hardware hash is not valid base64 (a stray character, a misplaced "=", or a character missing).',
    hint: 'Copy the hash again from the original export.',
  },
  'csv.hash.unpadded': {
    severity: 'warning',
    meaning:
      'The hardware hash lacks its "=" padding, which the reference refuses ("Edm.Binary" error).',
    hint: `Preflight pads it. ${FIX}`,
  },
  'csv.hash.signature': {
    severity: 'error',
    meaning:
      'The value decodes as base64 but is not a hardware hash (real hashes start with "T0").',
    hint: 'Check that the Hardware Hash column holds the hash and nothing else.',
  },
  'csv.hash.length_field': {
    severity: 'error',
    meaning: "The hardware hash's internal length field is impossible: the hash is damaged.",
    hint: 'Harvest the hash again, or copy it again from the original export.',
  },
  'csv.hash.truncated': {
    severity: 'error',
    meaning: 'The hardware hash is cut short: its structure ends before its checksum.',
    hint: 'Copy the whole hash (4000 characters on current Windows) from the original export.',
  },
  'csv.hash.records': {
    severity: 'error',
    meaning: "The hardware hash's records do not fit together: the hash is damaged.",
    hint: 'Harvest the hash again, or copy it again from the original export.',
  },
  'csv.hash.trailer': {
    severity: 'error',
    meaning: 'The hardware hash has no checksum trailer where it should: the hash is damaged.',
    hint: 'Harvest the hash again, or copy it again from the original export.',
  },
  'csv.hash.checksum_mismatch': {
    severity: 'error',
    meaning: 'The hardware hash does not match its own SHA-256 checksum: it was edited or damaged.',
    hint: 'Harvest the hash again, or copy it again from the original export.',
  },
  'csv.hash.serial_mismatch': {
    severity: 'warning',
    meaning:
      'The serial number differs from the one inside the hardware hash: possibly a row mix-up.',
    hint: 'Check that the serial and the hash belong to the same device.',
  },
  'csv.hash.manufacturer_mismatch': {
    severity: 'warning',
    meaning:
      'The manufacturer differs from the one inside the hardware hash: possibly a row mix-up.',
    hint: 'Check that manufacturer and hash belong to the same device; the tuple match is exact and case-sensitive.',
  },
  'csv.hash.model_mismatch': {
    severity: 'warning',
    meaning: 'The model differs from the one inside the hardware hash: possibly a row mix-up.',
    hint: 'Check that model and hash belong to the same device; the tuple match is exact and case-sensitive.',
  },
  'csv.hash.product_key_id_mismatch': {
    severity: 'warning',
    meaning:
      'The product key id differs from the one inside the hardware hash: possibly a row mix-up.',
    hint: 'Check that the product key id and the hash belong to the same device.',
  },
  // Serial number.
  'csv.serial.empty': {
    severity: 'warning',
    meaning: 'The serial number is empty; serial-based matching and support lookups will not work.',
    hint: 'Fill it in if the device has one.',
  },
  'csv.serial.placeholder': {
    severity: 'warning',
    meaning:
      'The serial number is a firmware placeholder ("Default string", "To be filled by O.E.M.", all zeros…) that many devices share.',
    hint: 'Use the serial printed on the device; placeholder serials break serial-based matching.',
  },
  'csv.serial.excel_scientific': {
    severity: 'error',
    meaning:
      'The serial number is in scientific notation (1.65208E+10): Excel converted it and digits are lost.',
    hint: 'Restore the serial from the original export; in Excel import the column as Text.',
  },
  'csv.serial.leading_zeros_lost': {
    severity: 'warning',
    meaning: 'The serial number lost its leading zeros (Excel saves numeric columns that way).',
    hint: `The hardware hash holds the full serial. ${FIX}`,
  },
  'csv.serial.dot': {
    severity: 'warning',
    meaning: 'The serial number contains a dot; Intune once rejected whole uploads for that.',
    hint: 'Check the serial against the device label.',
  },
  'csv.serial.too_long': {
    severity: 'error',
    meaning:
      'The serial number is longer than 128 characters: it is another value in the wrong column.',
    hint: 'Check the column order of the line.',
  },
  'csv.serial.non_ascii': {
    severity: 'warning',
    meaning: 'The serial number contains non-ASCII characters; firmware serials never do.',
    hint: "Check the file's encoding and the serial against the device label.",
  },
  'csv.serial.trimmed': {
    severity: 'warning',
    meaning: 'Spaces around the serial number were removed.',
    hint: "Preflight uses the serial without them; check that this is the device's serial.",
  },
  // Product key id.
  'csv.pkid.product_id': {
    severity: 'error',
    meaning:
      'The value is a Windows product ID (00329-00000-0003-AA606), not the 13-digit product key id (PKID).',
    hint: 'Use the 13-digit PKID (on the box barcode, or inside the hash), or leave the column empty.',
  },
  'csv.pkid.excel_scientific': {
    severity: 'error',
    meaning:
      'The product key id is in scientific notation (3.3054E+12): Excel converted it and digits are lost.',
    hint: 'Restore it from the original data; in Excel import the column as Text.',
  },
  'csv.pkid.not_digits': {
    severity: 'error',
    meaning: 'The product key id contains characters other than digits.',
    hint: 'A PKID is 13 digits; leave the column empty if you do not have it.',
  },
  'csv.pkid.length': {
    severity: 'error',
    meaning: 'The product key id does not have 13 digits.',
    hint: 'A PKID is 13 digits; check for lost leading zeros or a wrong value.',
  },
  // Group tag and assigned user.
  'csv.group_tag.too_long': {
    severity: 'error',
    meaning: 'The group tag is longer than 128 characters.',
    hint: 'Use a short tag; it is matched exactly by dynamic-group rules.',
  },
  'csv.group_tag.trimmed': {
    severity: 'warning',
    meaning: 'Spaces around the group tag were removed; tags are matched exactly.',
    hint: 'Check that the tag without the spaces is the one your profile rules expect.',
  },
  'csv.group_tag.rule_character': {
    severity: 'warning',
    meaning:
      "The group tag contains a double quote or comma, which break dynamic-group rules or the reference's CSV.",
    hint: 'Prefer letters, digits, "-" and "_" in tags.',
  },
  'csv.assigned_user.invalid': {
    severity: 'error',
    meaning: 'The assigned user is not a user principal name (name@domain).',
    hint: "Use the user's sign-in name, e.g. ada@contoso.com, or leave the field empty.",
  },
  'csv.assigned_user.too_long': {
    severity: 'error',
    meaning:
      'The assigned user is longer than Entra allows (64 characters before @, 48 after, 113 in total).',
    hint: 'Check the value; leave the field empty if unsure.',
  },
  // Duplicates inside the file.
  'csv.duplicate.hash': {
    severity: 'error',
    meaning: 'The same hardware hash appears on an earlier line.',
    hint: 'Delete one of the two lines (the reference processes only one: ZtdDeviceDuplicated).',
  },
  'csv.duplicate.device': {
    severity: 'error',
    meaning:
      'The hash belongs to the same device as an earlier line (same serial, manufacturer and model inside the hash): two harvests of one device.',
    hint: 'Keep one line per device, normally the newest harvest.',
  },
  'csv.duplicate.product_key_id': {
    severity: 'error',
    meaning: 'The same product key id appears on an earlier line.',
    hint: 'Delete one of the two lines, or correct the product key id.',
  },
  'csv.duplicate.tuple': {
    severity: 'error',
    meaning: 'The same manufacturer + model + serial appears on an earlier line.',
    hint: 'Delete one of the two lines, or correct the serial number.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** A stable issue code, such as `csv.hash.checksum_mismatch`. */
export type IssueCode = keyof typeof issueCatalogue;

/** One problem found in a file: where it is, what it is, and what to do. */
export interface CsvIssue {
  readonly severity: Severity;
  readonly code: IssueCode;
  /** Line as a text editor shows it; the header is line 1. */
  readonly line: number;
  /** Canonical column name in the file's layout, or null when the issue is not about one column. */
  readonly column: string | null;
  readonly message: string;
  readonly hint: string;
}

/** Creates an issue; severity comes from the catalogue, the hint too unless given. */
export function csvIssue(
  code: IssueCode,
  line: number,
  column: string | null,
  message: string,
  hint?: string,
): CsvIssue {
  const entry: CatalogueEntry = issueCatalogue[code];
  return { severity: entry.severity, code, line, column, message, hint: hint ?? entry.hint };
}

/** All codes, in catalogue order. */
export const issueCodes = Object.keys(issueCatalogue) as IssueCode[];

/** Orders issues by line, file-wide issues (same line) before row issues as created. */
export function byLine(a: CsvIssue, b: CsvIssue): number {
  return a.line - b.line;
}
