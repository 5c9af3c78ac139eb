/**
 * Text → rows, streaming, with the line number an editor shows for every row and field.
 * Splitting is papaparse's core `Parser` (RFC 4180 quoting: quoted fields, doubled quotes,
 * delimiters and line breaks inside quotes; ~200 MB/s on hash rows). This file adds what a
 * device list needs around it: carrying an incomplete row to the next chunk, counting
 * lines (a quoted field may span several), CRLF/LF/mixed line ends, and recovering from
 * broken quotes one line at a time so one stray `"` cannot swallow the rest of the file.
 * @module
 */
import Papa from 'papaparse';
import type { CsvDelimiter } from './dialect.js';

/** Longest row accepted; a device row is about 4 KB (a 4000-character hash and a few values). */
export const MAX_ROW_CHARS = 65_536;

/** What went wrong while splitting a row. */
export type RowProblem = 'quote_malformed' | 'quote_unterminated' | 'too_long';

/** One row as split from the text. */
export interface RawRow {
  /** Line the row starts on (1-based, as an editor counts). */
  readonly line: number;
  /** Line the row ends on (greater than `line` when a quoted field holds line breaks). */
  readonly endLine: number;
  readonly fields: readonly string[];
  /** Set when the row could not be split; `fields` is then empty. */
  readonly problem: RowProblem | null;
  /** The row's text contains a quotation mark. */
  readonly quoted: boolean;
  /** How the row ended: `crlf`, `lf`, `cr`, or null at end of file. */
  readonly ending: 'crlf' | 'lf' | 'cr' | null;
}

/** Line on which field `index` of `row` starts. */
export function fieldLine(row: RawRow, index: number): number {
  if (row.endLine === row.line) {
    return row.line;
  }
  let line = row.line;
  for (let i = 0; i < index && i < row.fields.length; i++) {
    const field = row.fields[i] ?? '';
    const lf = countLineBreaks(field, 0, field.length, '\n');
    line += lf > 0 ? lf : countLineBreaks(field, 0, field.length, '\r');
  }
  return line;
}

interface Step {
  data: string[][];
  errors: { code: string }[];
  meta: { cursor: number };
}

/** Splits text into rows; feed chunks with `push`, then call `end` once. */
export class RowTokenizer {
  readonly #delimiter: CsvDelimiter;
  readonly #newline: '\n' | '\r';
  readonly #maxRow: number;
  #pending = '';
  /** Line number at the start of `#pending`. */
  #line = 1;
  /** Inside an over-long line: discard text up to its end. */
  #skipping = false;
  #papa: PapaParser | null = null;
  #call: ParseCall | null = null;

  constructor(options: { delimiter: CsvDelimiter; newline: '\n' | '\r'; maxRowChars?: number }) {
    this.#delimiter = options.delimiter;
    this.#newline = options.newline;
    this.#maxRow = options.maxRowChars ?? MAX_ROW_CHARS;
  }

  /** Lines seen so far; after `end`, the number of lines in the file. */
  get lines(): number {
    return this.#line;
  }

  /** Rows completed by this chunk of text. */
  push(text: string): RawRow[] {
    return this.#consume(text, false);
  }

  /** Rows left at end of input. */
  end(): RawRow[] {
    return this.#consume('', true);
  }

  #consume(text: string, final: boolean): RawRow[] {
    const out: RawRow[] = [];
    if (this.#skipping) {
      const at = text.indexOf(this.#newline);
      if (at < 0) {
        return out;
      }
      text = text.slice(at + 1);
      this.#line++;
      this.#skipping = false;
    }
    let input = this.#pending + text;
    this.#pending = '';
    for (;;) {
      const { rest, broken } = this.#parse(input, final, out);
      // A row spanning lines whose quotes are broken, or an unfinished row already longer
      // than any device row: report its first line, then read on from the next line.
      const cutAt =
        broken ??
        (!final && rest.length > this.#maxRow
          ? { start: input.length - rest.length, line: this.#line }
          : null);
      if (cutAt === null) {
        this.#pending = rest;
        return out;
      }
      const lineEnd = input.indexOf(this.#newline, cutAt.start);
      const firstLine = input.slice(cutAt.start, lineEnd < 0 ? undefined : lineEnd);
      out.push(problemRow(cutAt.line, this.#classify(firstLine)));
      if (lineEnd < 0) {
        // One line longer than the limit and not finished yet: skip to its end.
        this.#skipping = !final;
        this.#line = cutAt.line;
        return out;
      }
      this.#line = cutAt.line + 1;
      input = input.slice(lineEnd + 1);
    }
  }

  /**
   * Why a line cannot be read as (the start of) a row. Decided from the line alone, so the
   * verdict does not depend on how the text was chunked.
   */
  #classify(line: string): RowProblem {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.length > this.#maxRow) {
      return 'too_long';
    }
    const result = new Papa.Parser({ delimiter: this.#delimiter, newline: this.#newline }).parse(
      text,
      0,
      false,
    ) as {
      errors: { code: string }[];
    };
    return result.errors.some((e) => e.code === 'InvalidQuotes')
      ? 'quote_malformed'
      : 'quote_unterminated';
  }

  /**
   * Parses `input`, appending complete rows to `out`. Returns the unfinished tail, or the
   * start of a row whose quotes are broken across lines.
   */
  #parse(input: string, final: boolean, out: RawRow[]): { rest: string; broken: BrokenRow | null } {
    const call: ParseCall = { input, out, start: 0, nextQuote: -2, broken: null };
    this.#call = call;
    try {
      this.#parser().parse(input, 0, !final);
    } finally {
      // Nothing of this text may stay reachable from the parser (see #parser).
      this.#call = null;
    }
    if (call.broken) {
      this.#papa = null; // an aborted parser stops every later parse after one row
      return { rest: '', broken: call.broken };
    }
    return { rest: input.slice(call.start), broken: null };
  }

  /**
   * One papaparse parser for the whole file, its step reading the current call from
   * `#call`. A parser made per piece, with a step closing over that piece's text and rows,
   * kept every piece reachable from the one before until the next full collection: V8
   * then moved all of a file's text (about 400 MB for 100 000 hashes) into the old
   * generation, which grew the heap by hundreds of MB and spent a tenth of an import in
   * the collector.
   */
  #parser(): PapaParser {
    this.#papa ??= new Papa.Parser({
      delimiter: this.#delimiter,
      newline: this.#newline,
      step: (result: unknown) => this.#step(result as Step),
    }) as PapaParser;
    return this.#papa;
  }

  #step({ data, errors, meta }: Step): void {
    const call = this.#call!;
    const { input } = call;
    const nl = this.#newline;
    const maxRow = this.#maxRow;
    const start = call.start;
    const end = meta.cursor;
    if (end <= start) {
      return; // the empty "row" after a final line break
    }
    const fields = data[0] ?? [''];
    const line = this.#line;
    const breaks = countLineBreaks(input, start, end, nl);
    const terminated = input[end - 1] === nl;
    const inner = breaks - (terminated ? 1 : 0);
    if (call.nextQuote !== -1 && call.nextQuote < start) {
      call.nextQuote = input.indexOf('"', start);
    }
    const quoted = call.nextQuote !== -1 && call.nextQuote < end;
    const quoteError = errors.some((e) => e.code === 'MissingQuotes' || e.code === 'InvalidQuotes');
    const length = end - start - (terminated ? 1 : 0);
    if (inner > 0 && (quoteError || length > maxRow)) {
      // A quoted field this broken or this long swallowed the lines after it.
      call.broken = { start, line };
      this.#papa!.abort();
      return;
    }
    const problem =
      quoteError || length > maxRow ? this.#classify(input.slice(start, start + length)) : null;
    const last = fields.length - 1;
    const lastField = fields[last];
    if (nl === '\n' && lastField !== undefined && lastField.endsWith('\r')) {
      fields[last] = lastField.slice(0, -1);
    }
    call.out.push({
      line,
      endLine: line + inner,
      fields: problem ? [] : fields,
      problem,
      quoted,
      ending: terminated ? (nl === '\r' ? 'cr' : input[end - 2] === '\r' ? 'crlf' : 'lf') : null,
    });
    this.#line += breaks;
    call.start = end;
  }
}

/** The part of papaparse's core parser used here. */
interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): unknown;
  abort(): void;
}

/** What one `#parse` call is working on, read by the parser's step. */
interface ParseCall {
  readonly input: string;
  readonly out: RawRow[];
  start: number;
  /** -2: not searched yet; -1: none left. */
  nextQuote: number;
  broken: BrokenRow | null;
}

interface BrokenRow {
  readonly start: number;
  readonly line: number;
}

function problemRow(line: number, problem: RowProblem): RawRow {
  return { line, endLine: line, fields: [], problem, quoted: problem !== 'too_long', ending: null };
}

/** Occurrences of `nl` in `text[from, to)`. */
function countLineBreaks(text: string, from: number, to: number, nl: '\n' | '\r'): number {
  let count = 0;
  let at = text.indexOf(nl, from);
  while (at !== -1 && at < to) {
    count++;
    // Stop at the row's own terminator instead of scanning into the next row.
    at = at + 1 < to ? text.indexOf(nl, at + 1) : -1;
  }
  return count;
}
