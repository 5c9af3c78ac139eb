/**
 * The shapes the CSV intake hands to its callers: the registration engine streams
 * `CsvEvent`s; the CLI and portal take a whole `CsvReport` from `checkCsv`.
 * @module
 */
import type { DecodedHardwareHash } from '../domain/hardware-hash.js';
import type { CsvDelimiter } from './dialect.js';
import type { CsvIssue } from './diagnostics.js';
import type { CsvEncoding } from './encoding.js';
import type { DeviceField, LayoutId } from './layouts.js';

/**
 * Bytes of a device list: a whole buffer, or chunks from a stream (a Node `Readable`, a
 * web `ReadableStream`, an async generator). Chunks may split characters and lines anywhere.
 */
export type CsvSource = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** A device's values, trimmed; empty string when absent. The hash is in padded form. */
export type DeviceValues = Readonly<Record<DeviceField, string>>;

/** A change `fix` makes to a row, proposed while checking it. */
export interface CsvRepair {
  readonly field: DeviceField;
  readonly value: string;
  /** Said to the user, e.g. `serial filled in from the hardware hash`. */
  readonly reason: string;
}

/** One device line of the file. */
export interface CsvRecord {
  /** Line the row starts on; the header is line 1. */
  readonly line: number;
  /** No error on this row (file-wide errors aside): it would be imported. */
  readonly importable: boolean;
  /** Canonical column name of the file's layout → value, for the columns the file has. */
  readonly fields: Readonly<Record<string, string>>;
  readonly device: DeviceValues;
  /** The decoded hardware hash (digest = device identity key), or null when absent or invalid. */
  readonly hash: DecodedHardwareHash | null;
  /** Errors and warnings of this row, in column order. */
  readonly issues: readonly CsvIssue[];
  /** What `fix` would change on this row. */
  readonly repairs: readonly CsvRepair[];
}

/** How lines end in the file. */
export type LineEnding = 'crlf' | 'lf' | 'cr' | 'mixed' | 'none';

/** What is known about the file once its header has been read. */
export interface CsvFileInfo {
  /** As detected from the first bytes; the summary has the final word (see `CsvSummary`). */
  readonly encoding: CsvEncoding;
  readonly delimiter: CsvDelimiter;
  /** Null when the header matches no layout. */
  readonly layout: LayoutId | null;
  /** Line of the header, null when there is none. */
  readonly headerLine: number | null;
  /** Per field position of the header: canonical column name, or null for unknown columns. */
  readonly columns: readonly (string | null)[];
}

/** The whole file's verdict, known after the last row. */
export interface CsvSummary extends CsvFileInfo {
  /** No errors anywhere: the file can be imported as it is (warnings allowed). */
  readonly ok: boolean;
  /** Device lines read (blank lines and the header excluded). */
  readonly rows: number;
  /** Device lines without errors. */
  readonly devices: number;
  readonly rowsWithErrors: number;
  readonly errors: number;
  readonly warnings: number;
  /** Lines in the file, as an editor counts them. */
  readonly lines: number;
  readonly lineEnding: LineEnding;
}

/**
 * What `readDeviceCsv` yields, in this order: one `file` (after the header), a `record` per
 * device line, one `end`. File-wide issues known at the header come with `file`; those that
 * need the whole file (unknown columns holding values, row counts) come with `end`.
 */
export type CsvEvent =
  | { readonly kind: 'file'; readonly file: CsvFileInfo; readonly issues: readonly CsvIssue[] }
  | { readonly kind: 'record'; readonly record: CsvRecord }
  | { readonly kind: 'end'; readonly summary: CsvSummary; readonly issues: readonly CsvIssue[] };
