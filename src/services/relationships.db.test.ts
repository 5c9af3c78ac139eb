import { describe, expect, it } from 'vitest';
import { forEachDialect, snapshot } from '../../test/kit/databases.js';
import { buildDeps, buildTenants, userActor } from '../../test/kit/services.js';
import { operator } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import { listAuditEvents } from './audit.js';
import { createOrganisation } from './organisations.js';
import {
  acceptInvitation,
  getRelationship,
  inviteCustomer,
  listRelationships,
  previewInvitation,
  revokeRelationship,
} from './relationships.js';
import { createUser } from './users.js';

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PreflightError) {
      return error.code;
    }
    throw error;
  }
  throw new Error('expected the operation to be refused');
}

forEachDialect('relationship lifecycle', (database) => {
  it('invites, accepts and revokes, with every step in both sides’ audit log', async () => {
    const { deps } = buildDeps(database());
    const { partner, customer, customerAdmin } = await buildTenants(deps);

    const invitation = await inviteCustomer(deps, operator, {
      from: partner.displayName,
      to: customer.domain!,
    });
    expect(invitation.url).toBe(`https://preflight.test/portal/invitations/${invitation.token}`);
    expect(invitation.token).toMatch(/^[0-9a-f]{64}$/);
    expect(invitation.relationship.status).toBe('invited');

    const accepted = await acceptInvitation(deps, customerAdmin, invitation.token);
    expect(accepted.status).toBe('active');
    expect(accepted.acceptedBy).toBe('user:admin@contoso.example');

    const revoked = await revokeRelationship(deps, customerAdmin, accepted.id);
    expect(revoked.status).toBe('revoked');

    const partnerView = await listAuditEvents(deps, operator, { orgId: partner.id });
    expect(partnerView.map((e) => e.action)).toEqual([
      'organisation.created',
      'user.created',
      'relationship.invited',
      'relationship.accepted',
      'relationship.revoked',
    ]);
    const customerView = await listAuditEvents(deps, customerAdmin);
    expect(
      customerView.filter((e) => e.subjectType === 'relationship').map((e) => e.action),
    ).toEqual(['relationship.invited', 'relationship.accepted', 'relationship.revoked']);
    const revokedEvent = customerView.at(-1)!;
    expect(revokedEvent.before).toMatchObject({ status: 'active' });
    expect(revokedEvent.after).toMatchObject({
      status: 'revoked',
      endedBy: 'user:admin@contoso.example',
    });
  });

  it('never stores the invitation token, only its digest', async () => {
    const { deps } = buildDeps(database());
    const { partner, customer } = await buildTenants(deps);
    const { token } = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    const dump = JSON.stringify(await snapshot(database()));
    expect(dump).not.toContain(token);
  });

  it('refuses an expired invitation and changes nothing', async () => {
    const { deps, clock } = buildDeps(database());
    const { partner, customer, customerAdmin } = await buildTenants(deps);
    const { token } = await inviteCustomer(deps, operator, {
      from: partner.id,
      to: customer.id,
      ttlDays: 1,
    });
    clock.advance(86_400_000);
    const before = await snapshot(database());
    expect(await refusal(acceptInvitation(deps, customerAdmin, token))).toBe(
      'relationship.invitation_expired',
    );
    expect(await snapshot(database())).toEqual(before);
    expect((await previewInvitation(deps, token)).status).toBe('expired');
  });

  it('refuses a used or unknown token and changes nothing', async () => {
    const { deps } = buildDeps(database());
    const { partner, customer, customerAdmin } = await buildTenants(deps);
    const { token } = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    await acceptInvitation(deps, customerAdmin, token);
    const before = await snapshot(database());
    expect(await refusal(acceptInvitation(deps, customerAdmin, token))).toBe(
      'relationship.invitation_used',
    );
    expect(await refusal(acceptInvitation(deps, customerAdmin, '0'.repeat(64)))).toBe(
      'relationship.invitation_not_found',
    );
    expect(await snapshot(database())).toEqual(before);
  });

  it('lets only an admin of the invited customer accept, and changes nothing otherwise', async () => {
    const { deps } = buildDeps(database());
    const { partner, customer, partnerAdmin } = await buildTenants(deps);
    const agent = await userActor(deps, customer, 'agent@contoso.example', 'agent');
    const other = await createOrganisation(deps, operator, {
      kind: 'customer',
      displayName: 'Northwind',
    });
    const otherAdmin = await userActor(deps, other, 'admin@northwind.example', 'admin');
    const { token } = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    const before = await snapshot(database());
    expect(await refusal(acceptInvitation(deps, agent, token))).toBe('access.denied');
    expect(await refusal(acceptInvitation(deps, otherAdmin, token))).toBe('access.denied');
    expect(await refusal(acceptInvitation(deps, partnerAdmin, token))).toBe('access.denied');
    expect(await snapshot(database())).toEqual(before);
  });

  it('keeps one active relationship per pair and never re-activates a revoked one', async () => {
    const { deps } = buildDeps(database());
    const { partner, customer, customerAdmin } = await buildTenants(deps);
    const first = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    const second = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    const active = await acceptInvitation(deps, customerAdmin, first.token);
    expect(await refusal(acceptInvitation(deps, customerAdmin, second.token))).toBe(
      'relationship.already_active',
    );
    expect(
      await refusal(inviteCustomer(deps, operator, { from: partner.id, to: customer.id })),
    ).toBe('relationship.already_active');
    await revokeRelationship(deps, customerAdmin, active.id);
    expect(await refusal(acceptInvitation(deps, customerAdmin, first.token))).toBe(
      'relationship.invitation_used',
    );
    // A new invitation starts a new relationship.
    const again = await acceptInvitation(deps, customerAdmin, second.token);
    expect(again.id).not.toBe(active.id);
    expect(again.status).toBe('active');
  });

  it('refuses invitations between the wrong kinds of organisation', async () => {
    const { deps } = buildDeps(database());
    const { partner, customer } = await buildTenants(deps);
    const otherCustomer = await createOrganisation(deps, operator, {
      kind: 'customer',
      displayName: 'Northwind',
    });
    const otherPartner = await createOrganisation(deps, operator, {
      kind: 'partner',
      displayName: 'Litware',
    });
    expect(
      await refusal(inviteCustomer(deps, operator, { from: customer.id, to: otherCustomer.id })),
    ).toBe('relationship.invalid_pair');
    expect(
      await refusal(inviteCustomer(deps, operator, { from: partner.id, to: otherPartner.id })),
    ).toBe('relationship.invalid_pair');
    expect(await refusal(inviteCustomer(deps, operator, { from: 'nobody', to: customer.id }))).toBe(
      'org.not_found',
    );
  });

  it('lets the partner withdraw its pending invitation but not revoke an active relationship', async () => {
    const { deps } = buildDeps(database());
    const { partner, customer, partnerAdmin, customerAdmin } = await buildTenants(deps);
    const pending = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    expect((await revokeRelationship(deps, partnerAdmin, pending.relationship.id)).status).toBe(
      'revoked',
    );
    expect(await refusal(acceptInvitation(deps, customerAdmin, pending.token))).toBe(
      'relationship.invitation_used',
    );

    const next = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    const active = await acceptInvitation(deps, customerAdmin, next.token);
    const before = await snapshot(database());
    expect(await refusal(revokeRelationship(deps, partnerAdmin, active.id))).toBe('access.denied');
    expect(await snapshot(database())).toEqual(before);
  });

  it("hides another tenant's relationship behind not found", async () => {
    const { deps } = buildDeps(database());
    const { partner, customer, customerAdmin } = await buildTenants(deps);
    const stranger = await createOrganisation(deps, operator, {
      kind: 'partner',
      displayName: 'Litware',
    });
    const strangerAdmin = await userActor(deps, stranger, 'admin@litware.example', 'admin');
    const { token } = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    const active = await acceptInvitation(deps, customerAdmin, token);
    const before = await snapshot(database());
    expect(await refusal(revokeRelationship(deps, strangerAdmin, active.id))).toBe(
      'relationship.not_found',
    );
    expect(await refusal(getRelationship(deps, strangerAdmin, active.id))).toBe(
      'relationship.not_found',
    );
    expect(await listRelationships(deps, strangerAdmin)).toEqual([]);
    expect(await refusal(listRelationships(deps, strangerAdmin, { org: customer.id }))).toBe(
      'org.not_found',
    );
    expect(await snapshot(database())).toEqual(before);
  });

  it('lets exactly one of two simultaneous acceptances win', async () => {
    const { deps } = buildDeps(database());
    const { partner, customer, customerAdmin } = await buildTenants(deps);
    const a = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    const b = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    const results = await Promise.allSettled([
      acceptInvitation(deps, customerAdmin, a.token),
      acceptInvitation(deps, customerAdmin, b.token),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as PreflightError).code).toBe('relationship.already_active');
    const active = (await listRelationships(deps, operator)).filter((r) => r.status === 'active');
    expect(active).toHaveLength(1);
  });
});

forEachDialect('organisations and users', (database) => {
  it('refuses a duplicate name (any case) or domain and changes nothing', async () => {
    const { deps } = buildDeps(database());
    await createOrganisation(deps, operator, {
      kind: 'customer',
      displayName: 'Contoso',
      domain: 'contoso.example',
    });
    const before = await snapshot(database());
    expect(
      await refusal(
        createOrganisation(deps, operator, { kind: 'customer', displayName: ' CONTOSO ' }),
      ),
    ).toBe('org.duplicate_name');
    expect(
      await refusal(
        createOrganisation(deps, operator, {
          kind: 'partner',
          displayName: 'Other',
          domain: 'Contoso.example',
        }),
      ),
    ).toBe('org.duplicate_domain');
    expect(await snapshot(database())).toEqual(before);
  });

  it('stores only a hash of the one-time password and refuses a duplicate e-mail', async () => {
    const { deps } = buildDeps(database());
    const org = await createOrganisation(deps, operator, {
      kind: 'partner',
      displayName: 'Fabrikam',
    });
    const { oneTimePassword } = await createUser(deps, operator, {
      org: 'fabrikam',
      email: 'A@Fabrikam.example',
      role: 'agent',
    });
    expect(oneTimePassword).toHaveLength(20);
    const dump = JSON.stringify(await snapshot(database()));
    expect(dump).not.toContain(oneTimePassword);
    expect(dump).toContain('a@fabrikam.example');
    const before = await snapshot(database());
    expect(
      await refusal(
        createUser(deps, operator, { org: org.id, email: 'a@fabrikam.example', role: 'admin' }),
      ),
    ).toBe('user.duplicate_email');
    expect(
      await refusal(
        createUser(deps, operator, { org: 'nowhere', email: 'b@fabrikam.example', role: 'admin' }),
      ),
    ).toBe('org.not_found');
    expect(await snapshot(database())).toEqual(before);
  });
});

describe('operator-only commands', () => {
  it('are refused to tenants', async () => {
    const fakeDeps = {} as never;
    const tenant = {
      kind: 'user',
      userId: 'u',
      email: 'u@x.example',
      orgId: 'o',
      role: 'admin',
    } as const;
    expect(
      await refusal(createOrganisation(fakeDeps, tenant, { kind: 'partner', displayName: 'X' })),
    ).toBe('access.denied');
  });
});
