import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/kit/databases.js';
import { syntheticDevice } from '../../../test/kit/devices.js';
import { consentedPair, register } from '../../../test/kit/registration.js';
import { buildDeps, userActor } from '../../../test/kit/services.js';
import { operator } from '../../domain/actor.js';
import { createOrganisation } from '../organisations.js';
import { inviteCustomer, revokeRelationship } from '../relationships.js';
import type { ServiceDeps } from '../deps.js';
import {
  checkTag,
  customerAccess,
  getCustomer,
  listCustomerDevices,
  listCustomers,
  tagSuggestions,
} from './customers.js';

const managedTag = 'Microsoft365Managed_Autopilot';
const page = { offset: 0, limit: 50 };

/** Fabrikam with an active customer (Contoso) and an invited one (Northwind); Tailspin with its own. */
async function world(deps: ServiceDeps) {
  const pair = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
  const northwind = await createOrganisation(deps, operator, {
    kind: 'customer',
    displayName: 'Northwind Traders',
    domain: 'northwind.example',
  });
  await inviteCustomer(deps, operator, { from: pair.partner.id, to: northwind.id });
  const other = await consentedPair(deps, { partner: 'Tailspin', customer: 'Wingtip' });
  return { ...pair, northwind, other };
}

forEachDialect('portal: a registrar’s customers', (database) => {
  it('lists the customers with their current relationship and the devices registered there', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    await register(deps, w.partnerAgent, w.customer, [syntheticDevice(1), syntheticDevice(2)], {
      groupTag: 'Sales',
    });
    await register(deps, w.other.partnerAgent, w.other.customer, [syntheticDevice(3)]);

    const all = await listCustomers(deps, w.partnerAgent, page);
    expect(all.total).toBe(2);
    expect(
      all.items.map((c) => [
        c.displayName,
        c.relationship.status,
        c.devices,
        c.relationship.registrar.displayName,
      ]),
    ).toEqual([
      ['Contoso', 'active', 2, 'Fabrikam'],
      ['Northwind Traders', 'invited', 0, 'Fabrikam'],
    ]);

    expect(
      (await listCustomers(deps, w.partnerAgent, { ...page, search: 'NORTH' })).items,
    ).toHaveLength(1);
    const byDomain = await listCustomers(deps, w.partnerAgent, { ...page, search: 'contoso.ex' });
    expect(byDomain.items.map((c) => c.displayName)).toEqual(['Contoso']);
    // A search pattern's wildcard characters are taken literally.
    expect((await listCustomers(deps, w.partnerAgent, { ...page, search: '%' })).total).toBe(0);

    const second = await listCustomers(deps, w.partnerAgent, { offset: 1, limit: 1 });
    expect(second).toMatchObject({ total: 2, offset: 1, limit: 1 });
    expect(second.items.map((c) => c.displayName)).toEqual(['Northwind Traders']);

    // Tailspin sees only its own customer.
    const theirs = await listCustomers(deps, w.other.partnerAgent, page);
    expect(theirs.items.map((c) => [c.displayName, c.devices])).toEqual([['Wingtip', 1]]);
  });

  it('hides customers of other registrars, and refuses customers the registrar pages', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    await expect(getCustomer(deps, w.partnerAgent, w.other.customer.id)).rejects.toMatchObject({
      code: 'org.not_found',
    });
    await expect(getCustomer(deps, w.partnerAgent, 'no-such-id')).rejects.toMatchObject({
      code: 'org.not_found',
    });
    await expect(listCustomers(deps, w.customerAdmin, page)).rejects.toMatchObject({
      code: 'access.denied',
    });
    expect((await getCustomer(deps, w.partnerAgent, w.northwind.id)).relationship.status).toBe(
      'invited',
    );
  });

  it('says in plain words that a customer revoked access, at once', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    await register(deps, w.partnerAgent, w.customer, [syntheticDevice(1)]);
    await revokeRelationship(deps, w.customerAdmin, w.relationship.id);

    const summary = await getCustomer(deps, w.partnerAgent, w.customer.id);
    expect(summary.relationship.status).toBe('revoked');
    expect(summary.devices).toBe(0);
    await expect(
      customerAccess(deps, w.partnerAgent, w.customer.id, ['register_devices']),
    ).rejects.toMatchObject({
      code: 'consent.missing',
      message: "Contoso has revoked your organisation's access; ask them for a new invitation.",
    });
    await expect(
      listCustomerDevices(deps, w.partnerAgent, w.customer.id, page),
    ).rejects.toMatchObject({ code: 'consent.missing' });
    await expect(
      customerAccess(deps, w.partnerAgent, w.northwind.id, ['register_devices']),
    ).rejects.toMatchObject({ message: 'Northwind Traders has not accepted your invitation yet.' });
  });

  it('lists the devices it registered, filtered, with profile and registrar named', async () => {
    const { deps, clock } = buildDeps(database());
    const w = await world(deps);
    await register(deps, w.partnerAgent, w.customer, [syntheticDevice(11), syntheticDevice(12)], {
      groupTag: managedTag,
    });
    clock.advance(60_000);
    await register(deps, w.partnerAgent, w.customer, [syntheticDevice(13)], { groupTag: 'Sales' });

    const all = await listCustomerDevices(deps, w.partnerAgent, w.customer.id, page);
    expect(all.total).toBe(3);
    expect(all.items[0]).toMatchObject({
      serialNumber: 'SN00000011',
      groupTag: managedTag,
      profile: { displayName: 'Microsoft Managed Desktop' },
      registeredBy: { id: w.partner.id, displayName: 'Fabrikam', kind: 'partner' },
    });
    const bySerial = await listCustomerDevices(deps, w.partnerAgent, w.customer.id, {
      ...page,
      serial: 'sn0000001',
    });
    expect(bySerial.items.map((d) => d.serialNumber)).toEqual([
      'SN00000011',
      'SN00000012',
      'SN00000013',
    ]);
    const byTag = await listCustomerDevices(deps, w.partnerAgent, w.customer.id, {
      ...page,
      tag: 'Sales',
    });
    expect(byTag).toMatchObject({
      total: 1,
      items: [{ serialNumber: 'SN00000013', profile: null }],
    });
    const unassigned = await listCustomerDevices(deps, w.partnerAgent, w.customer.id, {
      ...page,
      status: 'notAssigned',
    });
    expect(unassigned.items.map((d) => d.serialNumber)).toEqual(['SN00000013']);
    const paged = await listCustomerDevices(deps, w.partnerAgent, w.customer.id, {
      offset: 2,
      limit: 1,
    });
    expect(paged).toMatchObject({ total: 3, items: [{ serialNumber: 'SN00000013' }] });
  });

  it('needs read_devices to list devices', async () => {
    const { deps } = buildDeps(database());
    const pair = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' }, [
      'register_devices',
    ]);
    await expect(
      listCustomerDevices(deps, pair.partnerAgent, pair.customer.id, page),
    ).rejects.toMatchObject({
      code: 'consent.missing',
      message:
        'Contoso has not allowed your organisation to see the devices you registered for them.',
    });
    expect((await getCustomer(deps, pair.partnerAgent, pair.customer.id)).devices).toBe(0);
  });

  it('suggests the rules’ tags with their profile first, then the tags in use', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    await register(deps, w.partnerAgent, w.customer, [syntheticDevice(1), syntheticDevice(2)], {
      groupTag: 'Sales',
    });
    await register(deps, w.partnerAgent, w.customer, [syntheticDevice(3)], {
      groupTag: managedTag,
    });
    const reader = await userActor(deps, w.partner, 'reader@fabrikam.example', 'reader');

    const suggestions = await tagSuggestions(deps, reader, w.customer.id);
    expect(suggestions).toEqual([
      {
        tag: managedTag,
        profile: { id: expect.any(String), displayName: 'Microsoft Managed Desktop' },
        devices: 1,
      },
      { tag: 'Sales', profile: null, devices: 2 },
    ]);
    await expect(tagSuggestions(deps, w.partnerAgent, w.other.customer.id)).rejects.toMatchObject({
      code: 'org.not_found',
    });
  });

  it('checks a tag as the engine would, naming the rule’s tag for a near miss', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const exact = await checkTag(deps, w.partnerAgent, w.customer.id, managedTag);
    expect(exact).toMatchObject({
      profile: { displayName: 'Microsoft Managed Desktop' },
      nearMiss: null,
    });
    const near = await checkTag(
      deps,
      w.partnerAgent,
      w.customer.id,
      'microsoft365managed_autopilot',
    );
    expect(near).toMatchObject({
      groupTag: 'microsoft365managed_autopilot',
      profile: null,
      nearMiss: { tag: managedTag, profile: { displayName: 'Microsoft Managed Desktop' } },
      message: `No profile: did you mean "${managedTag}"?`,
    });
    const none = await checkTag(deps, w.partnerAgent, w.customer.id, 'Sales');
    expect(none).toMatchObject({ profile: null, nearMiss: null });
    expect(none.message).toContain('"Sales"');
  });
});
