/**
 * CSV device-list intake: read every real-world variant of an Autopilot device list,
 * diagnose it by line and column, write a fixed file, print samples. Pure: no database,
 * no HTTP, no environment; it imports only `src/domain`.
 *
 * - `readDeviceCsv(source)` streams events (`file`, `record`…, `end`) in bounded memory —
 *   for the registration engine; `readDeviceCsvBatches` yields the same events in arrays.
 * - `checkCsv(source)` returns a whole `CsvReport` — for the CLI and the portal.
 * - `fixCsv(source, write)` writes a file the reference accepts.
 * - `sampleCsv(layout)` returns a sample file.
 * @module
 */
export { checkCsv, ReportCollector, type CheckOptions, type CsvReport } from './check.js';
export {
  issueCatalogue,
  issueCodes,
  type CsvIssue,
  type IssueCode,
  type Severity,
} from './diagnostics.js';
export { delimiterName, type CsvDelimiter } from './dialect.js';
export { encodingName, type CsvEncoding } from './encoding.js';
export {
  fixCsv,
  type FixChange,
  type FixLayoutId,
  type FixOptions,
  type FixResult,
  type LeftOutRow,
} from './fix.js';
export { formatCsvLine } from './format-row.js';
export {
  layoutById,
  layouts,
  type DeviceField,
  type Layout,
  type LayoutColumn,
  type LayoutId,
} from './layouts.js';
export type {
  CsvEvent,
  CsvFileInfo,
  CsvRecord,
  CsvRepair,
  CsvSource,
  CsvSummary,
  DeviceValues,
  LineEnding,
} from './model.js';
export { readDeviceCsv, readDeviceCsvBatches, type ReadOptions } from './read.js';
export { sampleCsv } from './sample.js';
