/**
 * Writes a clean device list the reference itself accepts: UTF-8 without BOM, CRLF, the
 * layout's exact header and column order, trimmed values, no quotes unless a value needs
 * them. Rows with errors are left out and listed, never dropped silently; every change is
 * reported. Streams: rows are written as they are read.
 * @module
 */
import { ReportCollector, type CsvReport } from './check.js';
import type { CsvIssue } from './diagnostics.js';
import { encodingName } from './encoding.js';
import { formatCsvLine } from './format-row.js';
import {
  defaultTarget,
  layoutById,
  type DeviceField,
  type Layout,
  type LayoutColumn,
} from './layouts.js';
import type { CsvFileInfo, CsvRecord, CsvSource } from './model.js';
import { readDeviceCsvBatches } from './read.js';

/** Layouts `fix` can write. */
export type FixLayoutId = 'intune' | 'partner-center';

/** Options of `fixCsv`. */
export interface FixOptions {
  /** Layout to write; default the file's own (Managed Desktop → Partner Center). */
  readonly layout?: FixLayoutId;
}

/** Something `fix` changed; `line` is null for file-wide changes. */
export interface FixChange {
  readonly line: number | null;
  readonly column: string | null;
  readonly message: string;
}

/** A device line not written, with the errors that kept it out. */
export interface LeftOutRow {
  readonly line: number;
  readonly issues: readonly CsvIssue[];
}

/** What `fixCsv` did. */
export interface FixResult {
  /** Layout written, or null when nothing could be written (no recognisable header). */
  readonly layout: FixLayoutId | null;
  /** Device lines written. */
  readonly written: number;
  readonly leftOut: readonly LeftOutRow[];
  readonly changes: readonly FixChange[];
  /** The input's check, under the rules of the layout written. */
  readonly report: CsvReport;
  /** The issues about the file as a whole (not about one row). */
  readonly fileIssues: readonly CsvIssue[];
  /** Every device line was written and no file-wide error remains in the output. */
  readonly complete: boolean;
}

/** File-wide errors that `fix` resolves by construction (it drops the offending text). */
const RESOLVED_BY_FIX = new Set(['csv.header.unknown_column', 'csv.header.not_first_line']);

/** Reads `source` and writes the fixed file through `write`, chunk by chunk. */
export async function fixCsv(
  source: CsvSource,
  write: (text: string) => void | Promise<void>,
  options: FixOptions = {},
): Promise<FixResult> {
  const collector = new ReportCollector();
  const changes: FixChange[] = [];
  const leftOut: LeftOutRow[] = [];
  const dropped = new Map<DeviceField, number>();
  let output: { layout: Layout; columns: readonly LayoutColumn[] } | null = null;
  let file: CsvFileInfo | null = null;
  const fileIssues: CsvIssue[] = [];
  let written = 0;
  for await (const batch of readDeviceCsvBatches(
    source,
    options.layout ? { target: options.layout } : {},
  )) {
    for (const event of batch) {
      collector.add(event);
      if (event.kind !== 'record') {
        fileIssues.push(...event.issues);
      }
      if (event.kind === 'file') {
        file = event.file;
        if (event.file.layout) {
          const layout = layoutById(options.layout ?? defaultTarget(event.file.layout));
          output = { layout, columns: outputColumns(layout, event.file) };
          await write(`${output.columns.map((column) => column.name).join(',')}\r\n`);
          changes.push(...headerChanges(event.file, output.layout, output.columns));
        }
      } else if (event.kind === 'record' && output) {
        if (!event.record.importable) {
          leftOut.push({
            line: event.record.line,
            issues: event.record.issues.filter((i) => i.severity === 'error'),
          });
          continue;
        }
        const values = applyRepairs(event.record, output.columns, changes);
        for (const [field, value] of Object.entries(event.record.device) as [
          DeviceField,
          string,
        ][]) {
          if (value !== '' && !output.columns.some((column) => column.field === field)) {
            dropped.set(field, (dropped.get(field) ?? 0) + 1);
          }
        }
        await write(`${formatCsvLine(output.columns.map((column) => values[column.field]))}\r\n`);
        written++;
      }
    }
  }
  const report = collector.report();
  if (output && file) {
    changes.push(...fileChanges(report, file, output.layout, dropped));
  }
  const unresolved = fileIssues.filter(
    (issue) => issue.severity === 'error' && !RESOLVED_BY_FIX.has(issue.code),
  );
  return {
    layout: output ? (output.layout.id as FixLayoutId) : null,
    written,
    leftOut,
    changes,
    report,
    fileIssues,
    complete: output !== null && written > 0 && leftOut.length === 0 && unresolved.length === 0,
  };
}

/** Intune: the three base columns, plus Group Tag / Assigned User when the file has them. */
function outputColumns(layout: Layout, file: CsvFileInfo): readonly LayoutColumn[] {
  if (layout.id !== 'intune') {
    return layout.columns;
  }
  const source = layoutById(file.layout ?? 'intune');
  const has = (field: DeviceField) =>
    source.columns.some((column) => column.field === field && file.columns.includes(column.name));
  const keep = new Set<DeviceField>(['serialNumber', 'productKeyId', 'hardwareHash']);
  if (has('assignedUser')) {
    keep.add('groupTag').add('assignedUser');
  } else if (has('groupTag')) {
    keep.add('groupTag');
  }
  return layout.columns.filter((column) => keep.has(column.field));
}

function applyRepairs(
  record: CsvRecord,
  columns: readonly LayoutColumn[],
  changes: FixChange[],
): Record<DeviceField, string> {
  const values = { ...record.device };
  for (const repair of record.repairs) {
    const column = columns.find((c) => c.field === repair.field);
    if (column) {
      values[repair.field] = repair.value;
      changes.push({ line: record.line, column: column.name, message: repair.reason });
    }
  }
  return values;
}

function headerChanges(
  file: CsvFileInfo,
  layout: Layout,
  columns: readonly LayoutColumn[],
): FixChange[] {
  const written = columns.map((column) => column.name);
  if (
    file.columns.length === written.length &&
    file.columns.every((name, i) => name === written[i])
  ) {
    return [];
  }
  return [
    {
      line: file.headerLine,
      column: null,
      message: `header written as the ${layout.title} layout's: ${written.join(',')}`,
    },
  ];
}

const FIELD_NAMES: Record<DeviceField, string> = {
  serialNumber: 'serial number',
  productKeyId: 'product key id',
  hardwareHash: 'hardware hash',
  manufacturer: 'manufacturer',
  model: 'model',
  groupTag: 'group tag',
  assignedUser: 'assigned user',
};

function fileChanges(
  report: CsvReport,
  file: CsvFileInfo,
  layout: Layout,
  dropped: Map<DeviceField, number>,
): FixChange[] {
  const changes: FixChange[] = [];
  const note = (message: string) => changes.push({ line: null, column: null, message });
  if (report.encoding !== 'utf-8') {
    note(`converted from ${encodingName(report.encoding)} to UTF-8 without BOM`);
  }
  if (file.delimiter !== ',') {
    note(`${file.delimiter === ';' ? 'semicolons' : 'tabs'} between fields replaced by commas`);
  }
  if (report.lineEnding !== 'crlf') {
    note('line endings written as CRLF');
  }
  for (const issue of report.issues) {
    if (issue.code === 'csv.dialect.quotes') {
      note('quotation marks removed');
    } else if (
      issue.code === 'csv.header.not_first_line' ||
      issue.code === 'csv.dialect.sep_line'
    ) {
      note(`line${issue.line === 1 ? '' : 's'} above the header removed`);
    } else if (issue.code === 'csv.row.extra_empty_fields') {
      note('empty fields beyond the header removed');
    } else if (
      issue.code === 'csv.header.unknown_column' ||
      issue.code === 'csv.header.empty_unknown_column'
    ) {
      note(
        `column dropped: ${issue.message.replace(/^Column /, '').replace(/ is not part.*$/, '')}`,
      );
    }
  }
  for (const [field, rows] of dropped) {
    const why =
      field === 'groupTag' || field === 'assignedUser'
        ? 'Partner Center takes the group tag per batch, not per device'
        : `the ${layout.title} layout has no such column (the hash carries it)`;
    note(
      `${FIELD_NAMES[field]} values of ${rows} device${rows === 1 ? '' : 's'} not written: ${why}`,
    );
  }
  return changes;
}
