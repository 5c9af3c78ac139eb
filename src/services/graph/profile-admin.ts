/**
 * Changing and deleting deployment profiles (Graph PATCH and DELETE on
 * `windowsAutopilotDeploymentProfiles`), under the profiles service's rules: profiles
 * belong to the customer, and only its admins change them.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import {
  normaliseProfileSettings,
  type DeploymentProfileSettings,
} from '../../domain/deployment-profile.js';
import { PreflightError } from '../../domain/errors.js';
import { organisationNameKey } from '../../domain/organisation.js';
import { isUniqueViolation } from '../../store/constraint-error.js';
import { recordAudit } from '../audit.js';
import type { ServiceDeps } from '../deps.js';
import { getProfile, type ProfileView } from '../profiles.js';

/**
 * The profile `ref` of the customer, for a change: `getProfile` applies the service's
 * read rules (customer organisations only), and changing needs the admin role, as in
 * `createProfile`.
 */
async function profileToChange(
  deps: ServiceDeps,
  actor: Actor,
  ref: string,
  customer: string | undefined,
): Promise<ProfileView> {
  const profile = await getProfile(deps, actor, ref, customer);
  if (profile.managedByOrgId !== null) {
    throw new PreflightError(
      'profile.managed_by_partner',
      `"${profile.displayName}" was created by a partner through the Partner Center API, which manages it.`,
      { id: profile.id, managedBy: profile.managedByOrgId },
    );
  }
  if (actor.kind !== 'operator') {
    const roles = actor.kind === 'user' ? [actor.role] : actor.roles;
    if (!roles.includes('admin')) {
      throw new PreflightError(
        'access.denied',
        'Changing deployment profiles needs the admin role.',
      );
    }
  }
  return profile;
}

/**
 * Replaces a profile's settings with what `change` makes of the current ones (a Graph
 * PATCH merges onto the stored profile). Assignments are untouched: a device keeps its
 * profile, which now carries the new settings.
 */
export async function updateProfile(
  deps: ServiceDeps,
  actor: Actor,
  input: {
    customer?: string;
    id: string;
    change: (current: DeploymentProfileSettings) => DeploymentProfileSettings;
  },
): Promise<ProfileView> {
  const before = await profileToChange(deps, actor, input.id, input.customer);
  const settings = normaliseProfileSettings(input.change(before.settings));
  const at = deps.clock.now().toISOString();
  return deps.store.transaction(async (repos) => {
    let updated: boolean;
    try {
      updated = await repos.profiles.updateProfile(before.customerOrgId, before.id, {
        display_name: settings.displayName,
        name_key: organisationNameKey(settings.displayName),
        description: settings.description,
        settings: JSON.stringify(settings),
        updated_at: at,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'name')) {
        throw new PreflightError(
          'profile.duplicate_name',
          `A profile named "${settings.displayName}" already exists.`,
          { displayName: settings.displayName, field: 'displayName' },
        );
      }
      throw error;
    }
    if (!updated) {
      throw new PreflightError('profile.not_found', `No profile "${input.id}" for this customer.`, {
        ref: input.id,
      });
    }
    await recordAudit(repos, actor, deps.clock.now(), {
      action: 'profile.updated',
      subjectType: 'profile',
      subjectId: before.id,
      actingOrgId: before.customerOrgId,
      before: { displayName: before.displayName, settings: before.settings },
      after: { displayName: settings.displayName, settings },
    });
    return {
      ...before,
      displayName: settings.displayName,
      description: settings.description,
      settings,
      updatedAt: at,
    };
  });
}

/**
 * Deletes a profile. The built-in profile cannot be deleted; nor can a profile that is
 * still assigned (Intune likewise requires its assignments to be removed first), so no
 * device ever silently loses its profile here.
 */
export async function deleteProfile(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string; id: string },
): Promise<void> {
  const profile = await profileToChange(deps, actor, input.id, input.customer);
  if (profile.builtIn) {
    throw new PreflightError(
      'profile.built_in',
      `"${profile.displayName}" is the built-in profile and cannot be deleted.`,
      { id: profile.id },
    );
  }
  await deps.store.transaction(async (repos) => {
    const rules = (await repos.profiles.listRules(profile.customerOrgId)).filter(
      (r) => r.profile_id === profile.id,
    );
    const devices = await repos.devices.list(
      { customerOrgId: profile.customerOrgId },
      { profileId: profile.id, limit: 1 },
    );
    if (rules.length > 0 || devices.length > 0) {
      throw new PreflightError(
        'profile.assigned',
        rules.length > 0
          ? `"${profile.displayName}" still has ${rules.length} assignment${rules.length === 1 ? '' : 's'}.`
          : `"${profile.displayName}" is still the profile of some devices.`,
        { id: profile.id, assignments: rules.map((r) => r.id) },
      );
    }
    if (!(await repos.profiles.deleteProfile(profile.customerOrgId, profile.id))) {
      throw new PreflightError('profile.not_found', `No profile "${input.id}" for this customer.`, {
        ref: input.id,
      });
    }
    await recordAudit(repos, actor, deps.clock.now(), {
      action: 'profile.deleted',
      subjectType: 'profile',
      subjectId: profile.id,
      actingOrgId: profile.customerOrgId,
      before: { displayName: profile.displayName, settings: profile.settings },
    });
  });
}
