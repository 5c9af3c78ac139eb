import type { Actor } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import { offlineProfileJson, type AutopilotConfigurationFile } from '../domain/offline-profile.js';
import type { ServiceDeps } from './deps.js';
import { getProfile } from './profiles.js';

/**
 * A profile as `AutopilotConfigurationFile.json`, for devices that are not registered
 * (Microsoft's "existing devices" path): the same file first boot serves.
 */
export async function offlineConfiguration(
  deps: ServiceDeps,
  actor: Actor,
  profileRef: string,
  customer?: string,
): Promise<{ file: AutopilotConfigurationFile; profileName: string }> {
  const profile = await getProfile(deps, actor, profileRef, customer);
  const org = await deps.store.repos.organisations.findById(profile.customerOrgId);
  if (!org?.domain) {
    throw new PreflightError(
      'input.invalid',
      'The customer has no tenant domain, which the file must carry.',
      { field: 'domain' },
      'Set the organisation domain first (preflight org create … --domain), then download again.',
    );
  }
  return {
    file: offlineProfileJson(profile, { id: org.id, domain: org.domain }),
    profileName: profile.displayName,
  };
}
