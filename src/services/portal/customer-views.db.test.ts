import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/kit/databases.js';
import { syntheticDevice } from '../../../test/kit/devices.js';
import { consentedPair, register } from '../../../test/kit/registration.js';
import { buildDeps, userActor } from '../../../test/kit/services.js';
import { operator } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../deps.js';
import { createOrganisation } from '../organisations.js';
import { inviteCustomer, revokeRelationship } from '../relationships.js';
import { auditPage } from './audit-views.js';
import { devicePage, deregisterFromPortal } from './device-views.js';
import { createProfileInfo, createTagRuleInfo, profileInfos } from './profile-views.js';
import { acceptInvitationInfo, invitationPreview } from './relationship-views.js';

async function refused(promise: Promise<unknown>): Promise<PreflightError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PreflightError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the operation to be refused');
}

async function world(deps: ServiceDeps) {
  const pair = await consentedPair(deps, { partner: 'Fabrikam Resellers', customer: 'Contoso' });
  const other = await createOrganisation(deps, operator, {
    kind: 'customer',
    displayName: 'Northwind',
  });
  return {
    ...pair,
    customerReader: await userActor(deps, pair.customer, 'reader@contoso.example', 'reader'),
    otherAdmin: await userActor(deps, other, 'admin@northwind.example', 'admin'),
  };
}

forEachDialect('portal views for customers', (database) => {
  it('previews an invitation in plain sentences and lets only the customer admin accept', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const oem = await createOrganisation(deps, operator, {
      kind: 'oem',
      displayName: 'Litware OEM',
    });
    const oemAdmin = await userActor(deps, oem, 'admin@litware.example', 'admin');
    const { token } = await inviteCustomer(deps, operator, {
      from: oem.id,
      to: w.customer.id,
      permissions: ['register_devices', 'read_devices'],
    });

    const preview = await invitationPreview(deps, w.customerAdmin, token);
    expect(preview.relationship).toMatchObject({
      kind: 'oem',
      status: 'invited',
      registrar: { displayName: 'Litware OEM', kind: 'oem' },
      customer: { displayName: 'Contoso' },
    });
    expect(preview.grants).toEqual([
      'Register new devices for Contoso, so they receive your deployment profiles at first boot.',
      'See the devices they registered for you.',
    ]);
    expect(preview.canAccept).toBe(true);
    expect((await invitationPreview(deps, w.customerReader, token)).canAccept).toBe(false);
    expect((await invitationPreview(deps, oemAdmin, token)).canAccept).toBe(false);
    expect((await refused(invitationPreview(deps, w.customerAdmin, 'f'.repeat(64)))).code).toBe(
      'relationship.invitation_not_found',
    );

    const accepted = await acceptInvitationInfo(deps, w.customerAdmin, token);
    expect(accepted.status).toBe('active');
    const after = await invitationPreview(deps, w.customerAdmin, token);
    expect(after.canAccept).toBe(false);
    expect(after.relationship.status).toBe('active');
  });

  it('pages the customer’s devices with filters, profile names and the registrar', async () => {
    const { deps, clock } = buildDeps(database());
    const w = await world(deps);
    await register(
      deps,
      w.partnerAgent,
      w.customer,
      [1, 2, 3].map((n) => syntheticDevice(n)),
      {
        groupTag: 'Microsoft365Managed_Autopilot',
      },
    );
    // A second later, so the registration order is certain.
    clock.advance(1000);
    await register(
      deps,
      w.partnerAgent,
      w.customer,
      [4, 5].map((n) => syntheticDevice(n)),
      {
        groupTag: 'Sales',
      },
    );

    const all = await devicePage(deps, w.customerReader, { offset: 0, limit: 2 });
    expect(all.total).toBe(5);
    expect(all.items.map((d) => d.serialNumber)).toEqual(['SN00000001', 'SN00000002']);
    expect(all.items[0]).toMatchObject({
      profile: { displayName: 'Microsoft Managed Desktop' },
      profileStatus: 'assignedInSync',
      registeredBy: { displayName: 'Fabrikam Resellers', kind: 'partner' },
    });

    const bySerial = await devicePage(deps, w.customerAdmin, {
      serial: 'sn0000000',
      offset: 0,
      limit: 50,
    });
    expect(bySerial.total).toBe(5);
    const sales = await devicePage(deps, w.customerAdmin, { tag: 'Sales', offset: 0, limit: 50 });
    expect(sales.items.map((d) => [d.serialNumber, d.profile])).toEqual([
      ['SN00000004', null],
      ['SN00000005', null],
    ]);
    expect(
      (await devicePage(deps, w.customerAdmin, { tag: 'sales', offset: 0, limit: 50 })).total,
    ).toBe(0);
    const unassigned = await devicePage(deps, w.customerAdmin, {
      status: 'notAssigned',
      offset: 1,
      limit: 50,
    });
    expect(unassigned).toMatchObject({ total: 2, offset: 1, limit: 50 });
    expect(unassigned.items.map((d) => d.serialNumber)).toEqual(['SN00000005']);

    expect((await devicePage(deps, w.otherAdmin, { offset: 0, limit: 50 })).total).toBe(0);
  });

  it('deregisters for the customer and the registering partner, never for strangers', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    await register(
      deps,
      w.partnerAgent,
      w.customer,
      [1, 2, 3].map((n) => syntheticDevice(n)),
    );
    const [first, second, third] = (
      await devicePage(deps, w.customerAdmin, { offset: 0, limit: 50 })
    ).items;

    expect((await refused(deregisterFromPortal(deps, w.otherAdmin, first!.id))).code).toBe(
      'device.not_found',
    );
    expect((await refused(deregisterFromPortal(deps, w.customerReader, first!.id))).code).toBe(
      'access.denied',
    );
    await deregisterFromPortal(deps, w.customerAdmin, first!.id);
    await deregisterFromPortal(deps, w.partnerAgent, second!.id);
    expect((await devicePage(deps, w.customerAdmin, { offset: 0, limit: 50 })).items).toEqual([
      third,
    ]);

    await revokeRelationship(deps, w.customerAdmin, w.relationship.id);
    expect((await refused(deregisterFromPortal(deps, w.partnerAgent, third!.id))).code).toBe(
      'consent.missing',
    );
    expect((await devicePage(deps, w.customerAdmin, { offset: 0, limit: 50 })).total).toBe(1);
  });

  it('creates profiles and tag rules, naming a bad setting and placing a bad rule', async () => {
    const { deps, clock } = buildDeps(database());
    const w = await world(deps);
    await register(
      deps,
      w.partnerAgent,
      w.customer,
      [1, 2].map((n) => syntheticDevice(n)),
      {
        groupTag: 'Sales',
      },
    );

    const badTemplate = await refused(
      createProfileInfo(deps, w.customerAdmin, {
        displayName: 'Sales laptops',
        settings: { deviceNameTemplate: 'SALES-%SERIAL%-TOO-LONG-NAME' },
      }),
    );
    expect(badTemplate.code).toBe('input.invalid');
    expect(badTemplate.details.field).toBe('settings.deviceNameTemplate');
    expect(
      (await refused(createProfileInfo(deps, w.customerReader, { displayName: 'Sales laptops' })))
        .code,
    ).toBe('access.denied');

    // Later than the built-in profile, so the order profiles are listed in is certain.
    clock.advance(1000);
    const profile = await createProfileInfo(deps, w.customerAdmin, {
      displayName: 'Sales laptops',
      description: 'For the sales team',
      settings: { deviceNameTemplate: 'SALES-%RAND:5%', oobe: { hideEula: true } },
    });
    expect(profile).toMatchObject({
      displayName: 'Sales laptops',
      builtIn: false,
      managedBy: null,
      tags: [],
      devices: 0,
      settings: { deviceNameTemplate: 'SALES-%RAND:5%', oobe: { hideEula: true } },
    });

    const badRule = await refused(
      createTagRuleInfo(deps, w.customerAdmin, {
        profileId: profile.id,
        rule: '(device.devicePhysicalIds -any (_ -equals "[OrderID]:Sales"))',
      }),
    );
    expect(badRule.code).toBe('rule.invalid');
    expect(badRule.details).toMatchObject({ field: 'rule', position: 34 });

    const rule = await createTagRuleInfo(deps, w.customerAdmin, {
      profileId: profile.id,
      groupTag: 'Sales',
    });
    expect(rule).toMatchObject({
      profile: { id: profile.id, displayName: 'Sales laptops' },
      rule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
      createdBy: 'user:admin@contoso.example',
    });
    const listed = await profileInfos(deps, w.customerReader);
    expect(listed.map((p) => [p.displayName, p.tags, p.devices])).toEqual([
      ['Microsoft Managed Desktop', ['Microsoft365Managed_Autopilot'], 0],
      ['Sales laptops', ['Sales'], 2],
    ]);
  });

  it('lists the audit log newest first, a page at a time, in sentences', async () => {
    const { deps, clock } = buildDeps(database());
    const w = await world(deps);
    clock.advance(60_000);
    await register(deps, w.partnerAgent, w.customer, [syntheticDevice(1)]);
    clock.advance(60_000);
    const [device] = (await devicePage(deps, w.customerAdmin, { offset: 0, limit: 1 })).items;
    await deregisterFromPortal(deps, w.customerAdmin, device!.id);

    const page = await auditPage(deps, w.customerReader, { offset: 0, limit: 3 });
    expect(page.items.map((e) => e.action)).toEqual([
      'device.deregistered',
      'batch.finished',
      'batch.submitted',
    ]);
    expect(page.items.map((e) => e.summary)).toEqual([
      'Device SN00000001 deregistered.',
      'Batch finished: 1 device registered, 0 failed.',
      'Batch of 1 device submitted for Contoso.',
    ]);
    expect(page.total).toBeGreaterThan(3);
    const rest = await auditPage(deps, w.customerReader, { offset: 3, limit: 500 });
    expect(rest.items.map((e) => e.summary)).toContain(
      'Contoso accepted the invitation from Fabrikam Resellers.',
    );
    expect(rest.items.length).toBe(page.total - 3);
    // Northwind sees none of Contoso's events.
    const northwind = await auditPage(deps, w.otherAdmin, { offset: 0, limit: 500 });
    expect(northwind.items.every((e) => !e.summary.includes('Contoso'))).toBe(true);
  });
});
