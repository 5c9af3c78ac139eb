/**
 * Partner Center `DevicePolicyUpdates` (API-FACTS §1.2–1.3): a partner applies one of its
 * policies to devices it registered, or removes it (`null`). The policy is pinned to each
 * device and wins over the customer's tag rules; the devices' assignments are re-evaluated
 * in the same transaction, so the change is done when the request returns. The request is
 * recorded as one audit event whose id is the tracking id of the reference's 202, so
 * `batchJobStatus/{id}` can report it like an upload.
 * @module
 */
import { actingOrg, actorLabel, type Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { newSortableId } from '../../platform/secrets.js';
import type { ServiceDeps } from '../deps.js';
import { reassignDevices } from '../registration/reassign.js';
import { partnerContext, requireAdmin } from './partner-context.js';

/** Most devices one request may change. */
export const maxPolicyUpdatesPerRequest = 10_000;

/** What one device should get: a policy of the registrar, or none (`null`). */
export interface DevicePolicyChange {
  readonly deviceId: string;
  readonly policyId: string | null;
}

/** One device as a policy update left it. */
export interface AppliedPolicy {
  readonly deviceId: string;
  readonly serialNumber: string | null;
  readonly productKeyId: string | null;
  /** The policy now pinned to the device, or null. */
  readonly policyId: string | null;
  /** The profile the device now gets at first boot (its pin, else its tag rules'). */
  readonly profileId: string | null;
}

/** A recorded policy update, as `batchJobStatus` reports it. */
export interface PolicyUpdateRecord {
  readonly trackingId: string;
  readonly at: string;
  readonly devices: readonly AppliedPolicy[];
}

/**
 * Applies or removes policies on the registrar's devices of one customer, all or nothing:
 * a device that is not the registrar's, or a policy that is not, refuses the whole
 * request (naming `devices[i].…`) and changes nothing.
 */
export async function applyDevicePolicies(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  changes: readonly DevicePolicyChange[],
): Promise<PolicyUpdateRecord> {
  requireAdmin(actor, 'Applying an Autopilot profile to devices');
  if (changes.length === 0) {
    throw new PreflightError('batch.empty', 'The request names no device.', { field: 'devices' });
  }
  if (changes.length > maxPolicyUpdatesPerRequest) {
    throw new PreflightError(
      'batch.too_large',
      `The request names ${changes.length} devices; at most ${maxPolicyUpdatesPerRequest} are accepted per request.`,
      { field: 'devices', limit: maxPolicyUpdatesPerRequest },
    );
  }
  const first = new Map<string, number>();
  changes.forEach((change, i) => {
    const earlier = first.get(change.deviceId);
    if (earlier !== undefined) {
      throw new PreflightError(
        'input.invalid',
        `devices[${i}] names device ${change.deviceId} again (devices[${earlier}]).`,
        { field: `devices[${i}].id` },
        'Name each device once.',
      );
    }
    first.set(change.deviceId, i);
  });

  const { registrar, customer } = await partnerContext(deps, actor, customerId, 'register_devices');
  const now = deps.clock.now();
  const at = now.toISOString();
  const trackingId = newSortableId();
  return deps.store.transaction(async (repos) => {
    const scope = { registrarOrgId: registrar.id, customerOrgId: customer.id };
    const policies = new Set<string>();
    for (const [i, change] of changes.entries()) {
      if (!(await repos.devices.find(scope, change.deviceId))) {
        throw new PreflightError(
          'device.not_found',
          `devices[${i}]: you registered no device ${change.deviceId} for this customer.`,
          { field: `devices[${i}].id`, id: change.deviceId },
          'Partners manage only the devices they registered; list them with GET …/deviceBatches/{name}/devices.',
        );
      }
      if (change.policyId !== null && !policies.has(change.policyId)) {
        if (!(await repos.profiles.findManagedBy(customer.id, registrar.id, change.policyId))) {
          throw new PreflightError(
            'profile.not_found',
            `devices[${i}]: you have no policy ${change.policyId} for this customer.`,
            { field: `devices[${i}].policies[0].value`, id: change.policyId },
            'Create the policy first (POST /customers/{customerId}/policies), or send null to remove the policy.',
          );
        }
        policies.add(change.policyId);
      }
    }
    for (const change of changes) {
      if (change.policyId === null) {
        await repos.devicePins.unpin(customer.id, change.deviceId);
      } else {
        await repos.devicePins.pin({
          customerOrgId: customer.id,
          deviceId: change.deviceId,
          profileId: change.policyId,
          pinnedAt: at,
          pinnedBy: actorLabel(actor),
        });
      }
    }
    const ids = changes.map((c) => c.deviceId);
    await reassignDevices(repos, customer.id, at, ids);
    const devices: AppliedPolicy[] = [];
    for (const change of changes) {
      const device = (await repos.devices.find(scope, change.deviceId))!;
      devices.push({
        deviceId: device.id,
        serialNumber: device.serialNumber,
        productKeyId: device.productKeyId,
        policyId: change.policyId,
        profileId: device.profileId,
      });
    }
    // Appended directly so that the event's own id is the tracking id (a primary-key lookup).
    await repos.audit.append({
      id: trackingId,
      at,
      actor: actorLabel(actor),
      actingOrgId: actingOrg(actor),
      counterpartOrgId: customer.id,
      action: 'device.policies_updated',
      subjectType: 'policy_update',
      subjectId: trackingId,
      before: null,
      after: { devices },
    });
    return { trackingId, at, devices };
  });
}

/** A policy update the registrar recorded for the customer, or undefined. */
export async function findPolicyUpdate(
  deps: ServiceDeps,
  registrarOrgId: string,
  customerOrgId: string,
  trackingId: string,
): Promise<PolicyUpdateRecord | undefined> {
  const event = await deps.store.repos.audit.findOwn(
    registrarOrgId,
    'device.policies_updated',
    trackingId,
  );
  if (!event || event.counterpartOrgId !== customerOrgId) {
    return undefined;
  }
  const { devices } = event.after as { devices: AppliedPolicy[] };
  return { trackingId: event.id, at: event.at, devices };
}
