import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { isRegistrar, type Organisation } from '../../domain/organisation.js';
import {
  grants,
  type Relationship,
  type RelationshipPermission,
} from '../../domain/relationship.js';
import type { Repos } from '../../store/store.js';
import type { ServiceDeps } from '../deps.js';
import { resolveOrganisation } from '../organisations.js';

/**
 * The two sides of a registration and the relationship that allows it; a customer
 * registering its own devices (Graph's import) is both sides and needs no relationship.
 */
export interface RegistrationParties {
  readonly registrar: Organisation;
  readonly customer: Organisation;
  readonly relationship: Relationship | null;
}

/**
 * Who registers for whom: a user or client of a partner/OEM acts for its own
 * organisation (admin or agent role); the operator names the registrar. The customer
 * must have an active relationship with the registrar that grants `permission` — unless
 * a customer's own user or client registers for itself.
 */
export async function resolveParties(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer: string; registrar?: string | undefined },
  permission: RelationshipPermission,
): Promise<RegistrationParties> {
  let registrar: Organisation;
  if (actor.kind === 'operator') {
    if (!input.registrar) {
      throw new PreflightError(
        'input.invalid',
        'Name the partner or OEM that registers (--as ORG).',
        { field: 'as' },
      );
    }
    registrar = await resolveOrganisation(deps, input.registrar);
  } else {
    const own = await deps.store.repos.organisations.findById(actor.orgId);
    if (!own) {
      throw new PreflightError('org.not_found', 'Your organisation no longer exists.');
    }
    registrar = own;
    const roles = actor.kind === 'user' ? [actor.role] : actor.roles;
    if (!roles.some((r) => r === 'admin' || r === 'agent')) {
      throw new PreflightError(
        'access.denied',
        'Registering devices needs the admin or agent role.',
        { permission },
      );
    }
  }
  if (registrar.kind === 'customer' && actor.kind !== 'operator') {
    const customer = await resolveOrganisation(deps, input.customer);
    if (customer.id !== registrar.id) {
      throw new PreflightError('org.not_found', `No organisation matches "${input.customer}".`, {
        ref: input.customer,
      });
    }
    return { registrar, customer, relationship: null };
  }
  if (!isRegistrar(registrar.kind)) {
    throw new PreflightError(
      'org.wrong_kind',
      `"${registrar.displayName}" is a ${registrar.kind}; only partners and OEMs register devices.`,
      {
        org: registrar.id,
      },
    );
  }
  const customer = await resolveOrganisation(deps, input.customer);
  const relationship = await requireConsent(
    deps.store.repos,
    registrar,
    customer,
    permission,
    deps.clock.now(),
  );
  return { registrar, customer, relationship };
}

/**
 * The active relationship granting `permission`, or a `consent.missing` error that says
 * what is missing without telling a stranger anything about the customer.
 */
export async function requireConsent(
  repos: Repos,
  registrar: Pick<Organisation, 'id' | 'displayName'>,
  customer: Pick<Organisation, 'id' | 'displayName'>,
  permission: RelationshipPermission,
  now: Date,
): Promise<Relationship> {
  const relationship = await repos.relationships.findActive(registrar.id, customer.id);
  if (!relationship || !grants(relationship, permission, now)) {
    throw new PreflightError(
      'consent.missing',
      relationship
        ? `The relationship with this customer does not grant ${permission}.`
        : `There is no active relationship between ${registrar.displayName} and this customer.`,
      { customer: customer.id, permission },
    );
  }
  return relationship;
}
