import { authorize } from '../access/policy.js';
import type { Actor } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import {
  normaliseNewOrganisation,
  organisationNameKey,
  parseOrgKind,
  type NewOrganisationInput,
  type Organisation,
} from '../domain/organisation.js';
import { newId } from '../platform/secrets.js';
import { recordAudit } from './audit.js';
import { seedBuiltInProfile } from './profiles.js';
import type { ServiceDeps } from './deps.js';

/** Creates an organisation (operator only). Name and domain are unique; the database holds the rule. */
export async function createOrganisation(
  deps: ServiceDeps,
  actor: Actor,
  input: NewOrganisationInput,
): Promise<Organisation> {
  authorize(actor, 'organisation.create', null);
  const fields = normaliseNewOrganisation(input);
  const now = deps.clock.now();
  const org: Organisation = {
    id: newId(),
    kind: fields.kind,
    displayName: fields.displayName,
    domain: fields.domain,
    createdAt: now.toISOString(),
  };
  return deps.store.transaction(async (repos) => {
    await repos.organisations.insert(org, fields.nameKey);
    if (org.kind === 'customer') {
      await seedBuiltInProfile(repos, org.id, org.createdAt);
    }
    await recordAudit(repos, actor, now, {
      action: 'organisation.created',
      subjectType: 'organisation',
      subjectId: org.id,
      actingOrgId: org.id,
      after: org,
    });
    return org;
  });
}

/** Lists organisations (operator only), optionally of one kind. */
export async function listOrganisations(
  deps: ServiceDeps,
  actor: Actor,
  filter: { kind?: string } = {},
): Promise<Organisation[]> {
  authorize(actor, 'organisation.create', null);
  return deps.store.repos.organisations.list(
    filter.kind ? { kind: parseOrgKind(filter.kind) } : {},
  );
}

/** Finds an organisation by id, name or domain, or says none matches. */
export async function resolveOrganisation(deps: ServiceDeps, ref: string): Promise<Organisation> {
  const org = await deps.store.repos.organisations.findByRef(ref.trim(), organisationNameKey(ref));
  if (!org) {
    throw new PreflightError('org.not_found', `No organisation matches "${ref}".`, { ref });
  }
  return org;
}
