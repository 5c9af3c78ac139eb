import { expect, it } from 'vitest';
import { managedDesktopGroupTag } from '../../../domain/deployment-profile.js';
import { listProfiles } from '../../../services/profiles.js';
import { apiWorld, bearer, buildTestApi, tokenFor } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { syntheticDevice } from '../../../../test/kit/devices.js';
import { register } from '../../../../test/kit/registration.js';

const lookup = '/firstboot/v1/lookup';

forEachDialect('first boot', (database) => {
  it('answers a registered device with its profile file, and unknown devices with the same 404 as unassigned ones', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const [tagged, untagged, unknown] = [
      syntheticDevice(1),
      syntheticDevice(2),
      syntheticDevice(3),
    ];
    await register(deps, world.partnerAgent, world.customer, [tagged], {
      groupTag: managedDesktopGroupTag,
    });
    await register(deps, world.partnerAgent, world.customer, [untagged]);

    const found = await app.inject({
      method: 'POST',
      url: lookup,
      payload: { hardwareHash: tagged.hardwareHash },
    });
    expect(found.statusCode).toBe(200);
    const [builtIn] = await listProfiles(deps, world.customerAdmin);
    expect(found.json()).toMatchObject({
      Version: 2049,
      CloudAssignedTenantId: world.customer.id,
      CloudAssignedTenantDomain: 'contoso.example',
      ZtdCorrelationId: builtIn!.id,
    });

    const byTuple = await app.inject({
      method: 'POST',
      url: lookup,
      payload: {
        manufacturer: 'Contoso Devices',
        model: 'Laptop 7',
        serialNumber: tagged.serialNumber,
      },
    });
    // Registered by hash, the device is also found by the tuple read from inside its hash.
    expect(byTuple.statusCode).toBe(200);
    expect(byTuple.json()).toEqual(found.json());
    const wrongCase = await app.inject({
      method: 'POST',
      url: lookup,
      payload: {
        manufacturer: 'CONTOSO DEVICES',
        model: 'Laptop 7',
        serialNumber: tagged.serialNumber,
      },
    });
    expect(wrongCase.statusCode).toBe(404);

    const unassigned = await app.inject({
      method: 'POST',
      url: lookup,
      payload: { hardwareHash: untagged.hardwareHash },
    });
    const notRegistered = await app.inject({
      method: 'POST',
      url: lookup,
      payload: { hardwareHash: unknown.hardwareHash },
    });
    expect(unassigned.statusCode).toBe(404);
    expect(notRegistered.statusCode).toBe(404);
    const strip = (body: string) => ({ ...JSON.parse(body).error, requestId: undefined });
    expect(strip(unassigned.body)).toEqual(strip(notRegistered.body));
  });

  it('says which field is wrong for unusable input, never 500', async () => {
    const { app } = await buildTestApi(database());
    const bad = await app.inject({
      method: 'POST',
      url: lookup,
      payload: { hardwareHash: 'T0Ex' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('hardwareHash');
    const partial = await app.inject({
      method: 'POST',
      url: lookup,
      payload: { manufacturer: 'LENOVO' },
    });
    expect(partial.statusCode).toBe(400);
    expect(partial.json().error.message).toMatch(/model, serialNumber/);
    const extra = await app.inject({ method: 'POST', url: lookup, payload: { hash: 'x' } });
    expect(extra.statusCode).toBe(400);
    const notJson = await app.inject({
      method: 'POST',
      url: lookup,
      headers: { 'content-type': 'application/json' },
      payload: '{"hardwareHash": ',
    });
    expect(notJson.statusCode).toBe(400);
  });

  it('limits lookups per source address with 429 and Retry-After', async () => {
    const { app } = await buildTestApi(database(), { limits: { deviceLookupsPerMinute: 3 } });
    const ask = () =>
      app.inject({
        method: 'POST',
        url: lookup,
        payload: { hardwareHash: syntheticDevice(9).hardwareHash },
      });
    for (let i = 0; i < 3; i += 1) {
      expect((await ask()).statusCode).toBe(404);
    }
    const limited = await ask();
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.code).toBe('rate.limited');
  });

  it('lets a customer download a profile as an ASCII offline file; others cannot', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const [builtIn] = await listProfiles(deps, world.customerAdmin);
    const url = `/preflight/v1/deploymentProfiles/${builtIn!.id}/AutopilotConfigurationFile.json`;
    const response = await app.inject({
      url,
      headers: bearer(await tokenFor(app, world.customerClient)),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain('AutopilotConfigurationFile.json');
    expect([...response.body].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(JSON.parse(response.body).ZtdCorrelationId).toBe(builtIn!.id);
    const other = await app.inject({
      url,
      headers: bearer(await tokenFor(app, world.otherCustomerClient)),
    });
    expect(other.statusCode).toBe(404);
  });
});
