import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import { actorLabel, type Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { newId } from '../../platform/secrets.js';
import { isUniqueViolation } from '../../store/constraint-error.js';
import type { BatchRow } from '../../store/batch.repo.js';
import type { BatchRowHashesTable, BatchRowsTable } from '../../store/schema.js';
import type { Repos } from '../../store/store.js';
import type { TransactionRunner } from './process-batch.js';
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
  /**
   * Partner Center's device-batch name (`DeviceBatchCreationRequest.batchId`): several
   * uploads of one registrar for one customer may share it, and list as one batch.
   */
  readonly deviceBatchName?: string | null;
  readonly rows: AsyncIterable<PreparedRow> | Iterable<PreparedRow>;
  /**
   * Runs inside the transaction that acknowledges the batch, so that records a caller keeps
   * about it (Graph's import records) exist exactly when the batch does.
   */
  readonly onAcknowledge?: (repos: Repos, batch: BatchView) => Promise<void>;
}

/** Chunk writes under way at once while the reading goes on (PostgreSQL: one connection each). */
const storeWritesInFlight = 2;
/** Most rows one batch may hold. */
export const maxBatchRows = 1_000_000;

/** The outcome of storing a submission: the batch, and whether it already existed. */
export interface StoredBatch {
  readonly batch: BatchView;
  readonly existing: boolean;
}

/**
 * How long a `receiving` batch lives without a sign of life from its submitter, which
 * renews the lease every quarter of it while it reads and stores rows. Once the lease has
 * run out the submitter is taken for dead (a killed process, a crashed server): a retry
 * with the same client batch id replaces the batch, and the worker deletes it.
 */
export const receivingLeaseMs = 2 * 60_000;
/** For batches left `receiving` by versions that kept no lease: abandoned after this long. */
const leaselessAbandonedAfterMs = 60 * 60_000;

/** Deletes the batches whose submitter died while sending them; returns how many. */
export async function deleteAbandonedBatches(deps: ServiceDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  return deps.store.repos.batches.deleteAbandoned(
    new Date(now).toISOString(),
    new Date(now - leaselessAbandonedAfterMs).toISOString(),
  );
}

/** When a `receiving` batch counts as abandoned if its submitter shows no sign of life. */
function abandonedAt(batch: BatchRow): Date {
  return batch.lease_expires_at
    ? new Date(batch.lease_expires_at)
    : new Date(Date.parse(batch.created_at) + leaselessAbandonedAfterMs);
}

/**
 * Stores a batch and all its rows, then marks it `queued`; nothing is registered yet (the
 * worker does that). Rows are written in chunks of their own transactions while the batch
 * is `receiving` — so a large file never holds the database's write lock for long — and
 * the batch only becomes `queued` (acknowledged) in a final transaction. A failure on the
 * way (a rejected file, a database fault) deletes what was received; a submitter that dies
 * stops renewing the batch's receiving lease, and once it runs out a retry replaces the
 * batch or the worker deletes it. Either way nothing half-written is ever processed.
 *
 * When `clientBatchId` names an earlier batch, the rows are compared by digest: the same
 * rows return that batch (a safe retry); other rows are refused, so a reused id never
 * silently registers something else.
 */
export async function storeSubmission(
  run: TransactionRunner,
  deps: ServiceDeps,
  actor: Actor,
  parties: RegistrationParties,
  submission: BatchSubmission,
): Promise<StoredBatch> {
  const clientBatchId = submission.clientBatchId?.trim() || null;
  const batchId = newId();
  const existing = await run((repos) =>
    openBatch(repos, deps, actor, parties, submission, batchId, clientBatchId),
  );
  // The sign of life that keeps a retry from taking this batch for abandoned. A timer, not
  // the chunk writes: a slow upload may take longer than a lease between two chunks. A
  // failed renewal is left to the next one; if the database stays away, the chunk writes
  // fail too and the submission ends.
  const renewal = existing
    ? undefined
    : setInterval(() => {
        const until = new Date(deps.clock.now().getTime() + receivingLeaseMs).toISOString();
        void run((repos) => repos.batches.renewReceiving(batchId, until)).catch(() => undefined);
      }, receivingLeaseMs / 4);
  renewal?.unref();
  const digest = createHash('sha256');
  const deviceBatchName = submission.deviceBatchName ?? null;
  // The name joins the digest only when set, so digests of earlier batches stay valid.
  digest.update(
    JSON.stringify([
      submission.groupTag ?? null,
      Boolean(submission.strictTags),
      ...(deviceBatchName === null ? [] : [deviceBatchName]),
    ]),
  );

  let total = 0;
  // Rows read from a stream stay in memory until their chunk is written, which on SQLite
  // must be soon (see DialectInfo.batchChunkRows). Rows handed over already in memory (an
  // API request's) cost nothing more to hold, so they go in chunks of at least 2000: with a
  // 1000-device API batch in one transaction instead of four, the batch API registered
  // 7 200 devices/s instead of 6 200.
  const streamed = deps.store.database.info.batchChunkRows.store;
  const storeChunk = Array.isArray(submission.rows) ? Math.max(streamed, 2000) : streamed;
  // Chunks are written while the next ones are read: on PostgreSQL the server stores and
  // this process reads at the same time, on separate cores, instead of taking turns.
  // Each chunk is its own transaction with its own rows, so their order does not matter;
  // the batch is acknowledged only after every one has landed. (better-sqlite3 writes in
  // this thread on one connection, so on SQLite they still run one after another.)
  // The writes under way never reject: the first failure is kept in `failed` and thrown by
  // the next flush or at the end, so none goes unnoticed however early it settles.
  const writing = new Set<Promise<void>>();
  let failed: { readonly error: unknown } | undefined;
  const throwIfFailed = () => {
    if (failed) {
      throw failed.error;
    }
  };
  try {
    let buffer: Insertable<BatchRowsTable>[] = [];
    let hashes: Insertable<BatchRowHashesTable>[] = [];
    const flush = async () => {
      throwIfFailed();
      if (buffer.length > 0) {
        const [rows, texts] = [buffer, hashes];
        buffer = [];
        hashes = [];
        while (writing.size >= storeWritesInFlight) {
          await Promise.race(writing);
          throwIfFailed();
        }
        const write: Promise<void> = run((repos) => repos.batches.insertRows(rows, texts))
          .catch((error: unknown) => {
            failed ??= { error };
          })
          .finally(() => writing.delete(write));
        writing.add(write);
      }
    };
    for await (const row of submission.rows) {
      if (total >= maxBatchRows) {
        throw new PreflightError(
          'batch.too_large',
          `A batch holds at most ${maxBatchRows} devices.`,
          {
            limit: maxBatchRows,
          },
        );
      }
      digest.update(rowFingerprint(row));
      if (!existing) {
        buffer.push(toInputRow(batchId, total, row));
        if (row.hardwareHash !== null) {
          hashes.push({ batch_id: batchId, row_index: total, hardware_hash: row.hardwareHash });
        }
        if (buffer.length >= storeChunk) {
          await flush();
        }
      }
      total += 1;
    }
    if (total === 0) {
      throw new PreflightError('batch.empty', 'The batch has no device rows.', {});
    }
    await flush();
    await Promise.all(writing);
    throwIfFailed();
  } catch (error) {
    // Writes in flight must end before the batch is deleted, or their rows could land after.
    await Promise.all(writing);
    if (!existing) {
      await run((repos) => repos.batches.deleteBatch(batchId)).catch(() => undefined);
    }
    throw error;
  } finally {
    clearInterval(renewal);
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

  return run(async (repos) => {
    await repos.batches.markQueued(batchId, total, contentDigest);
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
    const stored = toBatchView((await repos.batches.find({ operator: true }, batchId)) as BatchRow);
    await submission.onAcknowledge?.(repos, stored);
    return { batch: stored, existing: false };
  });
}

/**
 * Starts receiving a batch, or finds the earlier batch with the same client batch id. An
 * earlier batch with that id still `receiving` is either being sent right now (refused)
 * or was abandoned (deleted, so this submission takes its place).
 */
async function openBatch(
  repos: Repos,
  deps: ServiceDeps,
  actor: Actor,
  parties: RegistrationParties,
  submission: BatchSubmission,
  batchId: string,
  clientBatchId: string | null,
): Promise<BatchRow | undefined> {
  const now = deps.clock.now();
  let existing = clientBatchId
    ? await repos.batches.findByClientBatchId(
        parties.registrar.id,
        parties.customer.id,
        clientBatchId,
      )
    : undefined;
  if (existing?.status === 'receiving') {
    const abandoned = abandonedAt(existing);
    if (now < abandoned) {
      const retryAfterSeconds = Math.ceil((abandoned.getTime() - now.getTime()) / 1000);
      throw new PreflightError(
        'batch.conflicting_retry',
        `A batch with the id "${clientBatchId}" is being submitted right now.`,
        {
          clientBatchId,
          batchId: existing.id,
          retryAfter: abandoned.toISOString(),
          retryAfterSeconds,
        },
        `Wait for it to be accepted, then retry; the retry will return that batch. If its sending was interrupted, retry after ${abandoned.toISOString()} (in ${retryAfterSeconds} s): the retry then replaces it.`,
      );
    }
    await repos.batches.deleteBatch(existing.id);
    existing = undefined;
  }
  if (existing) {
    return existing;
  }
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
      status: 'receiving',
      total_rows: 0,
      registered_rows: 0,
      failed_rows: 0,
      warning_rows: 0,
      created_at: now.toISOString(),
      created_by: actorLabel(actor),
      started_at: null,
      finished_at: null,
      lease_owner: null,
      lease_expires_at: new Date(now.getTime() + receivingLeaseMs).toISOString(),
      failure_reason: null,
      device_batch_name: submission.deviceBatchName ?? null,
    });
  } catch (error) {
    if (clientBatchId && isUniqueViolation(error, 'batches')) {
      throw new PreflightError(
        'batch.conflicting_retry',
        `A batch with the id "${clientBatchId}" is being submitted right now.`,
        { clientBatchId },
        'Wait for it to be accepted, then retry; the retry will return that batch.',
      );
    }
    throw error;
  }
  return undefined;
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
