import {
  readDeviceCsv,
  type CsvIssue,
  type CsvRecord,
  type CsvSource,
  type CsvSummary,
} from '../../csv/index.js';
import { hashKeyOf, hashTupleKey, tupleKeyOf } from '../../domain/device.js';
import { PreflightError } from '../../domain/errors.js';
import type { RowIssue } from '../../domain/registration-outcome.js';
import type { PreparedRow } from './prepared-row.js';

/** What the CSV reader found about the whole file, once it has been read. */
export interface CsvIntake {
  /** Rows for the engine, streamed; throws `csv.file_rejected` on a file-wide error. */
  readonly rows: AsyncIterable<PreparedRow>;
  /** The file's summary (encoding, layout, counts), available after `rows` is exhausted. */
  summary(): CsvSummary | undefined;
}

/**
 * Streams a device list into rows for the registration engine. Row problems travel with
 * their row (an error makes it fail with that message and line); a file-wide error —
 * no recognisable header, unknown columns holding values — rejects the whole file, so
 * the transaction storing it is rolled back and nothing of it is kept.
 */
export function csvRows(
  source: CsvSource,
  options: { fileName?: string; batchGroupTag?: string | null } = {},
): CsvIntake {
  let summary: CsvSummary | undefined;
  const fileName = options.fileName ?? 'the file';
  async function* rows(): AsyncGenerator<PreparedRow> {
    for await (const event of readDeviceCsv(source)) {
      if (event.kind === 'file') {
        rejectOnErrors(fileName, event.issues);
      } else if (event.kind === 'record') {
        yield toPreparedRow(event.record, options.batchGroupTag ?? null);
      } else {
        summary = event.summary;
        rejectOnErrors(fileName, event.issues);
      }
    }
  }
  return { rows: rows(), summary: () => summary };
}

function rejectOnErrors(fileName: string, issues: readonly CsvIssue[]): void {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length === 0) {
    return;
  }
  const first = errors[0]!;
  const where = `${fileName}, line ${first.line}${first.column ? `, column "${first.column}"` : ''}`;
  throw new PreflightError(
    'csv.file_rejected',
    `${where}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more file-wide problem${errors.length > 2 ? 's' : ''})` : ''}`,
    { issues: errors },
    first.hint,
  );
}

function toPreparedRow(record: CsvRecord, batchGroupTag: string | null): PreparedRow {
  const d = record.device;
  const value = (v: string) => (v === '' ? null : v);
  const serialNumber = value(d.serialNumber);
  const manufacturer = value(d.manufacturer);
  const model = value(d.model);
  const hash = record.hash;
  return {
    line: record.line,
    serialNumber,
    productKeyId: value(d.productKeyId),
    hardwareHash: hash?.text ?? value(d.hardwareHash),
    hashDigest: hash ? hashKeyOf(hash) : null,
    manufacturer,
    model,
    tupleKey: tupleKeyOf(manufacturer, model, serialNumber) ?? (hash ? hashTupleKey(hash) : null),
    groupTag: value(d.groupTag) ?? batchGroupTag,
    purchaseOrderId: null,
    assignedUser: value(d.assignedUser),
    issues: record.issues.map((issue): RowIssue => ({
      severity: issue.severity,
      code: issue.code,
      field: issue.column,
      message: issue.column ? `${issue.column}: ${issue.message}` : issue.message,
      hint: issue.hint,
    })),
  };
}
