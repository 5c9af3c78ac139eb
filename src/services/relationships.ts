import { authorize, can } from '../access/policy.js';
import { actorLabel, type Actor } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import type { Organisation } from '../domain/organisation.js';
import {
  acceptInvitation as acceptRule,
  effectiveStatus,
  invitationKind,
  parsePermissions,
  revokeRelationship as revokeRule,
  type Relationship,
} from '../domain/relationship.js';
import { newId, newInvitationToken, tokenDigest } from '../platform/secrets.js';
import { operatorScope, orgScope } from '../store/scope.js';
import { recordAudit } from './audit.js';
import type { ServiceDeps } from './deps.js';
import { resolveOrganisation } from './organisations.js';

/** A relationship as a reader sees it: its status as of now, and both sides' names. */
export interface RelationshipView extends Relationship {
  readonly registrar: Pick<Organisation, 'id' | 'kind' | 'displayName' | 'domain'>;
  readonly customer: Pick<Organisation, 'id' | 'kind' | 'displayName' | 'domain'>;
}

/** A new invitation; `token` and `url` are shown once and never stored. */
export interface Invitation {
  readonly relationship: RelationshipView;
  readonly token: string;
  readonly url: string;
}

/**
 * A partner or OEM invites a customer. The link carries a single-use, expiring token of
 * 256 random bits; only its SHA-256 digest is stored.
 */
export async function inviteCustomer(
  deps: ServiceDeps,
  actor: Actor,
  input: { from: string; to: string; permissions?: readonly string[]; ttlDays?: number },
): Promise<Invitation> {
  const registrar = await resolveOrganisation(deps, input.from);
  const customer = await resolveOrganisation(deps, input.to);
  authorize(actor, 'relationship.invite', { registrarOrgId: registrar.id });
  const kind = invitationKind(registrar, customer);
  const permissions = parsePermissions(input.permissions);
  const ttlDays = input.ttlDays ?? deps.settings.invitationTtlDays;
  if (!Number.isInteger(ttlDays) || ttlDays < 1 || ttlDays > 365) {
    throw new PreflightError(
      'input.invalid',
      `An invitation lasts 1 to 365 days (got ${ttlDays}).`,
      {
        field: 'expiresInDays',
      },
    );
  }
  if (await deps.store.repos.relationships.hasActive(registrar.id, customer.id)) {
    throw new PreflightError(
      'relationship.already_active',
      `${customer.displayName} already has an active relationship with ${registrar.displayName}.`,
      { from: registrar.id, to: customer.id },
    );
  }
  const now = deps.clock.now();
  const token = newInvitationToken();
  const rel: Relationship = {
    id: newId(),
    kind,
    registrarOrgId: registrar.id,
    customerOrgId: customer.id,
    permissions,
    status: 'invited',
    createdAt: now.toISOString(),
    createdBy: actorLabel(actor),
    invitationExpiresAt: new Date(now.getTime() + ttlDays * 86_400_000).toISOString(),
    acceptedAt: null,
    acceptedBy: null,
    endedAt: null,
    endedBy: null,
  };
  await deps.store.transaction(async (repos) => {
    await repos.relationships.insert(rel, registrar.kind as 'partner' | 'oem', tokenDigest(token));
    await recordAudit(repos, actor, now, {
      action: 'relationship.invited',
      subjectType: 'relationship',
      subjectId: rel.id,
      actingOrgId: registrar.id,
      counterpartOrgId: customer.id,
      after: rel,
    });
  });
  const path = kind === 'oem' ? 'oem-authorizations' : 'invitations';
  return {
    relationship: view(rel, registrar, customer, now),
    token,
    url: `${deps.settings.publicUrl}/portal/${path}/${token}`,
  };
}

/**
 * What an invitation link grants, for the page where the customer decides. Anyone with
 * the token may read it (the token is the credential); an unknown token reveals nothing.
 */
export async function previewInvitation(
  deps: ServiceDeps,
  token: string,
): Promise<RelationshipView> {
  const rel = await deps.store.repos.relationships.findByTokenDigest(tokenDigest(token.trim()));
  if (!rel) {
    throw new PreflightError(
      'relationship.invitation_not_found',
      'No invitation matches this link.',
    );
  }
  return withNames(deps, rel);
}

/** The customer's admin accepts an invitation; the relationship becomes active at once. */
export async function acceptInvitation(
  deps: ServiceDeps,
  actor: Actor,
  token: string,
): Promise<RelationshipView> {
  const found = await previewInvitation(deps, token);
  authorize(actor, 'relationship.accept', found);
  const now = deps.clock.now();
  const accepted = await deps.store.transaction(async (repos) => {
    const current = await repos.relationships.find(operatorScope, found.id);
    if (!current) {
      throw new PreflightError(
        'relationship.invitation_not_found',
        'No invitation matches this link.',
      );
    }
    const next = acceptRule(current, {
      label: actorLabel(actor),
      now,
      pairAlreadyActive: await repos.relationships.hasActive(
        current.registrarOrgId,
        current.customerOrgId,
      ),
    });
    if (!(await repos.relationships.transition(next, 'invited'))) {
      throw new PreflightError(
        'relationship.invitation_used',
        'This invitation was answered meanwhile.',
      );
    }
    await recordAudit(repos, actor, now, {
      action: 'relationship.accepted',
      subjectType: 'relationship',
      subjectId: next.id,
      counterpartOrgId: next.registrarOrgId,
      before: current,
      after: next,
    });
    return next;
  });
  return { ...found, ...accepted };
}

/** The relationships of an organisation (both directions), with their current status. */
export async function listRelationships(
  deps: ServiceDeps,
  actor: Actor,
  filter: { org?: string } = {},
): Promise<RelationshipView[]> {
  let scope = actor.kind === 'operator' ? operatorScope : orgScope(actor.orgId);
  if (filter.org !== undefined) {
    const org = await resolveOrganisation(deps, filter.org);
    if (actor.kind !== 'operator' && actor.orgId !== org.id) {
      throw new PreflightError('org.not_found', `No organisation matches "${filter.org}".`, {
        ref: filter.org,
      });
    }
    scope = orgScope(org.id);
  }
  const rels = await deps.store.repos.relationships.list(scope);
  return Promise.all(rels.map((rel) => withNames(deps, rel)));
}

/** One relationship visible to `actor`, or `relationship.not_found` (also for other tenants'). */
export async function getRelationship(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<RelationshipView> {
  const scope = actor.kind === 'operator' ? operatorScope : orgScope(actor.orgId);
  const found = await deps.store.repos.relationships.find(scope, id);
  if (!found || !can(actor, 'relationship.read', found)) {
    throw new PreflightError('relationship.not_found', `No relationship ${id} is visible to you.`, {
      id,
    });
  }
  return withNames(deps, found);
}

/**
 * Ends a relationship: the customer's admin revokes (pending or active), or the inviting
 * side's admin withdraws its own pending invitation. Takes effect at once.
 */
export async function revokeRelationship(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<RelationshipView> {
  const scope = actor.kind === 'operator' ? operatorScope : orgScope(actor.orgId);
  const found = await getRelationship(deps, actor, id);
  authorize(actor, 'relationship.revoke', found);
  const now = deps.clock.now();
  const actorOrg = actor.kind === 'operator' ? found.customerOrgId : actor.orgId;
  const revoked = await deps.store.transaction(async (repos) => {
    const current = (await repos.relationships.find(scope, id)) ?? found;
    const next = revokeRule(current, { orgId: actorOrg, label: actorLabel(actor), now });
    if (!(await repos.relationships.transition(next, current.status))) {
      throw new PreflightError(
        'relationship.not_revocable',
        'The relationship changed meanwhile; look at it again.',
      );
    }
    await recordAudit(repos, actor, now, {
      action: 'relationship.revoked',
      subjectType: 'relationship',
      subjectId: id,
      counterpartOrgId:
        actorOrg === current.customerOrgId ? current.registrarOrgId : current.customerOrgId,
      before: current,
      after: next,
    });
    return next;
  });
  return withNames(deps, revoked);
}

async function withNames(deps: ServiceDeps, rel: Relationship): Promise<RelationshipView> {
  const [registrar, customer] = await Promise.all([
    deps.store.repos.organisations.findById(rel.registrarOrgId),
    deps.store.repos.organisations.findById(rel.customerOrgId),
  ]);
  if (!registrar || !customer) {
    throw new Error(`Relationship ${rel.id} refers to a missing organisation.`);
  }
  return view(rel, registrar, customer, deps.clock.now());
}

function view(
  rel: Relationship,
  registrar: Organisation,
  customer: Organisation,
  now: Date,
): RelationshipView {
  const pick = (o: Organisation) => ({
    id: o.id,
    kind: o.kind,
    displayName: o.displayName,
    domain: o.domain,
  });
  return {
    ...rel,
    status: effectiveStatus(rel, now),
    registrar: pick(registrar),
    customer: pick(customer),
  };
}
