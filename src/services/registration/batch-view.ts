import type { RowIssue } from '../../domain/registration-outcome.js';
import type { BatchRow, BatchRowWithResult } from '../../store/batch.repo.js';

/** A batch as callers see it (presenters map this to each wire format). */
export interface BatchView {
  readonly id: string;
  readonly clientBatchId: string | null;
  readonly registrarOrgId: string;
  readonly customerOrgId: string;
  readonly status: BatchRow['status'];
  readonly source: BatchRow['source'];
  readonly fileName: string | null;
  readonly groupTag: string | null;
  readonly strictTags: boolean;
  readonly totalRows: number;
  readonly registeredRows: number;
  readonly failedRows: number;
  readonly warningRows: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly failureReason: string | null;
  /** Partner Center's device-batch name, or null for batches submitted otherwise. */
  readonly deviceBatchName: string | null;
}

/** One row of a batch with its outcome (null while it waits for the worker). */
export interface BatchRowView {
  readonly index: number;
  readonly line: number | null;
  readonly serialNumber: string | null;
  readonly productKeyId: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly groupTag: string | null;
  readonly hashDigest: string | null;
  readonly status: 'pending' | 'registered' | 'failed';
  readonly deviceId: string | null;
  readonly profileId: string | null;
  readonly code: string | null;
  readonly referenceCode: string | null;
  readonly referenceName: string | null;
  readonly message: string | null;
  readonly remedy: string | null;
  readonly warnings: readonly RowIssue[];
}

export function toBatchView(row: BatchRow): BatchView {
  return {
    id: row.id,
    clientBatchId: row.client_batch_id,
    registrarOrgId: row.registrar_org_id,
    customerOrgId: row.customer_org_id,
    status: row.status,
    source: row.source,
    fileName: row.file_name,
    groupTag: row.group_tag,
    strictTags: row.strict_tags === 1,
    totalRows: Number(row.total_rows),
    registeredRows: Number(row.registered_rows),
    failedRows: Number(row.failed_rows),
    warningRows: Number(row.warning_rows),
    createdAt: row.created_at,
    createdBy: row.created_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    failureReason: row.failure_reason,
    deviceBatchName: row.device_batch_name,
  };
}

export function toBatchRowView(row: BatchRowWithResult): BatchRowView {
  return {
    index: Number(row.row_index),
    line: row.line === null ? null : Number(row.line),
    serialNumber: row.serial_number,
    productKeyId: row.product_key_id,
    manufacturer: row.manufacturer,
    model: row.model,
    groupTag: row.group_tag,
    hashDigest: row.hash_digest,
    status: row.status ?? 'pending',
    deviceId: row.device_id,
    profileId: row.profile_id,
    code: row.code,
    referenceCode: row.reference_code,
    referenceName: row.reference_name,
    message: row.message,
    remedy: row.remedy,
    warnings: row.warnings ? (JSON.parse(row.warnings) as RowIssue[]) : [],
  };
}
