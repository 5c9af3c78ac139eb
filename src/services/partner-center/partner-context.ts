/**
 * Who acts in a Partner Center use case: a partner's or OEM's user or client, for one
 * customer that consented. Shared by every use case under this folder.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { isRegistrar, type Organisation } from '../../domain/organisation.js';
import type { RelationshipPermission } from '../../domain/relationship.js';
import type { Role } from '../../domain/user.js';
import type { ServiceDeps } from '../deps.js';
import { requireConsent } from '../registration/consent.js';

/**
 * What reading one's own work needs: either permission. A partner the customer lets only
 * register still reads the status of its uploads, its batches and its policies.
 */
export const ownWork: readonly RelationshipPermission[] = ['read_devices', 'register_devices'];

/** The registrar acting, and the customer it acts for. */
export interface PartnerContext {
  readonly registrar: Organisation;
  readonly customer: Organisation;
}

/**
 * The actor's organisation (a partner or OEM) and the customer `customerId`, checked to
 * have an active relationship granting `permission`. A customer that does not exist gets
 * the same answer as one without consent, so a stranger learns nothing.
 */
export async function partnerContext(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  permission: RelationshipPermission | readonly RelationshipPermission[],
): Promise<PartnerContext> {
  const anyOf: readonly RelationshipPermission[] =
    typeof permission === 'string' ? [permission] : permission;
  if (actor.kind === 'operator') {
    throw new PreflightError(
      'access.denied',
      'Partner Center operations are made by a partner or OEM, not by the operator.',
    );
  }
  const registrar = await deps.store.repos.organisations.findById(actor.orgId);
  if (!registrar || !isRegistrar(registrar.kind)) {
    throw new PreflightError(
      'access.denied',
      'Partner Center operations are for partners and OEMs.',
    );
  }
  const customer = await deps.store.repos.organisations.findById(customerId);
  if (!customer || customer.kind !== 'customer') {
    throw new PreflightError(
      'consent.missing',
      `There is no active relationship between ${registrar.displayName} and customer ${customerId}.`,
      { customer: customerId, permission: anyOf[0] },
    );
  }
  const now = deps.clock.now();
  let refusal: unknown;
  for (const wanted of anyOf) {
    try {
      await requireConsent(deps.store.repos, registrar, customer, wanted, now);
      return { registrar, customer };
    } catch (error) {
      refusal ??= error;
    }
  }
  throw refusal;
}

/** The roles of a user or client actor (the operator has none). */
export function rolesOf(actor: Actor): readonly Role[] {
  switch (actor.kind) {
    case 'operator':
      return [];
    case 'user':
      return [actor.role];
    case 'client':
      return actor.roles;
  }
}

/**
 * Refuses unless the actor holds the admin role: in Partner Center only admin agents
 * create and apply Autopilot profiles (API-FACTS §1.4).
 */
export function requireAdmin(actor: Actor, what: string): void {
  if (!rolesOf(actor).includes('admin')) {
    throw new PreflightError('access.denied', `${what} needs the admin role.`, {
      required: 'admin',
    });
  }
}
