/**
 * Partner Center `batchJobStatus/{trackingId}`: the state of one asynchronous job of a
 * registrar for a customer — a device upload (one of our batches, with a result per
 * device) or a policy update (done at once, read from its audit record).
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../deps.js';
import {
  toBatchRowView,
  toBatchView,
  type BatchRowView,
  type BatchView,
} from '../registration/batch-view.js';
import { ownWork, partnerContext } from './partner-context.js';
import { findPolicyUpdate, type PolicyUpdateRecord } from './policy-updates.js';

/** What a tracking id stands for. */
export type JobStatus =
  | { readonly kind: 'upload'; readonly batch: BatchView; readonly rows: readonly BatchRowView[] }
  | { readonly kind: 'policyUpdate'; readonly update: PolicyUpdateRecord };

/**
 * The job `trackingId` of the actor's organisation for the customer. Another registrar's
 * job, or the customer's own batch, is `batch.not_found` like an unknown id.
 */
export async function getJobStatus(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  trackingId: string,
): Promise<JobStatus> {
  const { registrar, customer } = await partnerContext(deps, actor, customerId, ownWork);
  const { batches } = deps.store.repos;
  const batch = await batches.findOwn(registrar.id, customer.id, trackingId);
  if (batch) {
    const rows = await batches.rowsWithResults(batch.id);
    return { kind: 'upload', batch: toBatchView(batch), rows: rows.map(toBatchRowView) };
  }
  const update = await findPolicyUpdate(deps, registrar.id, customer.id, trackingId);
  if (update) {
    return { kind: 'policyUpdate', update };
  }
  throw new PreflightError(
    'batch.not_found',
    `You have no batch job ${trackingId} for this customer.`,
    { batchTrackingId: trackingId },
    'Use the tracking id from the Location header of the upload or policy update.',
  );
}
