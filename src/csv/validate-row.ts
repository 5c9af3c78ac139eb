/**
 * Validation of one device line: field count, values, the hardware hash and its agreement
 * with the row, and whether the row identifies a device in a way the reference accepts
 * (hash alone; hash + serial; hash + PKID; hash + PKID + serial; PKID alone; serial +
 * manufacturer + model — and the hash always, for Intune). Never throws. Written to
 * allocate little for clean rows: 100 000 of them must stream at disk speed.
 * @module
 */
import type { DecodedHardwareHash } from '../domain/hardware-hash.js';
import { csvIssue, type CsvIssue } from './diagnostics.js';
import type { HeaderBinding } from './header.js';
import type { DeviceField } from './layouts.js';
import type { CsvRecord, CsvRepair, DeviceValues } from './model.js';
import { RowPlace } from './row-place.js';
import type { RawRow } from './tokenizer.js';
import { checkRowHash, compareWithHash } from './validate-hash.js';
import { tooManyFieldsIssue } from './validate-shape.js';
import {
  checkAnyValue,
  checkAssignedUserValue,
  checkGroupTagValue,
  checkProductKeyIdValue,
  checkSerialValue,
} from './validate-values.js';

/** How rows of this file are judged. */
export interface RowRules {
  readonly binding: HeaderBinding;
  /** The target is the Intune layout, which needs a hash on every row. */
  readonly hashRequired: boolean;
}

/** A validated row plus what the file-level checks need from it. */
export interface RowOutcome {
  readonly record: DeviceRecord;
  /** The row had empty fields beyond the header (a trailing delimiter). */
  readonly extraEmptyFields: boolean;
  /** Positions of unknown columns that hold a value on this row. */
  readonly unknownWithValues: readonly number[];
}

const EMPTY_DEVICE: DeviceValues = Object.freeze({
  serialNumber: '',
  productKeyId: '',
  hardwareHash: '',
  manufacturer: '',
  model: '',
  groupTag: '',
  assignedUser: '',
});

const NONE: readonly never[] = Object.freeze([]);

/** A device line; `fields` is built on first use (the engine reads `device`, the CLI `fields`). */
export class DeviceRecord implements CsvRecord {
  readonly #binding: HeaderBinding | null;

  constructor(
    readonly line: number,
    readonly importable: boolean,
    readonly device: DeviceValues,
    readonly hash: DecodedHardwareHash | null,
    readonly issues: readonly CsvIssue[],
    readonly repairs: readonly CsvRepair[],
    binding: HeaderBinding | null,
  ) {
    this.#binding = binding;
  }

  get fields(): Readonly<Record<string, string>> {
    const fields: Record<string, string> = {};
    for (const column of this.#binding?.columns ?? NONE) {
      if (column) {
        fields[column.name] = this.device[column.field];
      }
    }
    return fields;
  }

  /** This record with one more issue (the duplicate check adds its own after validation). */
  with(issue: CsvIssue): DeviceRecord {
    const importable = this.importable && issue.severity !== 'error';
    return new DeviceRecord(
      this.line,
      importable,
      this.device,
      this.hash,
      [...this.issues, issue],
      this.repairs,
      this.#binding,
    );
  }

  /** Plain data for JSON (`fields` is a getter, not an own property). */
  toJSON(): CsvRecord {
    const { line, importable, fields, device, hash, issues, repairs } = this;
    return { line, importable, fields, device, hash, issues, repairs };
  }
}

/** Validates one row; null for a blank line (or a line of delimiters only). */
export function validateRow(row: RawRow, rules: RowRules): RowOutcome | null {
  const { binding } = rules;
  if (row.problem) {
    return { record: problemRecord(row), extraEmptyFields: false, unknownWithValues: NONE };
  }
  const fields = row.fields;
  let filled = 0;
  let lastFilled = '';
  for (const field of fields) {
    if (field.trim() !== '') {
      filled++;
      lastFilled = field;
    }
  }
  if (filled === 0) {
    return null;
  }
  const width = binding.cells.length;
  const issues: CsvIssue[] = [];
  let extraEmptyFields = false;
  if (fields.length > width) {
    for (let i = width; i < fields.length; i++) {
      if ((fields[i] ?? '').trim() !== '') {
        return rejected(row, binding, tooManyFieldsIssue(row, binding));
      }
    }
    extraEmptyFields = true;
  } else if (fields.length < width) {
    const firstMissing = binding.columns.slice(fields.length).find((column) => column !== null);
    issues.push(
      csvIssue(
        'csv.row.missing_fields',
        row.endLine,
        firstMissing?.name ?? null,
        `The line has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${width}; the missing ones are taken as empty.`,
      ),
    );
  }
  if (filled === 1 && isFreeText(lastFilled)) {
    return rejected(
      row,
      binding,
      csvIssue(
        'csv.row.free_text',
        row.line,
        null,
        `The line is text, not a device: "${clip(lastFilled.trim())}".`,
      ),
    );
  }
  return {
    record: validateValues(row, rules, issues),
    extraEmptyFields,
    unknownWithValues: binding.unknown.length === 0 ? NONE : unknownValues(row, binding),
  };
}

/** The cell at `position`, or '' when the layout has no such column (or the row is short). */
function cell(row: RawRow, position: number | undefined): string {
  return position === undefined ? '' : (row.fields[position] ?? '');
}

/**
 * Reads and checks the values. Written field by field, without loops over field names:
 * this runs for every row of files of 100 000 rows, and dynamic property access is slow.
 */
function validateValues(row: RawRow, rules: RowRules, issues: CsvIssue[]): DeviceRecord {
  const { binding } = rules;
  const at = binding.positions;
  const rawSerial = cell(row, at.serialNumber);
  const rawTag = cell(row, at.groupTag);
  const values = {
    serialNumber: rawSerial.trim(),
    productKeyId: cell(row, at.productKeyId).trim(),
    hardwareHash: cell(row, at.hardwareHash).trim(),
    manufacturer: cell(row, at.manufacturer).trim(),
    model: cell(row, at.model).trim(),
    groupTag: rawTag.trim(),
    assignedUser: cell(row, at.assignedUser).trim(),
  };
  const place = new RowPlace(row, binding);
  const accepted = (field: DeviceField, value: string) =>
    value !== '' && checkAnyValue(field, value, place, issues);
  let serialOk = accepted('serialNumber', values.serialNumber);
  let pkidOk = accepted('productKeyId', values.productKeyId);
  const hashOk = accepted('hardwareHash', values.hardwareHash);
  const manufacturerOk = accepted('manufacturer', values.manufacturer);
  const modelOk = accepted('model', values.model);
  const tagOk = accepted('groupTag', values.groupTag);
  const userOk = accepted('assignedUser', values.assignedUser);
  const repairs: CsvRepair[] = [];
  const hash = hashOk ? checkRowHash(values.hardwareHash, place, issues, repairs) : null;
  if (hash) {
    values.hardwareHash = hash.text;
  }
  serialOk = serialOk && checkSerialValue(rawSerial, values.serialNumber, place, issues, hash);
  pkidOk = pkidOk && checkProductKeyIdValue(values.productKeyId, place, issues);
  if (tagOk) {
    checkGroupTagValue(rawTag, values.groupTag, place, issues);
  }
  if (userOk) {
    checkAssignedUserValue(values.assignedUser, place, issues);
  }
  if (hash) {
    compareWithHash(
      hash,
      {
        serialNumber: values.serialNumber,
        manufacturer: manufacturerOk ? values.manufacturer : '',
        model: modelOk ? values.model : '',
        productKeyId: values.productKeyId,
        serialRefused: values.serialNumber !== '' && !serialOk,
        pkidRefused: values.productKeyId !== '' && !pkidOk,
        hasSerialColumn: at.serialNumber !== undefined,
      },
      place,
      issues,
      repairs,
    );
  }
  identification(row, rules, values, place, issues);
  if (issues.length > 1) {
    issues.sort((a, b) => a.line - b.line);
  }
  let importable = true;
  for (const issue of issues) {
    if (issue.severity === 'error') {
      importable = false;
      break;
    }
  }
  return new DeviceRecord(
    row.line,
    importable,
    values,
    hash,
    issues.length === 0 ? NONE : issues,
    repairs.length === 0 ? NONE : repairs,
    binding,
  );
}

/** Does the row identify a device the way the target layout allows? */
function identification(
  row: RawRow,
  rules: RowRules,
  values: DeviceValues,
  place: RowPlace,
  issues: CsvIssue[],
): void {
  const names = rules.binding.names;
  const name = (field: DeviceField) => names[field] ?? field;
  if (rules.hashRequired) {
    if (values.hardwareHash === '') {
      issues.push(
        csvIssue(
          'csv.row.missing_hash',
          place.line('hardwareHash'),
          place.column('hardwareHash'),
          'The hardware hash is empty; Intune imports need one for every device.',
        ),
      );
    }
    return;
  }
  if (values.hardwareHash !== '' || values.productKeyId !== '') {
    return;
  }
  const missing = (['manufacturer', 'model', 'serialNumber'] as const).filter(
    (field) => values[field] === '',
  );
  const first = missing[0];
  if (first === undefined) {
    return;
  }
  if (missing.length === 3) {
    issues.push(
      csvIssue(
        'csv.row.no_identifier',
        row.line,
        null,
        `The line identifies no device: "${name('hardwareHash')}", "${name('productKeyId')}" and "${name('manufacturer')}" + "${name('model')}" + "${name('serialNumber')}" are all empty.`,
      ),
    );
    return;
  }
  issues.push(
    csvIssue(
      'csv.row.incomplete_tuple',
      place.line(first),
      place.column(first),
      `Without a hardware hash or product key id the device needs manufacturer, model and serial number together; ${missing
        .map((field) => `"${name(field)}"`)
        .join(' and ')} ${missing.length === 1 ? 'is' : 'are'} empty.`,
    ),
  );
}

function unknownValues(row: RawRow, binding: HeaderBinding): number[] {
  return binding.unknown.filter((position) => (row.fields[position] ?? '').trim() !== '');
}

function rejected(row: RawRow, binding: HeaderBinding, issue: CsvIssue): RowOutcome {
  return {
    record: new DeviceRecord(row.line, false, EMPTY_DEVICE, null, [issue], NONE, null),
    extraEmptyFields: false,
    unknownWithValues: unknownValues(row, binding),
  };
}

function problemRecord(row: RawRow): DeviceRecord {
  const issue =
    row.problem === 'quote_malformed'
      ? csvIssue(
          'csv.row.quote_malformed',
          row.line,
          null,
          'A quoted field on this line is not closed properly.',
        )
      : row.problem === 'quote_unterminated'
        ? csvIssue(
            'csv.row.quote_unterminated',
            row.line,
            null,
            'A quoted field opened on this line is never closed.',
          )
        : csvIssue(
            'csv.row.too_long',
            row.line,
            null,
            'The line is longer than 65,536 characters; no device line is.',
          );
  return new DeviceRecord(row.line, false, EMPTY_DEVICE, null, [issue], NONE, null);
}

/**
 * Explanations left in templates ("SAMPLE EXPLAINED (remove … before uploading)"): a line
 * whose only value reads as a sentence of four or more words. Serials with spaces
 * (VMware's hex groups) and model names in their own column never match this.
 */
function isFreeText(value: string): boolean {
  if (!value.includes(' ')) {
    return false;
  }
  const words = value
    .split(/\s+/)
    .map((token) => token.replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, ''))
    .filter((token) => /^[A-Za-z]{3,}$/.test(token));
  return words.length >= 4;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
