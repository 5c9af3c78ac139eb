import { expect, it } from 'vitest';
import { apiClient, bearer, buildTestApi, drainBatches, tokenFor } from '../../../test/kit/api.js';
import { forEachDialect } from '../../../test/kit/databases.js';
import { consentedPair } from '../../../test/kit/registration.js';
import { pcDevice } from '../../../test/kit/partner-center.js';

forEachDialect('route access and consent permissions', (database) => {
  it('lets a partner that may only register submit and read its job status, and a reader partner only read', async () => {
    const { app, deps } = await buildTestApi(database());
    const registerOnly = await consentedPair(deps, { partner: 'Writer', customer: 'Alpha' }, [
      'register_devices',
    ]);
    const readOnly = await consentedPair(deps, { partner: 'Reader', customer: 'Beta' }, [
      'read_devices',
    ]);
    const writer = bearer(await tokenFor(app, await apiClient(deps, registerOnly.partner)));
    const reader = bearer(await tokenFor(app, await apiClient(deps, readOnly.partner)));

    const submitted = await app.inject({
      method: 'POST',
      url: `/v1/customers/${registerOnly.customer.id}/deviceBatches`,
      headers: writer,
      payload: { batchId: 'Sales', devices: [pcDevice(1)] },
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    await drainBatches(deps);
    const status = await app.inject({ url: `/v1${submitted.headers.location}`, headers: writer });
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json().status).toBe('finished');

    const refused = await app.inject({
      method: 'POST',
      url: `/v1/customers/${readOnly.customer.id}/deviceBatches`,
      headers: reader,
      payload: { batchId: 'Sales', devices: [pcDevice(2)] },
    });
    expect(refused.statusCode).toBe(403);
    const listed = await app.inject({
      url: `/v1/customers/${readOnly.customer.id}/deviceBatches`,
      headers: reader,
    });
    expect(listed.statusCode).toBe(200);
  });
});
