import { expect, it } from 'vitest';
import { apiWorld, bearer, buildTestApi, tokenFor } from '../kit/api.js';
import { forEachDialect } from '../kit/databases.js';

forEachDialect('NUL characters in requests', (database) => {
  it('are refused with a 400 naming the field, in the path, the query and the body', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const partner = bearer(await tokenFor(app, world.partnerClient));
    const inPath = await app.inject({ url: '/v1/customers/%00/deviceBatches', headers: partner });
    expect(inPath.statusCode).toBe(400);
    expect(inPath.json().description).toContain('params.customerId contains a NUL');
    const inTokenPath = await app.inject({
      method: 'POST',
      url: '/ab%00cd/oauth2/v2.0/token',
      payload: { grant_type: 'client_credentials' },
    });
    expect(inTokenPath.statusCode).toBe(400);
    const inBody = await app.inject({
      method: 'POST',
      url: '/v1/deviceSubmissionValidations',
      headers: partner,
      payload: { tenants: ['ok.example', 'bad\u0000.example'] },
    });
    expect(inBody.statusCode).toBe(400);
    expect(inBody.json().data[0].field).toBe('body.tenants[1]');
    const inQuery = await app.inject({
      url: '/beta/deviceManagement/windowsAutopilotDeviceIdentities?$filter=serialNumber%20eq%20%27a%00%27',
      headers: bearer(await tokenFor(app, world.customerClient)),
    });
    expect(inQuery.statusCode).toBe(400);
    expect(inQuery.json().error.message).toContain('NUL');
  });
});

forEachDialect('deeply nested bodies', (database) => {
  it('are refused with a 400 naming where, never a 500', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const deep = `${'['.repeat(8000)}1${']'.repeat(8000)}`;
    const lookup = await app.inject({
      method: 'POST',
      url: '/firstboot/v1/lookup',
      headers: { 'content-type': 'application/json' },
      payload: deep,
    });
    expect(lookup.statusCode).toBe(400);
    expect(lookup.json().error.message).toMatch(/nested more than 32 levels/);
    const policy = await app.inject({
      method: 'POST',
      url: `/v1/customers/${world.customer.id}/policies`,
      headers: {
        ...bearer(await tokenFor(app, world.partnerClient)),
        'content-type': 'application/json',
      },
      payload: `{"Name":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
    });
    expect(policy.statusCode).toBe(400);
    expect(policy.json().description).toContain('body.Name');
  });
});
