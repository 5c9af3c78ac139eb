import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { isRegistrar } from '../../domain/organisation.js';
import {
  effectiveStatus,
  type Relationship,
  type RelationshipPermission,
} from '../../domain/relationship.js';
import type { ServiceDeps } from '../deps.js';

/** Most tenants one validation request may name. */
export const maxValidatedTenants = 1000;

/** Whether the caller may register devices for one tenant, and why not. */
export interface TenantValidation {
  /** The tenant as the caller named it (id or domain). */
  readonly tenant: string;
  /** The customer's tenant id, when the caller has (or had) a relationship with it. */
  readonly customerId: string | null;
  readonly mayRegister: boolean;
  /**
   * `consented`: an active relationship grants registration; `permission_missing`: it
   * is active but does not grant it; `ended`: it was revoked or expired; `not_consented`:
   * no relationship — said alike for unknown tenants, so ids cannot be probed.
   */
  readonly status: 'consented' | 'permission_missing' | 'ended' | 'not_consented';
  readonly permissions: readonly RelationshipPermission[];
}

/**
 * The OEM "validate device submission data" step: before registering, tells for each
 * named customer tenant whether the caller (an OEM or partner) may register devices for it.
 */
export async function validateTenants(
  deps: ServiceDeps,
  actor: Actor,
  tenants: readonly string[],
): Promise<TenantValidation[]> {
  if (actor.kind === 'operator') {
    throw new PreflightError('input.invalid', 'Validation is asked by a partner or an OEM.');
  }
  const own = await deps.store.repos.organisations.findById(actor.orgId);
  if (!own || !isRegistrar(own.kind)) {
    throw new PreflightError('access.denied', 'Only partners and OEMs validate customer tenants.');
  }
  if (tenants.length > maxValidatedTenants) {
    throw new PreflightError(
      'input.invalid',
      `${tenants.length} tenants were named; at most ${maxValidatedTenants} per request.`,
      { field: 'tenants' },
    );
  }
  const now = deps.clock.now();
  // Newest first, so the first relationship seen per customer is its latest.
  const latest = new Map<string, Relationship>();
  const relationships = (await deps.store.repos.relationships.list({ orgId: own.id })).filter(
    (r) => r.registrarOrgId === own.id,
  );
  for (const rel of relationships) {
    const current = latest.get(rel.customerOrgId);
    if (!current || (current.status !== 'active' && rel.status === 'active')) {
      latest.set(rel.customerOrgId, rel);
    }
  }
  const answers: TenantValidation[] = [];
  for (const raw of tenants) {
    const tenant = raw.trim();
    const org = tenant ? await deps.store.repos.organisations.findByRef(tenant, '') : undefined;
    const rel = org && latest.get(org.id);
    if (!org || !rel) {
      answers.push({
        tenant: raw,
        customerId: null,
        mayRegister: false,
        status: 'not_consented',
        permissions: [],
      });
      continue;
    }
    const status = effectiveStatus(rel, now);
    if (status !== 'active') {
      answers.push({
        tenant: raw,
        customerId: status === 'invited' ? null : org.id,
        mayRegister: false,
        status: status === 'invited' ? 'not_consented' : 'ended',
        permissions: [],
      });
      continue;
    }
    const mayRegister = rel.permissions.includes('register_devices');
    answers.push({
      tenant: raw,
      customerId: org.id,
      mayRegister,
      status: mayRegister ? 'consented' : 'permission_missing',
      permissions: rel.permissions,
    });
  }
  return answers;
}
