import { describe, expect, it } from 'vitest';
import { PreflightError } from './errors.js';
import type { Organisation } from './organisation.js';
import {
  acceptInvitation,
  effectiveStatus,
  grants,
  invitationKind,
  parsePermissions,
  revokeRelationship,
  type Relationship,
} from './relationship.js';

const org = (kind: Organisation['kind'], id: string = kind): Organisation => ({
  id,
  kind,
  displayName: `${kind} ${id}`,
  domain: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});

const invited: Relationship = {
  id: 'rel-1',
  kind: 'reseller',
  registrarOrgId: 'partner',
  customerOrgId: 'customer',
  permissions: ['register_devices', 'read_devices'],
  status: 'invited',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'operator',
  invitationExpiresAt: '2026-01-15T00:00:00.000Z',
  acceptedAt: null,
  acceptedBy: null,
  endedAt: null,
  endedBy: null,
};
const before = new Date('2026-01-10T00:00:00.000Z');
const after = new Date('2026-01-16T00:00:00.000Z');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof PreflightError) {
      return error.code;
    }
    throw error;
  }
  throw new Error('expected a PreflightError');
}

describe(invitationKind.name, () => {
  it('makes a reseller relationship from a partner and an OEM authorization from an OEM', () => {
    expect(invitationKind(org('partner'), org('customer'))).toBe('reseller');
    expect(invitationKind(org('oem'), org('customer'))).toBe('oem');
  });

  it('refuses customer → customer, partner → partner and customer → partner', () => {
    expect(codeOf(() => invitationKind(org('customer', 'a'), org('customer', 'b')))).toBe(
      'relationship.invalid_pair',
    );
    expect(codeOf(() => invitationKind(org('partner', 'a'), org('partner', 'b')))).toBe(
      'relationship.invalid_pair',
    );
    expect(codeOf(() => invitationKind(org('customer'), org('partner')))).toBe(
      'relationship.invalid_pair',
    );
    expect(codeOf(() => invitationKind(org('partner'), org('oem')))).toBe(
      'relationship.invalid_pair',
    );
  });
});

describe(parsePermissions.name, () => {
  it('grants all three permissions when none are named', () => {
    expect(parsePermissions(undefined)).toEqual([
      'register_devices',
      'deregister_devices',
      'read_devices',
    ]);
  });

  it('accepts comma lists and kebab-case, in canonical order', () => {
    expect(parsePermissions(['read-devices,register_devices'])).toEqual([
      'register_devices',
      'read_devices',
    ]);
  });

  it('names the unknown permission', () => {
    expect(() => parsePermissions(['register_devices,delete_tenant'])).toThrow(/delete_tenant/);
  });
});

describe(acceptInvitation.name, () => {
  it('activates a pending invitation and records who accepted it', () => {
    const active = acceptInvitation(invited, {
      label: 'user:a@contoso.example',
      now: before,
      pairAlreadyActive: false,
    });
    expect(active.status).toBe('active');
    expect(active.acceptedBy).toBe('user:a@contoso.example');
    expect(active.acceptedAt).toBe(before.toISOString());
  });

  it('refuses an expired invitation', () => {
    expect(
      codeOf(() => acceptInvitation(invited, { label: 'x', now: after, pairAlreadyActive: false })),
    ).toBe('relationship.invitation_expired');
  });

  it('refuses a second use of the same invitation', () => {
    const active = acceptInvitation(invited, { label: 'x', now: before, pairAlreadyActive: false });
    expect(
      codeOf(() => acceptInvitation(active, { label: 'x', now: before, pairAlreadyActive: true })),
    ).toBe('relationship.invitation_used');
  });

  it('never re-activates a revoked relationship', () => {
    const revoked: Relationship = {
      ...invited,
      status: 'revoked',
      endedAt: before.toISOString(),
      endedBy: 'x',
    };
    expect(
      codeOf(() =>
        acceptInvitation(revoked, { label: 'x', now: before, pairAlreadyActive: false }),
      ),
    ).toBe('relationship.invitation_used');
  });

  it('refuses a second active relationship for the same pair', () => {
    expect(
      codeOf(() => acceptInvitation(invited, { label: 'x', now: before, pairAlreadyActive: true })),
    ).toBe('relationship.already_active');
  });
});

describe(revokeRelationship.name, () => {
  const active = acceptInvitation(invited, { label: 'x', now: before, pairAlreadyActive: false });

  it('lets the customer end an active relationship', () => {
    const ended = revokeRelationship(active, { orgId: 'customer', label: 'user:c', now: before });
    expect(ended.status).toBe('revoked');
    expect(ended.endedBy).toBe('user:c');
  });

  it('lets the inviting side withdraw its pending invitation, but not end an active relationship', () => {
    expect(revokeRelationship(invited, { orgId: 'partner', label: 'p', now: before }).status).toBe(
      'revoked',
    );
    expect(
      codeOf(() => revokeRelationship(active, { orgId: 'partner', label: 'p', now: before })),
    ).toBe('access.denied');
  });

  it('refuses to end a relationship twice, or an expired invitation', () => {
    const ended = revokeRelationship(active, { orgId: 'customer', label: 'c', now: before });
    expect(
      codeOf(() => revokeRelationship(ended, { orgId: 'customer', label: 'c', now: before })),
    ).toBe('relationship.not_revocable');
    expect(
      codeOf(() => revokeRelationship(invited, { orgId: 'customer', label: 'c', now: after })),
    ).toBe('relationship.not_revocable');
  });

  it('treats a third organisation as not knowing the relationship', () => {
    expect(
      codeOf(() => revokeRelationship(active, { orgId: 'stranger', label: 's', now: before })),
    ).toBe('relationship.not_found');
  });
});

describe(effectiveStatus.name, () => {
  it('reports a pending invitation as expired from its expiry instant on', () => {
    expect(effectiveStatus(invited, before)).toBe('invited');
    expect(effectiveStatus(invited, new Date(invited.invitationExpiresAt))).toBe('expired');
  });
});

describe(grants.name, () => {
  it('grants only the permissions given, and only while active', () => {
    const active = acceptInvitation(invited, { label: 'x', now: before, pairAlreadyActive: false });
    expect(grants(active, 'register_devices', before)).toBe(true);
    expect(grants(active, 'deregister_devices', before)).toBe(false);
    expect(grants(invited, 'register_devices', before)).toBe(false);
    const ended = revokeRelationship(active, { orgId: 'customer', label: 'c', now: before });
    expect(grants(ended, 'register_devices', before)).toBe(false);
  });
});
