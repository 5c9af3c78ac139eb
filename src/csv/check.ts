/**
 * The whole-file verdict for the CLI and the portal: every issue, in line order, and
 * optionally the records that would be imported.
 * @module
 */
import { csvIssue, type CsvIssue } from './diagnostics.js';
import type { CsvEncoding } from './encoding.js';
import type { CsvDelimiter } from './dialect.js';
import type { LayoutId } from './layouts.js';
import type { CsvEvent, CsvRecord, CsvSource, CsvSummary, LineEnding } from './model.js';
import { readDeviceCsvBatches, type ReadOptions } from './read.js';

/** Options of `checkCsv`. */
export interface CheckOptions extends ReadOptions {
  /** Keep the importable records in the report (memory grows with the file). */
  readonly records?: boolean;
  /** Issues listed at most; the rest are counted (default 10 000). */
  readonly issueLimit?: number;
}

/** A file's verdict. */
export interface CsvReport {
  /** No errors: the file can be imported as it is (warnings allowed). */
  readonly ok: boolean;
  readonly layout: LayoutId | null;
  readonly encoding: CsvEncoding;
  readonly delimiter: CsvDelimiter;
  /** Device lines that would be imported. */
  readonly devices: number;
  readonly rows: number;
  readonly lines: number;
  readonly lineEnding: LineEnding;
  /** Every issue, ordered by line. */
  readonly issues: readonly CsvIssue[];
  /** Importable records, when asked for. */
  readonly records?: readonly CsvRecord[];
  readonly summary: CsvSummary;
}

/** Reads the whole file and returns its report. Bad input never throws; I/O errors do. */
export async function checkCsv(source: CsvSource, options: CheckOptions = {}): Promise<CsvReport> {
  const collector = new ReportCollector(options);
  for await (const batch of readDeviceCsvBatches(source, options)) {
    for (const event of batch) {
      collector.add(event);
    }
  }
  return collector.report();
}

/** Builds a `CsvReport` from the events of a read (shared by `checkCsv` and `fixCsv`). */
export class ReportCollector {
  readonly #limit: number;
  readonly #keepRecords: boolean;
  readonly #issues: CsvIssue[] = [];
  readonly #records: CsvRecord[] = [];
  #dropped = 0;
  #summary: CsvSummary | null = null;

  constructor(options: CheckOptions = {}) {
    this.#limit = options.issueLimit ?? 10_000;
    this.#keepRecords = options.records ?? false;
  }

  /** Takes the next event of the read. */
  add(event: CsvEvent): void {
    switch (event.kind) {
      case 'file':
        this.#collect(event.issues);
        break;
      case 'record':
        this.#collect(event.record.issues);
        if (this.#keepRecords && event.record.importable) {
          this.#records.push(event.record);
        }
        break;
      case 'end':
        this.#collect(event.issues);
        this.#summary = event.summary;
        break;
    }
  }

  /** The report; call after the `end` event. */
  report(): CsvReport {
    const summary = this.#summary;
    if (!summary) {
      throw new Error('ReportCollector.report() called before the end event');
    }
    // Stable sort: file-wide issues of a line stay before the row's own.
    const issues = [...this.#issues].sort((a, b) => a.line - b.line);
    if (this.#dropped > 0) {
      issues.push(
        csvIssue(
          'csv.file.issues_truncated',
          summary.lines,
          null,
          `${this.#dropped} more issue${this.#dropped === 1 ? ' is' : 's are'} not listed.`,
        ),
      );
    }
    return {
      ok: summary.ok,
      layout: summary.layout,
      encoding: summary.encoding,
      delimiter: summary.delimiter,
      devices: summary.devices,
      rows: summary.rows,
      lines: summary.lines,
      lineEnding: summary.lineEnding,
      issues,
      ...(this.#keepRecords ? { records: this.#records } : {}),
      summary,
    };
  }

  #collect(found: readonly CsvIssue[]): void {
    for (const issue of found) {
      if (this.#issues.length < this.#limit) {
        this.#issues.push(issue);
      } else {
        this.#dropped++;
      }
    }
  }
}
