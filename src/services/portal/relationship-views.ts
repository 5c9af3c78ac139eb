/**
 * Relationships and invitations as the portal shows them to either side: both
 * organisations named, the status as of now, and — on the invitation page — what the
 * customer would allow, in plain sentences.
 * @module
 */
import { can } from '../../access/policy.js';
import type { Actor } from '../../domain/actor.js';
import type { Organisation } from '../../domain/organisation.js';
import type { RelationshipPermission } from '../../domain/relationship.js';
import type { ServiceDeps } from '../deps.js';
import {
  acceptInvitation,
  listRelationships,
  previewInvitation,
  revokeRelationship,
  type RelationshipView,
} from '../relationships.js';
import type { InvitationPreview, OrgRef, RelationshipInfo } from './contract.js';

export function toOrgRef(
  org: Pick<Organisation, 'id' | 'displayName' | 'kind' | 'domain'>,
): OrgRef {
  return { id: org.id, displayName: org.displayName, kind: org.kind, domain: org.domain };
}

/**
 * The organisations with these ids, by id, read once each. A page of devices or audit
 * events names a handful of organisations, however many rows it has.
 */
export async function orgRefsOf(
  deps: ServiceDeps,
  ids: Iterable<string | null>,
): Promise<Map<string, OrgRef>> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  const found = await Promise.all(wanted.map((id) => deps.store.repos.organisations.findById(id)));
  const refs = new Map<string, OrgRef>();
  for (const org of found) {
    if (org) {
      refs.set(org.id, toOrgRef(org));
    }
  }
  return refs;
}

export function toRelationshipInfo(rel: RelationshipView): RelationshipInfo {
  return {
    id: rel.id,
    kind: rel.kind,
    status: rel.status,
    permissions: rel.permissions,
    registrar: toOrgRef(rel.registrar),
    customer: toOrgRef(rel.customer),
    createdAt: rel.createdAt,
    invitationExpiresAt: rel.invitationExpiresAt,
    acceptedAt: rel.acceptedAt,
    endedAt: rel.endedAt,
  };
}

/**
 * What each permission lets the partner or OEM do, said to the customer deciding: the
 * invitation page lists these under "What you allow".
 */
export function grantSentences(rel: RelationshipView): string[] {
  const customer = rel.customer.displayName;
  const sentences: Record<RelationshipPermission, string> = {
    register_devices: `Register new devices for ${customer}, so they receive your deployment profiles at first boot.`,
    read_devices: 'See the devices they registered for you.',
    deregister_devices: 'Deregister devices they registered.',
  };
  // In the order a customer weighs them: what comes in, what they see, what they remove.
  const order: readonly RelationshipPermission[] = [
    'register_devices',
    'read_devices',
    'deregister_devices',
  ];
  return order.filter((p) => rel.permissions.includes(p)).map((p) => sentences[p]);
}

/** The acting organisation's relationships, both sides, newest first. */
export async function relationshipInfos(
  deps: ServiceDeps,
  actor: Actor,
): Promise<RelationshipInfo[]> {
  return (await listRelationships(deps, actor)).map(toRelationshipInfo);
}

/**
 * The invitation behind a link, for any signed-in user holding it (the token is the
 * credential); whether this user may accept it: an admin of the invited customer, while
 * the invitation is still open.
 */
export async function invitationPreview(
  deps: ServiceDeps,
  actor: Actor,
  token: string,
): Promise<InvitationPreview> {
  const rel = await previewInvitation(deps, token);
  return {
    relationship: toRelationshipInfo(rel),
    grants: grantSentences(rel),
    canAccept: rel.status === 'invited' && can(actor, 'relationship.accept', rel),
  };
}

/** Accepts the invitation behind a link; the relationship is active at once. */
export async function acceptInvitationInfo(
  deps: ServiceDeps,
  actor: Actor,
  token: string,
): Promise<RelationshipInfo> {
  return toRelationshipInfo(await acceptInvitation(deps, actor, token));
}

/** Ends a relationship from either side (the rules are `revokeRelationship`'s). */
export async function revokeRelationshipInfo(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<RelationshipInfo> {
  return toRelationshipInfo(await revokeRelationship(deps, actor, id));
}
