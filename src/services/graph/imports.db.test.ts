import { expect, it } from 'vitest';
import { drainBatches } from '../../../test/kit/api.js';
import { forEachDialect } from '../../../test/kit/databases.js';
import { syntheticDevice } from '../../../test/kit/devices.js';
import { consentedPair } from '../../../test/kit/registration.js';
import { buildDeps, userActor } from '../../../test/kit/services.js';
import { operator } from '../../domain/actor.js';
import { revokeRelationship } from '../relationships.js';
import { createOrganisation } from '../organisations.js';
import { prepareFields } from '../registration/prepare-fields.js';
import { deleteImport, getImport, importDevices, listImports } from './imports.js';

forEachDialect('Graph import records', (database) => {
  async function setUp() {
    const { deps } = buildDeps(database());
    const pair = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    const reader = await userActor(deps, pair.customer, 'reader@contoso.example', 'reader');
    const other = await createOrganisation(deps, operator, {
      kind: 'customer',
      displayName: 'Northwind',
    });
    const otherAdmin = await userActor(deps, other, 'admin@northwind.example', 'admin');
    const rows = (numbers: number[]) => numbers.map((n) => prepareFields(syntheticDevice(n)));
    return { deps, ...pair, reader, other, otherAdmin, rows };
  }

  it('records one import per device of one batch, in request order, read from the batch rows', async () => {
    const { deps, customerAdmin, customer, rows } = await setUp();
    const records = await importDevices(deps, customerAdmin, {
      customer: customer.id,
      rows: rows([3, 1, 2]),
    });
    expect(records.map((r) => [r.serialNumber, r.rowIndex, r.status])).toEqual([
      ['SN00000003', 0, null],
      ['SN00000001', 1, null],
      ['SN00000002', 2, null],
    ]);
    expect(new Set(records.map((r) => r.batchId)).size).toBe(1);
    // The customer registers its own devices: it is both sides of the batch.
    expect(records[0]).toMatchObject({ customerOrgId: customer.id, registrarOrgId: customer.id });
    await drainBatches(deps);
    const listed = await listImports(deps, customerAdmin, { customer: customer.id, limit: 10 });
    expect(listed.map((r) => r.serialNumber)).toEqual(['SN00000003', 'SN00000001', 'SN00000002']);
    expect(listed.every((r) => r.status === 'registered' && r.deviceId !== null)).toBe(true);
    const second = await listImports(deps, customerAdmin, {
      customer: customer.id,
      limit: 10,
      after: listed[0]!.id,
    });
    expect(second.map((r) => r.id)).toEqual(listed.slice(1).map((r) => r.id));
  });

  it('shows a partner only its own imports, and only while its consent lasts', async () => {
    const { deps, customerAdmin, partnerAgent, customer, relationship, rows } = await setUp();
    const [partners] = await importDevices(deps, partnerAgent, {
      customer: customer.id,
      rows: rows([1]),
    });
    const [customers] = await importDevices(deps, customerAdmin, {
      customer: customer.id,
      rows: rows([2]),
    });
    const seenBy = async (actor: typeof partnerAgent) =>
      (await listImports(deps, actor, { customer: customer.id, limit: 10 })).map((r) => r.id);
    expect(await seenBy(customerAdmin)).toEqual([partners!.id, customers!.id]);
    expect(await seenBy(partnerAgent)).toEqual([partners!.id]);
    await expect(
      getImport(deps, partnerAgent, { customer: customer.id, id: customers!.id }),
    ).rejects.toMatchObject({ code: 'device.not_found' });
    await expect(
      deleteImport(deps, partnerAgent, { customer: customer.id, id: customers!.id }),
    ).rejects.toMatchObject({ code: 'device.not_found' });

    await revokeRelationship(deps, customerAdmin, relationship.id);
    await expect(seenBy(partnerAgent)).rejects.toMatchObject({ code: 'consent.missing' });
    // The customer still sees (and may delete) what the partner imported for it.
    await deleteImport(deps, customerAdmin, { customer: customer.id, id: partners!.id });
    expect(await seenBy(customerAdmin)).toEqual([customers!.id]);
  });

  it('keeps customers apart and lets only writers delete', async () => {
    const { deps, customerAdmin, reader, customer, other, otherAdmin, rows } = await setUp();
    const [record] = await importDevices(deps, customerAdmin, {
      customer: customer.id,
      rows: rows([1]),
    });
    expect(await listImports(deps, otherAdmin, { customer: other.id, limit: 10 })).toEqual([]);
    await expect(
      getImport(deps, otherAdmin, { customer: other.id, id: record!.id }),
    ).rejects.toMatchObject({ code: 'device.not_found' });
    await expect(
      listImports(deps, otherAdmin, { customer: customer.id, limit: 10 }),
    ).rejects.toMatchObject({ code: 'org.not_found' });
    await expect(
      deleteImport(deps, otherAdmin, { customer: other.id, id: record!.id }),
    ).rejects.toMatchObject({ code: 'device.not_found' });
    await expect(
      deleteImport(deps, reader, { customer: customer.id, id: record!.id }),
    ).rejects.toMatchObject({ code: 'access.denied' });
    expect((await getImport(deps, reader, { customer: customer.id, id: record!.id })).id).toBe(
      record!.id,
    );
  });
});
