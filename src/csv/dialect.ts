/**
 * Delimiter and line breaks. Comma is the reference's; semicolon and tab come from
 * spreadsheets in European locales (`Export-Csv -UseCulture`, Excel in de/fr/nl). The
 * delimiter is chosen by which one makes the most header names recognisable, so a
 * semicolon inside a value does not fool it.
 * @module
 */

/** Delimiters the intake reads. */
export type CsvDelimiter = ',' | ';' | '\t';

/** How the text is split into fields and rows. */
export interface Dialect {
  readonly delimiter: CsvDelimiter;
  /** What ends a row: `\n` (CRLF and LF files; the CR is stripped) or `\r` (old Mac files). */
  readonly newline: '\n' | '\r';
  /** Line 1 is Excel's `sep=;` directive, to be skipped. */
  readonly sepLine: boolean;
}

const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];

/**
 * Detects the dialect from the start of the text. `recognised` counts how many of the
 * given header cells are known column names (from the layouts).
 */
export function detectDialect(head: string, recognised: (cells: string[]) => number): Dialect {
  const newline = head.includes('\n') || !head.includes('\r') ? '\n' : '\r';
  const lines = head.split(newline);
  let index = lines.findIndex((line) => line.trim() !== '');
  let first = (lines[index] ?? '').replace(/\r$/, '');
  const sep = /^\s*"?sep=(.)"?\s*$/i.exec(first);
  if (sep) {
    const declared = CANDIDATES.find((candidate) => candidate === sep[1]);
    if (declared) {
      return { delimiter: declared, newline, sepLine: true };
    }
  }
  if (index < 0) {
    index = 0;
    first = '';
  }
  let best: { delimiter: CsvDelimiter; known: number; cells: number } = {
    delimiter: ',',
    known: -1,
    cells: 0,
  };
  for (const delimiter of CANDIDATES) {
    const cells = first.split(delimiter).map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
    const known = recognised(cells);
    if (known > best.known || (known === best.known && cells.length > best.cells)) {
      best = { delimiter, known, cells: cells.length };
    }
  }
  return { delimiter: best.delimiter, newline, sepLine: false };
}

/** Human name of a delimiter for messages. */
export function delimiterName(delimiter: CsvDelimiter): string {
  switch (delimiter) {
    case ',':
      return 'comma';
    case ';':
      return 'semicolon';
    case '\t':
      return 'tab';
  }
}
