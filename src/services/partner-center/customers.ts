/**
 * Partner Center `GET /customers`: the customers that consented to the actor's
 * organisation (an active reseller relationship or OEM authorization).
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { isRegistrar } from '../../domain/organisation.js';
import type { ServiceDeps } from '../deps.js';
import { listRelationships, type RelationshipView } from '../relationships.js';

/** A consented customer and the kind of its relationship with the registrar. */
export interface ConsentedCustomer {
  readonly customer: RelationshipView['customer'];
  readonly relationship: Pick<RelationshipView, 'id' | 'kind' | 'permissions' | 'acceptedAt'>;
}

/** Customers with an active relationship with the actor's partner or OEM, by name. */
export async function listConsentedCustomers(
  deps: ServiceDeps,
  actor: Actor,
): Promise<ConsentedCustomer[]> {
  if (actor.kind === 'operator') {
    throw new PreflightError('access.denied', 'Name the partner or OEM whose customers you mean.');
  }
  const own = await deps.store.repos.organisations.findById(actor.orgId);
  if (!own || !isRegistrar(own.kind)) {
    throw new PreflightError('access.denied', 'Only partners and OEMs have customers.');
  }
  const relationships = await listRelationships(deps, actor);
  return relationships
    .filter((r) => r.registrarOrgId === own.id && r.status === 'active')
    .map((r) => ({
      customer: r.customer,
      relationship: {
        id: r.id,
        kind: r.kind,
        permissions: r.permissions,
        acceptedAt: r.acceptedAt,
      },
    }))
    .sort(
      (a, b) =>
        a.customer.displayName.localeCompare(b.customer.displayName) ||
        a.customer.id.localeCompare(b.customer.id),
    );
}
