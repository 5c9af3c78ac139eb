import { PreflightError } from './errors.js';
import type { Organisation } from './organisation.js';
import { isRegistrar } from './organisation.js';

/** What a customer allows a partner or OEM to do with its devices. */
export const relationshipPermissions = [
  'register_devices',
  'deregister_devices',
  'read_devices',
] as const;
export type RelationshipPermission = (typeof relationshipPermissions)[number];

/** invited → active → revoked, or invited → expired / revoked (withdrawn) . Nothing returns to active. */
export type RelationshipStatus = 'invited' | 'active' | 'revoked' | 'expired';

/** A reseller relationship (partner) or an OEM authorization (OEM). */
export type RelationshipKind = 'reseller' | 'oem';

/** Consent from one customer to one partner or OEM. */
export interface Relationship {
  readonly id: string;
  readonly kind: RelationshipKind;
  readonly registrarOrgId: string;
  readonly customerOrgId: string;
  readonly permissions: readonly RelationshipPermission[];
  readonly status: RelationshipStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly invitationExpiresAt: string;
  readonly acceptedAt: string | null;
  readonly acceptedBy: string | null;
  readonly endedAt: string | null;
  readonly endedBy: string | null;
}

/** Default lifetime of an invitation link. */
export const defaultInvitationTtlDays = 14;

/**
 * Reads a permission list such as `register_devices,read_devices` (or the kebab-case
 * spelling). An empty or absent list means all three permissions.
 */
export function parsePermissions(input: readonly string[] | undefined): RelationshipPermission[] {
  const wanted = (input ?? [])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim().toLowerCase().replaceAll('-', '_'))
    .filter(Boolean);
  if (wanted.length === 0) {
    return [...relationshipPermissions];
  }
  const unknown = wanted.filter((p) => !(relationshipPermissions as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new PreflightError(
      'input.invalid',
      `Unknown permission${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
      { field: 'permissions' },
      `Use any of: ${relationshipPermissions.join(', ')}.`,
    );
  }
  // Keep the canonical order so equal sets compare and print the same way.
  return relationshipPermissions.filter((p) => wanted.includes(p));
}

/** Checks that an invitation may go from `registrar` to `customer` and returns its kind. */
export function invitationKind(registrar: Organisation, customer: Organisation): RelationshipKind {
  if (!isRegistrar(registrar.kind)) {
    throw new PreflightError(
      'relationship.invalid_pair',
      `"${registrar.displayName}" is a ${registrar.kind}; only a partner or an OEM can invite a customer.`,
      { from: registrar.id, kind: registrar.kind },
    );
  }
  if (customer.kind !== 'customer') {
    throw new PreflightError(
      'relationship.invalid_pair',
      `"${customer.displayName}" is a ${customer.kind}; invitations go to customers only.`,
      { to: customer.id, kind: customer.kind },
    );
  }
  return registrar.kind === 'oem' ? 'oem' : 'reseller';
}

/** The status as of `now`: a pending invitation past its expiry has expired. */
export function effectiveStatus(rel: Relationship, now: Date): RelationshipStatus {
  if (rel.status === 'invited' && Date.parse(rel.invitationExpiresAt) <= now.getTime()) {
    return 'expired';
  }
  return rel.status;
}

/**
 * Accepts an invitation. Refuses a used, withdrawn or expired one, and refuses when the
 * pair already has an active relationship (the database enforces the same rule).
 */
export function acceptInvitation(
  rel: Relationship,
  by: { readonly label: string; readonly now: Date; readonly pairAlreadyActive: boolean },
): Relationship {
  const status = effectiveStatus(rel, by.now);
  switch (status) {
    case 'invited':
      break;
    case 'expired':
      throw new PreflightError(
        'relationship.invitation_expired',
        `This invitation expired on ${rel.invitationExpiresAt}.`,
        { relationshipId: rel.id },
      );
    case 'active':
      throw new PreflightError(
        'relationship.invitation_used',
        'This invitation was already accepted.',
        {
          relationshipId: rel.id,
        },
      );
    case 'revoked':
      throw new PreflightError('relationship.invitation_used', 'This invitation was withdrawn.', {
        relationshipId: rel.id,
      });
  }
  if (by.pairAlreadyActive) {
    throw new PreflightError(
      'relationship.already_active',
      'This customer already has an active relationship with this partner or OEM.',
      { relationshipId: rel.id },
    );
  }
  const at = by.now.toISOString();
  return { ...rel, status: 'active', acceptedAt: at, acceptedBy: by.label };
}

/**
 * Ends a relationship. The customer may end a pending or an active one; the inviting side
 * may only withdraw its own pending invitation. A revoked relationship stays revoked.
 */
export function revokeRelationship(
  rel: Relationship,
  by: { readonly orgId: string; readonly label: string; readonly now: Date },
): Relationship {
  const status = effectiveStatus(rel, by.now);
  if (status === 'revoked' || status === 'expired') {
    throw new PreflightError(
      'relationship.not_revocable',
      `This relationship is already ${status}.`,
      {
        relationshipId: rel.id,
        status,
      },
    );
  }
  if (by.orgId === rel.registrarOrgId && status === 'active') {
    throw new PreflightError(
      'access.denied',
      'Only the customer can end an active relationship.',
      { relationshipId: rel.id },
      'Ask the customer to revoke it from its side.',
    );
  }
  if (by.orgId !== rel.customerOrgId && by.orgId !== rel.registrarOrgId) {
    throw new PreflightError('relationship.not_found', 'No such relationship.', {
      relationshipId: rel.id,
    });
  }
  return { ...rel, status: 'revoked', endedAt: by.now.toISOString(), endedBy: by.label };
}

/** True when the relationship is active and grants `permission`. */
export function grants(rel: Relationship, permission: RelationshipPermission, now: Date): boolean {
  return effectiveStatus(rel, now) === 'active' && rel.permissions.includes(permission);
}
