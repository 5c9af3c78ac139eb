/**
 * Partner Center "Autopilot profiles" (ConfigurationPolicy, API-FACTS §1.2–1.4): deployment
 * profiles a partner or OEM creates for a customer. They live among the customer's
 * profiles (the customer's devices use them at first boot) with `managed_by_org_id` set to
 * the registrar, which alone sees and manages them through this API. Any role may read;
 * only admins create, change or delete them, as only admin agents may in Partner Center.
 * @module
 */
import { actorLabel, type Actor } from '../../domain/actor.js';
import type { DeploymentProfileSettings } from '../../domain/deployment-profile.js';
import { PreflightError } from '../../domain/errors.js';
import { organisationNameKey } from '../../domain/organisation.js';
import { newId } from '../../platform/secrets.js';
import { isUniqueViolation } from '../../store/constraint-error.js';
import type { ProfileRow } from '../../store/profile.repo.js';
import type { Repos } from '../../store/store.js';
import { recordAudit } from '../audit.js';
import type { ServiceDeps } from '../deps.js';
import { toProfileView, type ProfileView } from '../profiles.js';
import { reassignDevices } from '../registration/reassign.js';
import { ownWork, partnerContext, requireAdmin } from './partner-context.js';

/** A partner-managed profile and how many devices it is assigned to. */
export interface PolicyView {
  readonly profile: ProfileView;
  readonly devicesAssigned: number;
}

function notFound(id: string): PreflightError {
  return new PreflightError(
    'profile.not_found',
    `You have no policy ${id} for this customer.`,
    { id },
    'Check the policy id; GET /customers/{customerId}/policies lists your policies.',
  );
}

function duplicateName(displayName: string): PreflightError {
  return new PreflightError(
    'profile.duplicate_name',
    `The customer already has a profile named "${displayName}".`,
    { field: 'name', displayName },
  );
}

async function withCounts(repos: Repos, rows: readonly ProfileRow[]): Promise<PolicyView[]> {
  const counts = rows.length
    ? await repos.profiles.assignedCounts(
        rows[0]!.customer_org_id,
        rows.map((r) => r.id),
      )
    : new Map<string, number>();
  return rows.map((row) => ({
    profile: toProfileView(row),
    devicesAssigned: counts.get(row.id) ?? 0,
  }));
}

/** Creates a policy for the customer, managed by the actor's organisation. */
export async function createPolicy(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  settings: DeploymentProfileSettings,
): Promise<PolicyView> {
  requireAdmin(actor, 'Creating an Autopilot profile');
  const { registrar, customer } = await partnerContext(deps, actor, customerId, 'register_devices');
  const now = deps.clock.now();
  const at = now.toISOString();
  const id = newId();
  return deps.store.transaction(async (repos) => {
    try {
      await repos.profiles.insertProfile({
        id,
        customer_org_id: customer.id,
        display_name: settings.displayName,
        name_key: organisationNameKey(settings.displayName),
        description: settings.description,
        settings: JSON.stringify(settings),
        built_in: 0,
        created_at: at,
        updated_at: at,
        managed_by_org_id: registrar.id,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'name')) {
        throw duplicateName(settings.displayName);
      }
      throw error;
    }
    await recordAudit(repos, actor, now, {
      action: 'profile.created',
      subjectType: 'profile',
      subjectId: id,
      counterpartOrgId: customer.id,
      after: { settings, managedBy: registrar.id, by: actorLabel(actor) },
    });
    const row = await repos.profiles.findManagedBy(customer.id, registrar.id, id);
    return { profile: toProfileView(row!), devicesAssigned: 0 };
  });
}

/** The actor's policies for the customer, oldest first. */
export async function listPolicies(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
): Promise<PolicyView[]> {
  const { registrar, customer } = await partnerContext(deps, actor, customerId, ownWork);
  const { repos } = deps.store;
  return withCounts(repos, await repos.profiles.listManagedBy(customer.id, registrar.id));
}

/** One of the actor's policies for the customer; `profile.not_found` for anyone else's. */
export async function getPolicy(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  id: string,
): Promise<PolicyView> {
  const { registrar, customer } = await partnerContext(deps, actor, customerId, ownWork);
  const { repos } = deps.store;
  const row = await repos.profiles.findManagedBy(customer.id, registrar.id, id);
  if (!row) {
    throw notFound(id);
  }
  const [view] = await withCounts(repos, [row]);
  return view!;
}

/**
 * Replaces the settings of one of the actor's policies with what `change` makes of the
 * current ones, read and written in one transaction. Devices keep their assignment.
 */
export async function updatePolicy(
  deps: ServiceDeps,
  actor: Actor,
  input: {
    customerId: string;
    id: string;
    change: (current: ProfileView) => DeploymentProfileSettings;
  },
): Promise<PolicyView> {
  requireAdmin(actor, 'Changing an Autopilot profile');
  const { registrar, customer } = await partnerContext(
    deps,
    actor,
    input.customerId,
    'register_devices',
  );
  const now = deps.clock.now();
  return deps.store.transaction(async (repos) => {
    const row = await repos.profiles.findManagedBy(customer.id, registrar.id, input.id);
    if (!row) {
      throw notFound(input.id);
    }
    const before = toProfileView(row);
    const settings = input.change(before);
    try {
      await repos.profiles.updateProfile(customer.id, row.id, {
        display_name: settings.displayName,
        name_key: organisationNameKey(settings.displayName),
        description: settings.description,
        settings: JSON.stringify(settings),
        updated_at: now.toISOString(),
      });
    } catch (error) {
      if (isUniqueViolation(error, 'name')) {
        throw duplicateName(settings.displayName);
      }
      throw error;
    }
    await recordAudit(repos, actor, now, {
      action: 'profile.updated',
      subjectType: 'profile',
      subjectId: row.id,
      counterpartOrgId: customer.id,
      before: before.settings,
      after: settings,
    });
    const [view] = await withCounts(repos, [
      (await repos.profiles.findManagedBy(customer.id, registrar.id, row.id))!,
    ]);
    return view!;
  });
}

/**
 * Deletes one of the actor's policies. Its devices lose it in the same transaction and
 * fall back to what the customer's tag rules select.
 */
export async function deletePolicy(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  id: string,
): Promise<void> {
  requireAdmin(actor, 'Deleting an Autopilot profile');
  const { registrar, customer } = await partnerContext(deps, actor, customerId, 'register_devices');
  const now = deps.clock.now();
  const at = now.toISOString();
  await deps.store.transaction(async (repos) => {
    const row = await repos.profiles.findManagedBy(customer.id, registrar.id, id);
    if (!row) {
      throw notFound(id);
    }
    await repos.devicePins.unpinProfile(customer.id, id);
    // Devices point at their profile (foreign key): detach them before the delete, then
    // let the rules that remain choose again.
    const assigned = await repos.profiles.devicesWithProfile(customer.id, id);
    for (const deviceId of assigned) {
      await repos.devices.setAssignment(customer.id, deviceId, {
        profileId: null,
        status: 'notAssigned',
        at: null,
      });
    }
    if (!(await repos.profiles.deleteProfile(customer.id, id))) {
      throw notFound(id);
    }
    await reassignDevices(repos, customer.id, at, assigned);
    await recordAudit(repos, actor, now, {
      action: 'profile.deleted',
      subjectType: 'profile',
      subjectId: id,
      counterpartOrgId: customer.id,
      before: { ...toProfileView(row), devicesAssigned: assigned.length },
    });
  });
}
