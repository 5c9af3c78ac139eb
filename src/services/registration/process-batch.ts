import type { Insertable } from 'kysely';
import { hasIdentity } from '../../domain/device.js';
import { grants } from '../../domain/relationship.js';
import { isTransientConflict } from '../../store/constraint-error.js';
import {
  failure,
  type RowIssue,
  type RowOutcome,
  type RowFailureCode,
} from '../../domain/registration-outcome.js';
import { newSortableId } from '../../platform/secrets.js';
import type { BatchRow, PendingRow } from '../../store/batch.repo.js';
import type { DeviceOwnerRow } from '../../store/device.repo.js';
import type { BatchResultsTable, DevicesTable } from '../../store/schema.js';
import type { Repos } from '../../store/store.js';
import { recordAudit } from '../audit.js';
import type { ServiceDeps } from '../deps.js';
import { AssignmentPlan } from './assignment-plan.js';

/**
 * Rows registered per transaction: large enough to amortise the commit, small enough to
 * keep locks short and the rows in hand few (see `DialectInfo.batchChunkRows`).
 */
function chunkRows(deps: ServiceDeps): number {
  return deps.store.database.info.batchChunkRows.process;
}

/** A worker's identity and how long its claim on a batch lasts without renewal. */
export interface WorkerIdentity {
  readonly id: string;
  readonly leaseMs: number;
}

/** How far a batch has got, reported after every chunk. */
export type ProgressListener = (progress: { done: number; total: number }) => void;

/** Runs `work` in a transaction (real runs) or inside an outer one (dry runs). */
export type TransactionRunner = <T>(work: (repos: Repos) => Promise<T>) => Promise<T>;

/**
 * Claims a batch (the given one, or the oldest waiting) and registers its pending rows,
 * one transaction per chunk: a chunk's devices and its rows' results land together or
 * not at all, so a worker that dies leaves every row either done or untouched, and the
 * next worker resumes after the lease expires. Returns the batch, or undefined when there
 * was nothing to claim.
 */
export async function processBatch(
  deps: ServiceDeps,
  run: TransactionRunner,
  worker: WorkerIdentity,
  options: { batchId?: string; onProgress?: ProgressListener; shouldStop?: () => boolean } = {},
): Promise<BatchRow | undefined> {
  const now = deps.clock.now();
  const claimed = await run((repos) =>
    repos.batches.claim(worker.id, now.toISOString(), lease(now, worker), options.batchId),
  );
  if (!claimed) {
    return undefined;
  }
  if (Number(claimed.attempts) > maxAttempts) {
    return giveUp(deps, run, worker, claimed);
  }
  const plan = await run((repos) => AssignmentPlan.load(repos, claimed.customer_org_id));
  let after = await run((repos) => repos.batches.lastResultIndex(claimed.id));
  for (;;) {
    const step = await retryConflicts(() =>
      run((repos) => processChunk(repos, deps, worker, claimed, plan, after)),
    );
    if (step === 'lease_lost') {
      return (await run((repos) => repos.batches.find({ operator: true }, claimed.id))) ?? claimed;
    }
    if (step.processed === 0) {
      break;
    }
    after = step.lastIndex;
    options.onProgress?.({ done: step.done, total: Number(claimed.total_rows) });
    if (options.shouldStop?.()) {
      // Shutting down: hand the batch back at once instead of waiting for the lease to expire.
      return run(async (repos) => {
        await repos.batches.releaseLease(claimed.id, worker.id, deps.clock.now().toISOString());
        return (await repos.batches.find({ operator: true }, claimed.id)) ?? claimed;
      });
    }
  }
  return finishBatch(deps, run, worker, claimed);
}

/**
 * Runs a chunk's transaction again when the database aborted it for a deadlock with
 * another worker (two partners registering the same devices at once take the same unique
 * keys in different orders). The chunk's transaction wrote nothing, so a rerun is exact.
 */
async function retryConflicts<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTransientConflict(error)) {
        throw error;
      }
      // A short random pause so the two transactions do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
}

/** Claims after which a batch that keeps failing is given up (a system fault, not the data). */
export const maxAttempts = 5;

/** Records the end of a batch, unless another worker took it over meanwhile. */
async function finishBatch(
  deps: ServiceDeps,
  run: TransactionRunner,
  worker: WorkerIdentity,
  claimed: BatchRow,
  failureReason: string | null = null,
): Promise<BatchRow> {
  return run(async (repos) => {
    const current = (await repos.batches.find({ operator: true }, claimed.id)) ?? claimed;
    const status =
      failureReason !== null
        ? 'failed'
        : Number(current.failed_rows) > 0
          ? 'finished_with_errors'
          : 'finished';
    const at = deps.clock.now();
    if (
      !(await repos.batches.finish(claimed.id, worker.id, status, at.toISOString(), failureReason))
    ) {
      return current;
    }
    await recordAudit(repos, { kind: 'operator' }, at, {
      action: 'batch.finished',
      subjectType: 'batch',
      subjectId: claimed.id,
      actingOrgId: claimed.registrar_org_id,
      counterpartOrgId: claimed.customer_org_id,
      after: {
        status,
        registered: Number(current.registered_rows),
        failed: Number(current.failed_rows),
        failureReason,
      },
    });
    return {
      ...current,
      status,
      finished_at: at.toISOString(),
      lease_owner: null,
      lease_expires_at: null,
    };
  });
}

/**
 * Gives up a batch that failed `maxAttempts` times: every row still without an outcome
 * gets the reference's StorageError (retry later), so the batch still has one outcome per
 * row, and the batch ends `failed`.
 */
async function giveUp(
  deps: ServiceDeps,
  run: TransactionRunner,
  worker: WorkerIdentity,
  claimed: BatchRow,
): Promise<BatchRow> {
  let after = await run((repos) => repos.batches.lastResultIndex(claimed.id));
  for (;;) {
    const rows = await run((repos) => repos.batches.rowsAfter(claimed.id, after, chunkRows(deps)));
    if (rows.length === 0) {
      break;
    }
    await run(async (repos) => {
      await repos.batches.insertResults(
        rows.map((row) =>
          toResult(claimed.id, Number(row.row_index), failure('device.storage_error')),
        ),
      );
      await repos.batches.addCounts(claimed.id, {
        registered: 0,
        failed: rows.length,
        warnings: 0,
      });
    });
    after = Number(rows[rows.length - 1]!.row_index);
  }
  return finishBatch(
    deps,
    run,
    worker,
    claimed,
    `Processing failed ${maxAttempts} times; see the service log.`,
  );
}

function lease(now: Date, worker: WorkerIdentity): string {
  return new Date(now.getTime() + worker.leaseMs).toISOString();
}

type ChunkStep = { processed: number; lastIndex: number; done: number } | 'lease_lost';

/** Registers the next chunk of pending rows of `batch` and records every row's outcome. */
async function processChunk(
  repos: Repos,
  deps: ServiceDeps,
  worker: WorkerIdentity,
  batch: BatchRow,
  plan: AssignmentPlan,
  after: number,
): Promise<ChunkStep> {
  const now = deps.clock.now();
  if (!(await repos.batches.renewLease(batch.id, worker.id, lease(now, worker)))) {
    return 'lease_lost';
  }
  const rows = await repos.batches.rowsAfter(batch.id, after, chunkRows(deps));
  if (rows.length === 0) {
    return { processed: 0, lastIndex: after, done: 0 };
  }
  const consent = await hasConsent(repos, batch, now);
  const at = now.toISOString();
  const outcomes = new Map<number, RowOutcome>();
  const candidates: {
    row: PendingRow;
    device: Insertable<DevicesTable>;
    warnings: RowIssue[];
    tagWarning: RowIssue | null;
  }[] = [];

  for (const row of rows) {
    const index = Number(row.row_index);
    const issues = row.issues ? (JSON.parse(row.issues) as RowIssue[]) : [];
    const warnings = issues.filter((i) => i.severity === 'warning');
    const firstError = issues.find((i) => i.severity === 'error');
    if (!consent) {
      outcomes.set(index, failure('relationship.no_consent', { warnings }));
      continue;
    }
    if (firstError) {
      outcomes.set(
        index,
        failure(rowFailureFor(firstError.code), {
          message: firstError.message,
          remedy: firstError.hint,
          warnings,
        }),
      );
      continue;
    }
    if (
      !hasIdentity({
        hashDigest: row.hash_digest,
        productKeyId: row.product_key_id,
        tupleKey: row.tuple_key,
      })
    ) {
      outcomes.set(index, failure('device.missing_identifiers', { warnings }));
      continue;
    }
    // Time-ordered ids append to the primary-key index instead of splitting random pages.
    const deviceId = newSortableId();
    const verdict = plan.verdict({
      id: deviceId,
      groupTag: row.group_tag,
      purchaseOrderId: row.purchase_order_id,
    });
    if (verdict.intendedTag !== null && batch.strict_tags === 1) {
      outcomes.set(
        index,
        failure('device.tag_near_miss', { message: verdict.warning?.message, warnings }),
      );
      continue;
    }
    candidates.push({
      row,
      warnings,
      // Said only of devices that get registered: a refused row keeps its current tag.
      tagWarning: verdict.warning,
      device: {
        id: deviceId,
        customer_org_id: batch.customer_org_id,
        hash_digest: row.hash_digest,
        product_key_id: row.product_key_id,
        tuple_key: row.tuple_key,
        serial_number: row.serial_number,
        manufacturer: row.manufacturer,
        model: row.model,
        group_tag: row.group_tag,
        purchase_order_id: row.purchase_order_id,
        assigned_user: row.assigned_user,
        display_name: null,
        registered_by_org_id: batch.registrar_org_id,
        registered_by: batch.created_by,
        registered_at: at,
        batch_id: batch.id,
        batch_row_index: index,
        profile_id: verdict.profileId,
        profile_status: verdict.profileId ? 'assignedInSync' : 'notAssigned',
        profile_assigned_at: verdict.profileId ? at : null,
      },
    });
  }

  // In key order: two workers inserting the same devices then take the unique keys in the
  // same order, which keeps them from deadlocking on PostgreSQL (retryConflicts covers the rest).
  const sortKey = (d: Insertable<DevicesTable>) =>
    d.hash_digest ?? d.tuple_key ?? d.product_key_id ?? '';
  const inserted = await repos.devices.insertNew(
    candidates
      .map((c) => c.device)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0)),
  );
  const refused = candidates.filter((c) => !inserted.has(c.device.id as string));
  const owners = await repos.devices.ownersOf(
    refused.map((c) => ({
      hashDigest: c.row.hash_digest,
      productKeyId: c.row.product_key_id,
      tupleKey: c.row.tuple_key,
    })),
  );
  const lines = await earlierLines(repos, batch.id, owners);
  for (const candidate of candidates) {
    const index = Number(candidate.row.row_index);
    if (inserted.has(candidate.device.id as string)) {
      outcomes.set(index, {
        status: 'registered',
        deviceId: candidate.device.id as string,
        profileId: candidate.device.profile_id ?? null,
        warnings: candidate.tagWarning
          ? [...candidate.warnings, candidate.tagWarning]
          : candidate.warnings,
      });
    } else {
      outcomes.set(index, conflictOutcome(candidate.row, batch, owners, lines, candidate.warnings));
    }
  }

  const results: Insertable<BatchResultsTable>[] = rows.map((row) =>
    toResult(batch.id, Number(row.row_index), outcomes.get(Number(row.row_index))!),
  );
  await repos.batches.insertResults(results);
  const registered = results.filter((r) => r.status === 'registered').length;
  await repos.batches.addCounts(batch.id, {
    registered,
    failed: results.length - registered,
    warnings: results.filter((r) => r.warnings !== null).length,
  });
  const done = Number(rows[rows.length - 1]!.row_index) + 1;
  return { processed: rows.length, lastIndex: Number(rows[rows.length - 1]!.row_index), done };
}

/** The consent check at processing time: the customer may have revoked since submission. */
async function hasConsent(repos: Repos, batch: BatchRow, now: Date): Promise<boolean> {
  if (batch.registrar_org_id === batch.customer_org_id) {
    return true; // a customer registering its own devices
  }
  const relationship = await repos.relationships.findActive(
    batch.registrar_org_id,
    batch.customer_org_id,
  );
  return relationship !== undefined && grants(relationship, 'register_devices', now);
}

/** Maps a row's first input error to the outcome the reference would report. */
function rowFailureFor(code: string): RowFailureCode {
  if (code === 'device.invalid_hash' || code.startsWith('csv.hash')) {
    return 'device.invalid_hash';
  }
  if (code === 'device.missing_identifiers' || code.includes('missing')) {
    return 'device.missing_identifiers';
  }
  if (code.includes('duplicate')) {
    return 'device.duplicate_in_request';
  }
  return 'device.invalid_input';
}

/** Lines of this batch's rows that registered a device the later rows repeat. */
async function earlierLines(
  repos: Repos,
  batchId: string,
  owners: readonly DeviceOwnerRow[],
): Promise<Map<number, number | null>> {
  const indexes = owners.filter((o) => o.batchId === batchId).map((o) => o.batchRowIndex);
  return repos.batches.linesOf(batchId, indexes);
}

/**
 * Why a device was not inserted: its key belongs to a device of this batch (a repeat
 * inside the request), of this customer (806), or of another customer (808). The 808
 * message names neither the other customer nor its partner.
 */
function conflictOutcome(
  row: PendingRow,
  batch: BatchRow,
  owners: readonly DeviceOwnerRow[],
  lines: Map<number, number | null>,
  warnings: RowIssue[],
): RowOutcome {
  const owner = owners.find(
    (o) =>
      (row.hash_digest !== null && o.hashDigest === row.hash_digest) ||
      (row.product_key_id !== null && o.productKeyId === row.product_key_id) ||
      (row.tuple_key !== null && o.tupleKey === row.tuple_key),
  );
  if (!owner) {
    // The conflicting device was deregistered between the insert and the lookup.
    return failure('device.invalid_input', {
      message: 'The device changed owner while this batch ran.',
      remedy: 'Submit this row again.',
      warnings,
    });
  }
  if (owner.customerOrgId !== batch.customer_org_id) {
    return failure('device.registered_to_other_customer', { warnings });
  }
  if (owner.batchId === batch.id) {
    const line = lines.get(owner.batchRowIndex);
    return failure('device.duplicate_in_request', {
      message:
        line !== null && line !== undefined
          ? `This device already appears on line ${line}; only that row is registered.`
          : `This device already appears in row ${owner.batchRowIndex + 1} of the batch; only that row is registered.`,
      warnings,
    });
  }
  return failure('device.already_registered_here', { warnings });
}

function toResult(
  batchId: string,
  index: number,
  outcome: RowOutcome,
): Insertable<BatchResultsTable> {
  const warnings = outcome.warnings.length ? JSON.stringify(outcome.warnings) : null;
  if (outcome.status === 'registered') {
    return {
      batch_id: batchId,
      row_index: index,
      status: 'registered',
      code: null,
      reference_code: null,
      reference_name: null,
      message: null,
      remedy: null,
      device_id: outcome.deviceId,
      profile_id: outcome.profileId,
      warnings,
    };
  }
  return {
    batch_id: batchId,
    row_index: index,
    status: 'failed',
    code: outcome.code,
    reference_code: outcome.referenceCode,
    reference_name: outcome.referenceName,
    message: outcome.message,
    remedy: outcome.remedy,
    device_id: null,
    profile_id: null,
    warnings,
  };
}
