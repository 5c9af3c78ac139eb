/**
 * The row-by-row state of reading one file: finding the header (even below a few lines of
 * other text), validating each device line, and the file-wide checks that need every row
 * (unknown columns holding values, trailing delimiters, quotes, row counts, duplicates).
 * @module
 */
import type { Dialect } from './dialect.js';
import { delimiterName } from './dialect.js';
import { csvIssue, type CsvIssue } from './diagnostics.js';
import { DuplicateTracker } from './duplicates.js';
import type { CsvEncoding } from './encoding.js';
import {
  bindHeader,
  describeHeaderCell,
  looksLikeDeviceExport,
  type HeaderBinding,
} from './header.js';
import { defaultTarget } from './layouts.js';
import type { CsvEvent, CsvFileInfo, CsvRecord, CsvSummary, LineEnding } from './model.js';
import type { RawRow } from './tokenizer.js';
import { validateRow, type RowRules } from './validate-row.js';

/** Options of a read. */
export interface IntakeOptions {
  /**
   * Layout the rows must suit: `intune` needs a hash on every row, `partner-center` accepts
   * every identifier combination. Default: the file's own layout (Managed Desktop → Partner Center).
   */
  readonly target?: 'intune' | 'partner-center';
}

/** Non-blank lines looked at for a header before giving up. */
const HEADER_SEARCH_ROWS = 10;

/** Turns rows into events; call `accept` per row, then `finish` once. */
export class Intake {
  readonly #dialect: Dialect;
  readonly #encoding: () => CsvEncoding;
  readonly #options: IntakeOptions;
  #phase: 'header' | 'rows' | 'none' = 'header';
  #before: RawRow[] = [];
  #binding: HeaderBinding | null = null;
  #rules: RowRules | null = null;
  readonly #duplicates = new DuplicateTracker();
  readonly #unknownFirstValue = new Map<number, number>();
  #extraEmpty = { rows: 0, firstLine: 0 };
  #firstQuotedLine = 0;
  #lineOverLimit = 0;
  /** Line of Excel's `sep=` directive, once skipped. */
  #sepLine = 0;
  readonly #endings = { crlf: 0, lf: 0, cr: 0 };
  #counts = { rows: 0, devices: 0, rowsWithErrors: 0, errors: 0, warnings: 0 };

  constructor(dialect: Dialect, encoding: () => CsvEncoding, options: IntakeOptions = {}) {
    this.#dialect = dialect;
    this.#encoding = encoding;
    this.#options = options;
  }

  /** Appends the events one row causes to `out` (none while the header is looked for). */
  accept(row: RawRow, out: CsvEvent[]): void {
    if (row.ending) {
      this.#endings[row.ending]++;
    }
    if (row.quoted && this.#firstQuotedLine === 0) {
      this.#firstQuotedLine = row.line;
    }
    switch (this.#phase) {
      case 'rows': {
        const record = this.#acceptDevice(row);
        if (record) {
          out.push({ kind: 'record', record });
        }
        return;
      }
      case 'none':
        if (!isBlank(row)) {
          this.#counts.rows++;
        }
        return;
      case 'header':
        out.push(...this.#acceptBeforeHeader(row));
        return;
    }
  }

  /** The remaining events: `file` if the header never came, and `end`. */
  finish(lines: number): CsvEvent[] {
    const events: CsvEvent[] = [];
    if (this.#phase === 'header') {
      events.push(this.#before.length === 0 ? this.#emptyFile() : this.#noHeader());
    }
    const late = this.#lateIssues().sort((a, b) => a.line - b.line);
    this.#tally(late);
    events.push({ kind: 'end', summary: this.#summary(lines), issues: late });
    return events;
  }

  #acceptBeforeHeader(row: RawRow): CsvEvent[] {
    if (isBlank(row)) {
      return [];
    }
    if (this.#dialect.sepLine && this.#sepLine === 0) {
      this.#sepLine = row.line;
      return [];
    }
    if (!row.problem) {
      if (this.#before.length === 0 && looksLikeDeviceExport(row.fields)) {
        this.#before.push(row);
        return [
          this.#refuse(
            csvIssue(
              'csv.header.device_export',
              row.line,
              null,
              `Line ${row.line} is the header of an Autopilot devices export (${row.fields.slice(0, 4).join(', ')}…), not of a device list to import.`,
            ),
          ),
        ];
      }
      const binding = bindHeader(row.fields, row.line);
      if (binding) {
        return [this.#start(binding)];
      }
    }
    this.#before.push(row);
    return this.#before.length >= HEADER_SEARCH_ROWS ? [this.#noHeader()] : [];
  }

  #start(binding: HeaderBinding): CsvEvent {
    this.#phase = 'rows';
    this.#binding = binding;
    const target = this.#options.target ?? defaultTarget(binding.layout.id);
    this.#rules = { binding, hashRequired: target === 'intune' };
    const issues: CsvIssue[] = [];
    if (this.#sepLine > 0) {
      issues.push(
        csvIssue(
          'csv.dialect.sep_line',
          this.#sepLine,
          null,
          `Line ${this.#sepLine} is Excel's "sep=${this.#dialect.delimiter}" directive, not the header.`,
        ),
      );
    }
    if (this.#before.length > 0) {
      const first = this.#before[0]?.line ?? 1;
      issues.push(
        csvIssue(
          'csv.header.not_first_line',
          first,
          null,
          `The header is on line ${binding.line}; ${binding.line - first === 1 ? `line ${first} holds` : `lines ${first}–${binding.line - 1} hold`} other text, which is ignored.`,
        ),
      );
      this.#before = [];
    }
    if (this.#dialect.delimiter !== ',') {
      issues.push(
        csvIssue(
          'csv.dialect.delimiter',
          binding.line,
          null,
          `Fields are separated by ${delimiterName(this.#dialect.delimiter)}s, not commas (typical of a spreadsheet in a European locale).`,
        ),
      );
    }
    issues.push(...binding.issues);
    this.#tally(issues);
    return { kind: 'file', file: this.#info(), issues };
  }

  #acceptDevice(row: RawRow): CsvRecord | null {
    const rules = this.#rules as RowRules;
    const outcome = validateRow(row, rules);
    if (!outcome) {
      return null;
    }
    let record = outcome.record;
    const duplicate = this.#duplicates.check(record, rules.binding.names);
    if (duplicate) {
      record = record.with(duplicate);
    }
    for (const position of outcome.unknownWithValues) {
      if (!this.#unknownFirstValue.has(position)) {
        this.#unknownFirstValue.set(position, row.line);
      }
    }
    if (outcome.extraEmptyFields) {
      this.#extraEmpty.rows++;
      this.#extraEmpty.firstLine ||= row.line;
    }
    this.#counts.rows++;
    const limit = rules.binding.layout.referenceRowLimit;
    if (limit !== null && this.#counts.rows === limit + 1) {
      this.#lineOverLimit = row.line;
    }
    this.#tallyRecord(record);
    return record;
  }

  #refuse(issue: CsvIssue): CsvEvent {
    this.#phase = 'none';
    this.#tally([issue]);
    this.#counts.rows = Math.max(0, this.#before.length - 1);
    return { kind: 'file', file: this.#info(), issues: [issue] };
  }

  #noHeader(): CsvEvent {
    const first = this.#before[0] as RawRow;
    const looksLikeData = this.#before.some((row) =>
      row.fields.some((field) => /^\s*T0[A-Za-z0-9+/]{38}/.test(field)),
    );
    const issue = looksLikeData
      ? csvIssue(
          'csv.header.missing',
          first.line,
          null,
          `Line ${first.line} holds device data; the header line is missing.`,
        )
      : csvIssue(
          'csv.header.unrecognized',
          first.line,
          null,
          `Line ${first.line} is not the header of a device list: none of its names (${first.fields
            .slice(0, 5)
            .map((cell) => `"${cell.trim()}"`)
            .join(', ')}) is a known column.`,
        );
    const event = this.#refuse(issue);
    this.#counts.rows = this.#before.filter((row) => !isBlank(row)).length;
    return event;
  }

  #emptyFile(): CsvEvent {
    return this.#refuse(csvIssue('csv.file.empty', 1, null, 'The file has no content.'));
  }

  #lateIssues(): CsvIssue[] {
    const binding = this.#binding;
    const issues: CsvIssue[] = [];
    if (this.#firstQuotedLine > 0 && this.#phase === 'rows') {
      issues.push(
        csvIssue(
          'csv.dialect.quotes',
          this.#firstQuotedLine,
          null,
          `Line ${this.#firstQuotedLine} is the first with quotation marks.`,
        ),
      );
    }
    if (!binding) {
      return issues;
    }
    const layout = binding.layout;
    for (const position of binding.unknown) {
      const firstValue = this.#unknownFirstValue.get(position);
      const name = describeHeaderCell(binding.cells, position);
      issues.push(
        firstValue === undefined
          ? csvIssue(
              'csv.header.empty_unknown_column',
              binding.line,
              null,
              `Column ${name} is not part of the ${layout.title} layout; it is empty and ignored.`,
            )
          : csvIssue(
              'csv.header.unknown_column',
              firstValue,
              null,
              `Column ${name} is not part of the ${layout.title} layout but holds values (first on line ${firstValue}).`,
            ),
      );
    }
    if (this.#extraEmpty.rows > 0) {
      issues.push(
        csvIssue(
          'csv.row.extra_empty_fields',
          this.#extraEmpty.firstLine,
          null,
          `${this.#extraEmpty.rows} line${this.#extraEmpty.rows === 1 ? '' : 's'} end with empty fields beyond the header's ${binding.cells.length} (first on line ${this.#extraEmpty.firstLine}); they are ignored.`,
        ),
      );
    }
    if (this.#lineOverLimit > 0) {
      issues.push(
        csvIssue(
          'csv.file.over_reference_limit',
          this.#lineOverLimit,
          null,
          `The file has ${this.#counts.rows} device lines; the reference takes at most ${layout.referenceRowLimit} per ${layout.title} file (line ${this.#lineOverLimit} is the first beyond).`,
        ),
      );
    }
    if (this.#counts.rows === 0) {
      issues.push(
        csvIssue(
          'csv.file.no_devices',
          binding.line,
          null,
          'The file has a header but no device lines.',
        ),
      );
    }
    return issues;
  }

  #info(): CsvFileInfo {
    const binding = this.#binding;
    return {
      encoding: this.#encoding(),
      delimiter: this.#dialect.delimiter,
      layout: binding?.layout.id ?? null,
      headerLine: binding?.line ?? null,
      columns: binding ? binding.columns.map((column) => column?.name ?? null) : [],
    };
  }

  #summary(lines: number): CsvSummary {
    const { crlf, lf, cr } = this.#endings;
    const kinds = [crlf > 0, lf > 0, cr > 0].filter(Boolean).length;
    const lineEnding: LineEnding =
      kinds > 1 ? 'mixed' : crlf > 0 ? 'crlf' : lf > 0 ? 'lf' : cr > 0 ? 'cr' : 'none';
    return { ...this.#info(), ok: this.#counts.errors === 0, ...this.#counts, lines, lineEnding };
  }

  #tally(issues: readonly CsvIssue[]): void {
    for (const issue of issues) {
      if (issue.severity === 'error') {
        this.#counts.errors++;
      } else {
        this.#counts.warnings++;
      }
    }
  }

  #tallyRecord(record: CsvRecord): void {
    this.#tally(record.issues);
    if (record.importable) {
      this.#counts.devices++;
    } else {
      this.#counts.rowsWithErrors++;
    }
  }
}

function isBlank(row: RawRow): boolean {
  return !row.problem && row.fields.every((field) => field.trim() === '');
}
