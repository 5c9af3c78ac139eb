import type { RowIssue } from '../../domain/registration-outcome.js';

/**
 * One device row as the registration engine takes it, whatever the source (CSV file,
 * API payload, portal upload): values as submitted (trimmed, empty → null), the identity
 * keys derived from them, and the problems found while reading. A row with an error
 * issue is recorded as failed; warnings travel with its result.
 */
export interface PreparedRow {
  /** Line in the source file (header = line 1), or null for API payloads. */
  readonly line: number | null;
  readonly serialNumber: string | null;
  readonly productKeyId: string | null;
  /** The hash as canonical padded base64 (null when absent or unreadable). */
  readonly hardwareHash: string | null;
  readonly hashDigest: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly tupleKey: string | null;
  /** The row's own tag, or the batch's when the row has none. */
  readonly groupTag: string | null;
  readonly purchaseOrderId: string | null;
  readonly assignedUser: string | null;
  readonly issues: readonly RowIssue[];
}
