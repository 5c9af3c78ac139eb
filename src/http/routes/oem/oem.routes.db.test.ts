import { expect, it } from 'vitest';
import { operator } from '../../../domain/actor.js';
import { createOrganisation } from '../../../services/organisations.js';
import {
  acceptInvitation,
  inviteCustomer,
  revokeRelationship,
} from '../../../services/relationships.js';
import {
  apiClient,
  apiWorld,
  bearer,
  buildTestApi,
  drainBatches,
  tokenFor,
} from '../../../../test/kit/api.js';
import { listDevices } from '../../../services/devices.js';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { userActor } from '../../../../test/kit/services.js';

forEachDialect('OEM validation', (database) => {
  it('tells an OEM, per tenant, whether it may register, without revealing unknown tenants', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const oem = await createOrganisation(deps, operator, {
      kind: 'oem',
      displayName: 'Litware OEM',
    });
    // Contoso accepts the OEM authorization link; Northwind accepts one, then revokes it.
    const accept = async (
      customerId: string,
      admin: Parameters<typeof acceptInvitation>[1],
      permissions?: string[],
    ) => {
      const { token } = await inviteCustomer(deps, operator, {
        from: oem.id,
        to: customerId,
        ...(permissions ? { permissions } : {}),
      });
      return acceptInvitation(deps, admin, token);
    };
    await accept(world.customer.id, world.customerAdmin);
    const northwindAdmin = await userActor(
      deps,
      world.otherCustomer,
      'admin@northwind.example',
      'admin',
    );
    const ended = await accept(world.otherCustomer.id, northwindAdmin);
    await revokeRelationship(deps, northwindAdmin, ended.id);
    const readOnly = await createOrganisation(deps, operator, {
      kind: 'customer',
      displayName: 'Tailspin',
      domain: 'tailspin.example',
    });
    const tailspinAdmin = await userActor(deps, readOnly, 'admin@tailspin.example', 'admin');
    await accept(readOnly.id, tailspinAdmin, ['read_devices']);

    const client = await apiClient(deps, oem);
    const token = await tokenFor(app, client);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/deviceSubmissionValidations',
      headers: bearer(token),
      payload: {
        tenants: [
          world.customer.id,
          'northwind.example',
          'tailspin.example',
          '99999999-0000-0000-0000-000000000000',
          'Contoso',
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([
      expect.objectContaining({
        customerId: world.customer.id,
        mayRegister: true,
        status: 'consented',
      }),
      expect.objectContaining({
        customerId: world.otherCustomer.id,
        mayRegister: false,
        status: 'ended',
      }),
      expect.objectContaining({
        customerId: readOnly.id,
        mayRegister: false,
        status: 'permission_missing',
      }),
      expect.objectContaining({ customerId: null, mayRegister: false, status: 'not_consented' }),
      // A display name is not a tenant reference.
      expect.objectContaining({ customerId: null, mayRegister: false, status: 'not_consented' }),
    ]);
  });

  it('lets an OEM register through the same batch API, and only for customers that authorised it', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const oem = await createOrganisation(deps, operator, {
      kind: 'oem',
      displayName: 'Litware OEM',
    });
    const { token } = await inviteCustomer(deps, operator, { from: oem.id, to: world.customer.id });
    await acceptInvitation(deps, world.customerAdmin, token);
    const oemToken = bearer(await tokenFor(app, await apiClient(deps, oem)));
    const upload = (customerId: string) =>
      app.inject({
        method: 'POST',
        url: `/v1/customers/${customerId}/deviceBatches`,
        headers: oemToken,
        payload: {
          batchId: 'Microsoft365Managed_Autopilot',
          devices: [
            { serialNumber: 'LW-0001', oemManufacturerName: 'Litware', modelName: 'Book 14' },
          ],
        },
      });
    const accepted = await upload(world.customer.id);
    expect(accepted.statusCode, accepted.body).toBe(202);
    await drainBatches(deps);
    const status = await app.inject({ url: `/v1${accepted.headers.location}`, headers: oemToken });
    expect(status.json()).toMatchObject({ status: 'finished' });
    const [device] = await listDevices(deps, world.customerAdmin, {});
    expect(device).toMatchObject({ serialNumber: 'LW-0001', registeredByOrgId: oem.id });
    // Northwind never authorised the OEM.
    expect((await upload(world.otherCustomer.id)).statusCode).toBe(403);
  });

  it('is refused to customers, to tokens for a customer tenant, and without a token', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const payload = { tenants: [world.customer.id] };
    const url = '/v1/deviceSubmissionValidations';
    const none = await app.inject({ method: 'POST', url, payload });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'auth.missing_token', source: 'Preflight' });
    const customer = await app.inject({
      method: 'POST',
      url,
      payload,
      headers: bearer(await tokenFor(app, world.customerClient)),
    });
    expect(customer.statusCode).toBe(403);
    const forCustomerTenant = await app.inject({
      method: 'POST',
      url,
      payload,
      headers: bearer(await tokenFor(app, world.partnerClient, world.customer.id)),
    });
    expect(forCustomerTenant.statusCode).toBe(403);
    expect(forCustomerTenant.json().code).toBe('auth.wrong_tenant');
    const tooMany = await app.inject({
      method: 'POST',
      url,
      payload: { tenants: Array.from({ length: 1001 }, (_, i) => `t${i}.example`) },
      headers: bearer(await tokenFor(app, world.partnerClient)),
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().description).toMatch(/tenants/);
  });
});
