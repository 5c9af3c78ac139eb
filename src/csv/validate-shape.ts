/**
 * The "more fields than header names" case. Get-WindowsAutopilotInfo deletes every quote
 * from its output, so a value with a comma (`VMware, Inc.` with -Partner -Force, a model
 * like `VMware7,1`) silently shifts the columns (CSV-FACTS §3). This explains where the
 * split most likely happened and, when the hash is intact, what the values should be.
 * @module
 */
import { decodeHardwareHash } from '../domain/hardware-hash.js';
import { csvIssue, type CsvIssue } from './diagnostics.js';
import type { HeaderBinding } from './header.js';
import { fieldLine, type RawRow } from './tokenizer.js';

/** The located error for a row with more non-empty fields than the header has names. */
export function tooManyFieldsIssue(row: RawRow, binding: HeaderBinding): CsvIssue {
  const width = binding.cells.length;
  const fields = row.fields;
  // "VMware, Inc." splits into "VMware" and " Inc.": a field starting with a space after a
  // non-empty one is where an unquoted comma most likely cut a value in two.
  let split = -1;
  for (let i = 0; i + 1 < fields.length; i++) {
    if ((fields[i] ?? '').trim() !== '' && /^\s/.test(fields[i + 1] ?? '')) {
      split = i;
      break;
    }
  }
  const column = split >= 0 && split < width ? (binding.columns[split]?.name ?? null) : null;
  const joined = split >= 0 ? `${fields[split] ?? ''},${fields[split + 1] ?? ''}` : '';
  const message =
    `The line has ${fields.length} fields but the header has ${width} names, so the values do not line up with the columns.` +
    (split >= 0
      ? ` Fields ${split + 1} and ${split + 2} look like one value, "${joined.trim()}", split at an unquoted comma.`
      : '');
  return csvIssue(
    'csv.row.too_many_fields',
    split >= 0 ? fieldLine(row, split) : row.line,
    column,
    message,
    hashHint(row, binding) ?? undefined,
  );
}

/** When the hash sits before the split, it tells what manufacturer and model should read. */
function hashHint(row: RawRow, binding: HeaderBinding): string | null {
  const position = binding.positions.hardwareHash;
  if (position === undefined) {
    return null;
  }
  const hash = decodeHardwareHash((row.fields[position] ?? '').trim());
  if (!hash.ok || !hash.manufacturer || !hash.model) {
    return null;
  }
  return `The hardware hash says the manufacturer is "${hash.manufacturer}" and the model "${hash.model}": put values that contain a comma in double quotes (e.g. "${hash.manufacturer}"), then check again.`;
}
