/**
 * Writing CSV lines (RFC 4180): a field is quoted only when it must be, because the
 * reference's import rejects quotation marks (API-FACTS §4.1).
 * @module
 */

/** Formats one field; `quoteAll` quotes it even when not needed (as Export-Csv does). */
export function formatCsvField(value: string, delimiter = ',', quoteAll = false): string {
  if (quoteAll || value.includes(delimiter) || /["\r\n]/.test(value)) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}

/** Formats a line of fields, without the line break. */
export function formatCsvLine(
  values: readonly string[],
  options: { delimiter?: string; quoteAll?: boolean } = {},
): string {
  const delimiter = options.delimiter ?? ',';
  return values
    .map((value) => formatCsvField(value, delimiter, options.quoteAll ?? false))
    .join(delimiter);
}
