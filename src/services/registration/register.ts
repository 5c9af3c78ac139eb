import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { newId } from '../../platform/secrets.js';
import type { Scope } from '../../store/scope.js';
import type { ServiceDeps } from '../deps.js';
import { toBatchRowView, toBatchView, type BatchRowView, type BatchView } from './batch-view.js';
import { resolveParties } from './consent.js';
import {
  processBatch,
  type ProgressListener,
  type TransactionRunner,
  type WorkerIdentity,
} from './process-batch.js';
import {
  maxBatchRows,
  storeSubmission,
  type BatchSubmission,
  type StoredBatch,
} from './submit-batch.js';

/** Who the batch is for, and (for the operator only) who registers. */
export interface BatchTarget {
  readonly customer: string;
  readonly registrar?: string | undefined;
}

/**
 * Accepts a batch for later processing: checks consent, stores every row durably, and
 * returns the queued batch (or the earlier batch for a retried client batch id).
 */
export async function submitBatch(
  deps: ServiceDeps,
  actor: Actor,
  target: BatchTarget,
  submission: BatchSubmission,
): Promise<StoredBatch> {
  const parties = await resolveParties(deps, actor, target, 'register_devices');
  const stored = await storeSubmission(deps.store.transaction, deps, actor, parties, submission);
  deps.events?.batchQueued(stored.batch.id);
  return stored;
}

/**
 * Submits a batch and processes it at once in this process (the CLI's `import`): the
 * same pipeline the worker runs, with progress reported after every chunk.
 */
export async function registerNow(
  deps: ServiceDeps,
  actor: Actor,
  target: BatchTarget,
  submission: BatchSubmission,
  options: { onProgress?: ProgressListener; worker?: WorkerIdentity } = {},
): Promise<StoredBatch> {
  const stored = await submitBatch(deps, actor, target, submission);
  if (stored.batch.status !== 'queued' && stored.batch.status !== 'processing') {
    return stored;
  }
  const worker = options.worker ?? { id: `cli-${newId()}`, leaseMs: 60_000 };
  const processed = await processBatch(deps, deps.store.transaction, worker, {
    batchId: stored.batch.id,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // Another worker may hold the batch; then report it as it stands.
  const latest =
    processed ?? (await deps.store.repos.batches.find({ operator: true }, stored.batch.id));
  return { batch: latest ? toBatchView(latest) : stored.batch, existing: stored.existing };
}

/**
 * Runs the whole pipeline — storing, conflict checks against the real devices, profile
 * assignment — inside one transaction that is rolled back: every verdict is the one a
 * real run would give at this moment, and nothing is kept.
 */
export async function dryRunBatch(
  deps: ServiceDeps,
  actor: Actor,
  target: BatchTarget,
  submission: BatchSubmission,
): Promise<{ batch: BatchView; rows: BatchRowView[] }> {
  return dryRunBatchWith(deps, actor, target, submission, async (batch, rows) => ({
    batch,
    rows: await rows({ offset: 0, limit: maxBatchRows }),
  }));
}

/** Reads a page of a batch's rows with their outcomes, in row order. */
export type BatchRowPages = (page: { offset: number; limit: number }) => Promise<BatchRowView[]>;

/**
 * The dry run, whose rows `report` reads before the transaction is rolled back: a caller
 * that writes them out a page at a time holds one page, not every row of a large file.
 */
export async function dryRunBatchWith<T>(
  deps: ServiceDeps,
  actor: Actor,
  target: BatchTarget,
  submission: BatchSubmission,
  report: (batch: BatchView, rows: BatchRowPages) => Promise<T>,
): Promise<T> {
  const parties = await resolveParties(deps, actor, target, 'register_devices');
  return deps.store.rolledBack(async (repos) => {
    const inside: TransactionRunner = (work) => work(repos);
    const stored = await storeSubmission(inside, deps, actor, parties, {
      ...submission,
      clientBatchId: null,
    });
    const processed = await processBatch(
      deps,
      inside,
      { id: `dry-run-${newId()}`, leaseMs: 3_600_000 },
      { batchId: stored.batch.id },
    );
    return report(toBatchView(processed!), async (page) =>
      (await repos.batches.rowsWithResults(stored.batch.id, page)).map(toBatchRowView),
    );
  });
}

/** One batch visible to `actor` (its registrar or its customer). */
export async function getBatch(deps: ServiceDeps, actor: Actor, id: string): Promise<BatchView> {
  const row = await deps.store.repos.batches.find(batchScope(actor), id);
  if (!row) {
    throw new PreflightError('batch.not_found', `No batch ${id} is visible to you.`, { id });
  }
  return toBatchView(row);
}

/** The rows of a batch with their outcomes. */
export async function getBatchRows(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  page: { offset?: number; limit?: number } = {},
): Promise<BatchRowView[]> {
  await getBatch(deps, actor, id);
  return (await deps.store.repos.batches.rowsWithResults(id, page)).map(toBatchRowView);
}

/** Batches visible to `actor`, newest first. */
export async function listBatches(
  deps: ServiceDeps,
  actor: Actor,
  filter: { customerOrgId?: string; limit?: number } = {},
): Promise<BatchView[]> {
  return (await deps.store.repos.batches.list(batchScope(actor), filter)).map(toBatchView);
}

function batchScope(actor: Actor): Scope {
  return actor.kind === 'operator' ? { operator: true } : { orgId: actor.orgId };
}
