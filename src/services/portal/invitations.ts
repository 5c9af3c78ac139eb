/**
 * A partner's or OEM's admin invites a customer from the portal.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { isPreflightError, PreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../deps.js';
import { resolveOrganisation } from '../organisations.js';
import { inviteCustomer } from '../relationships.js';
import { toRelationshipInfo } from './relationship-views.js';
import { actingRegistrar } from './views.js';
import type { CreatedInvitation } from './contract.js';

/**
 * Invites the customer named by its domain or exact name, for the acting organisation.
 * The link is returned once; only its digest is stored.
 */
export async function inviteFromPortal(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer: string; permissions?: readonly string[]; expiresInDays?: number },
): Promise<CreatedInvitation> {
  const registrar = await actingRegistrar(deps, actor);
  const name = input.customer.trim();
  try {
    await resolveOrganisation(deps, name);
  } catch (error) {
    if (isPreflightError(error) && error.code === 'org.not_found') {
      throw new PreflightError(
        'org.not_found',
        `No customer matches "${name}".`,
        { field: 'customer', ref: name },
        "Give the customer's tenant domain (e.g. contoso.onmicrosoft.com) or its exact name; the service operator creates organisations that are not there yet.",
      );
    }
    throw error;
  }
  const invitation = await inviteCustomer(deps, actor, {
    from: registrar.id,
    to: name,
    ...(input.permissions !== undefined ? { permissions: input.permissions } : {}),
    ...(input.expiresInDays !== undefined ? { ttlDays: input.expiresInDays } : {}),
  });
  return {
    relationship: toRelationshipInfo(invitation.relationship),
    url: invitation.url,
  };
}
