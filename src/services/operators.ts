import { authorize } from '../access/policy.js';
import type { Actor } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import type { Organisation } from '../domain/organisation.js';
import { listOrganisations } from './organisations.js';
import type { ServiceDeps } from './deps.js';
import { createUser } from './users.js';

/**
 * A page of organisations for an operator, optionally those whose name or domain contains
 * `search` (any case). Operators manage a few hundred organisations at most, so the
 * filter runs over the whole list rather than in SQL.
 */
export async function searchOrganisations(
  deps: ServiceDeps,
  actor: Actor,
  query: { search?: string; offset: number; limit: number },
): Promise<{ items: Organisation[]; total: number }> {
  const needle = query.search?.trim().toLowerCase() ?? '';
  const all = await listOrganisations(deps, actor);
  const matching = needle
    ? all.filter(
        (o) => o.displayName.toLowerCase().includes(needle) || o.domain?.includes(needle) === true,
      )
    : all;
  matching.sort((a, b) => a.displayName.localeCompare(b.displayName));
  return {
    items: matching.slice(query.offset, query.offset + query.limit),
    total: matching.length,
  };
}

/**
 * Adds a user to the organisation with this id (not name or domain: the portal always
 * has the id) and returns the one-time password to hand over.
 */
export async function addUserToOrganisation(
  deps: ServiceDeps,
  actor: Actor,
  orgId: string,
  input: { email: string; role: string },
) {
  authorize(actor, 'organisation.create', null);
  const org = await deps.store.repos.organisations.findById(orgId);
  if (!org) {
    throw new PreflightError('org.not_found', `No organisation ${orgId}.`, { orgId });
  }
  return createUser(deps, actor, { org: org.id, email: input.email, role: input.role });
}
