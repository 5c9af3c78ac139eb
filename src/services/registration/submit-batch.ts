import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import { actorLabel, type Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { newId } from '../../platform/secrets.js';
import { isUniqueViolation } from '../../store/constraint-error.js';
import type { BatchRow } from '../../store/batch.repo.js';
import type { BatchRowHashesTable, BatchRowsTable } from '../../store/schema.js';
import type { Repos } from '../../store/store.js';
import { recordAudit } from '../audit.js';
import type { ServiceDeps } from '../deps.js';
import { toBatchView, type BatchView } from './batch-view.js';
import type { RegistrationParties } from './consent.js';
import type { PreparedRow } from './prepared-row.js';

/** What a registrar submits: rows from any source, and options for the whole batch. */
export interface BatchSubmission {
  readonly source: 'csv' | 'api' | 'portal' | 'cli';
  readonly fileName?: string | null;
  /** Applied to rows without a tag of their own (already folded into each PreparedRow). */
  readonly groupTag?: string | null;
  /** The caller's id for the batch; the same id with the same rows returns the same batch. */
  readonly clientBatchId?: string | null;
  /** Refuse rows whose tag nearly matches a rule instead of registering them untagged. */
  readonly strictTags?: boolean;
  readonly rows: AsyncIterable<PreparedRow> | Iterable<PreparedRow>;
}

/** Rows written per INSERT while a batch is stored. */
const storeChunk = 500;
/** Most rows one batch may hold. */
export const maxBatchRows = 1_000_000;

/** The outcome of storing a submission: the batch, and whether it already existed. */
export interface StoredBatch {
  readonly batch: BatchView;
  readonly existing: boolean;
}

/**
 * Stores a batch and all its rows in the caller's transaction, as `queued`. Nothing is
 * registered yet: the worker does that. When `clientBatchId` names an earlier batch, the
 * rows are compared by digest: the same rows return that batch (a safe retry); other rows
 * are refused, so a reused id never silently registers something else.
 */
export async function storeSubmission(
  repos: Repos,
  deps: ServiceDeps,
  actor: Actor,
  parties: RegistrationParties,
  submission: BatchSubmission,
): Promise<StoredBatch> {
  const clientBatchId = submission.clientBatchId?.trim() || null;
  const existing = clientBatchId
    ? await repos.batches.findByClientBatchId(
        parties.registrar.id,
        parties.customer.id,
        clientBatchId,
      )
    : undefined;
  const now = deps.clock.now().toISOString();
  const batchId = newId();
  const digest = createHash('sha256');
  digest.update(JSON.stringify([submission.groupTag ?? null, Boolean(submission.strictTags)]));

  if (!existing) {
    try {
      await repos.batches.insertBatch({
        id: batchId,
        registrar_org_id: parties.registrar.id,
        customer_org_id: parties.customer.id,
        client_batch_id: clientBatchId,
        content_digest: '',
        source: submission.source,
        file_name: submission.fileName ?? null,
        group_tag: submission.groupTag ?? null,
        strict_tags: submission.strictTags ? 1 : 0,
        status: 'queued',
        total_rows: 0,
        registered_rows: 0,
        failed_rows: 0,
        warning_rows: 0,
        created_at: now,
        created_by: actorLabel(actor),
        started_at: null,
        finished_at: null,
        lease_owner: null,
        lease_expires_at: null,
        failure_reason: null,
      });
    } catch (error) {
      if (clientBatchId && isUniqueViolation(error, 'batches')) {
        throw new PreflightError(
          'batch.conflicting_retry',
          `A batch with the id "${clientBatchId}" is being submitted right now.`,
          {
            clientBatchId,
          },
          'Wait for it to be accepted, then retry; the retry will return that batch.',
        );
      }
      throw error;
    }
  }

  let total = 0;
  let buffer: Insertable<BatchRowsTable>[] = [];
  let hashes: Insertable<BatchRowHashesTable>[] = [];
  for await (const row of submission.rows) {
    if (total >= maxBatchRows) {
      throw new PreflightError(
        'batch.too_large',
        `A batch holds at most ${maxBatchRows} devices.`,
        { limit: maxBatchRows },
      );
    }
    digest.update(rowFingerprint(row));
    if (!existing) {
      buffer.push(toInputRow(batchId, total, row));
      if (row.hardwareHash !== null) {
        hashes.push({ batch_id: batchId, row_index: total, hardware_hash: row.hardwareHash });
      }
      if (buffer.length >= storeChunk) {
        await repos.batches.insertRows(buffer, hashes);
        buffer = [];
        hashes = [];
      }
    }
    total += 1;
  }
  if (total === 0) {
    throw new PreflightError('batch.empty', 'The batch has no device rows.', {});
  }
  const contentDigest = digest.digest('hex');

  if (existing) {
    if (existing.content_digest !== contentDigest) {
      throw new PreflightError(
        'batch.conflicting_retry',
        `The batch id "${clientBatchId}" was already used for different devices (batch ${existing.id}).`,
        { clientBatchId, batchId: existing.id },
      );
    }
    return { batch: toBatchView(existing), existing: true };
  }

  await repos.batches.insertRows(buffer, hashes);
  await repos.batches.setTotals(batchId, total, contentDigest);
  await recordAudit(repos, actor, deps.clock.now(), {
    action: 'batch.submitted',
    subjectType: 'batch',
    subjectId: batchId,
    actingOrgId: parties.registrar.id,
    counterpartOrgId: parties.customer.id,
    after: {
      rows: total,
      source: submission.source,
      fileName: submission.fileName ?? null,
      clientBatchId,
    },
  });
  const stored = (await repos.batches.find({ operator: true }, batchId)) as BatchRow;
  return { batch: toBatchView(stored), existing: false };
}

/** The part of a row that decides what gets registered, for the idempotency digest. */
function rowFingerprint(row: PreparedRow): string {
  return `${JSON.stringify([
    row.serialNumber,
    row.productKeyId,
    row.hashDigest ?? row.hardwareHash,
    row.manufacturer,
    row.model,
    row.groupTag,
    row.purchaseOrderId,
    row.assignedUser,
  ])}\n`;
}

function toInputRow(batchId: string, index: number, row: PreparedRow): Insertable<BatchRowsTable> {
  return {
    batch_id: batchId,
    row_index: index,
    line: row.line,
    serial_number: row.serialNumber,
    product_key_id: row.productKeyId,
    hash_digest: row.hashDigest,
    manufacturer: row.manufacturer,
    model: row.model,
    tuple_key: row.tupleKey,
    group_tag: row.groupTag,
    purchase_order_id: row.purchaseOrderId,
    assigned_user: row.assignedUser,
    issues: row.issues.length ? JSON.stringify(row.issues) : null,
  };
}
