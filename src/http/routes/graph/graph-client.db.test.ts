import { Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it, vi } from 'vitest';
import { drainBatches } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { syntheticDevice } from '../../../../test/kit/devices.js';
import { graphWorld } from '../../../../test/kit/graph.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `fetch` for Microsoft's Graph client that hands each request to the app in-process
 * (`app.inject`), so the client runs unchanged — its own middleware, URL building,
 * paging and error parsing — without a port.
 */
function injectFetch(app: FastifyInstance) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const response = await app.inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers: { ...Object.fromEntries(request.headers), host: url.host },
      ...(body ? { payload: body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) {
        headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      }
    }
    const empty = response.statusCode === 204 || response.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(response.rawPayload), {
      status: response.statusCode,
      headers,
    });
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

forEachDialect('Microsoft Graph client in-process', (db) => {
  it('imports, pages, updates, manages a profile and reads errors as GraphError', async () => {
    const g = await graphWorld(db());
    vi.stubGlobal('fetch', injectFetch(g.app));
    const client = Client.init({
      baseUrl: 'https://preflight.test',
      defaultVersion: 'v1.0',
      customHosts: new Set(['preflight.test']),
      authProvider: (done) => done(null, g.tokens.customer),
    });

    const imported = (await client
      .api('/deviceManagement/importedWindowsAutopilotDeviceIdentities/import')
      .version('beta')
      .post({
        importedWindowsAutopilotDeviceIdentities: [1, 2, 3].map((n) => ({
          '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
          serialNumber: syntheticDevice(n).serialNumber,
          hardwareIdentifier: syntheticDevice(n).hardwareHash,
          state: { deviceImportStatus: 'pending', deviceErrorCode: 0 },
        })),
      })) as { value: Json[] };
    expect(imported.value.map((r) => r.state.deviceImportStatus)).toEqual([
      'unknown',
      'unknown',
      'unknown',
    ]);
    await drainBatches(g.deps);
    const record = (await client
      .api(`/deviceManagement/importedWindowsAutopilotDeviceIdentities/${imported.value[0]!.id}`)
      .get()) as Json;
    expect(record.state.deviceImportStatus).toBe('complete');

    // Pages of one, the client following @odata.nextLink (its $skipToken spelling included).
    const serials: string[] = [];
    const first = (await client
      .api('/deviceManagement/windowsAutopilotDeviceIdentities')
      .filter("startswith(serialNumber,'SN')")
      .top(1)
      .count(true)
      .get()) as Json;
    expect(first['@odata.count']).toBe(3);
    await new PageIterator(client, first as never, (device: Json) => {
      serials.push(device.serialNumber);
      return true;
    }).iterate();
    expect(serials.sort()).toEqual(['SN00000001', 'SN00000002', 'SN00000003']);
    const second = (await client
      .api('/deviceManagement/windowsAutopilotDeviceIdentities')
      .top(1)
      .skipToken(new URL(first['@odata.nextLink']).searchParams.get('$skiptoken')!)
      .get()) as Json;
    expect(second.value).toHaveLength(1);

    const deviceId = record.state.deviceRegistrationId as string;
    const device = `/deviceManagement/windowsAutopilotDeviceIdentities/${deviceId}`;
    await client
      .api(`${device}/assignUserToDevice`)
      .post({ userPrincipalName: 'ana@contoso.example' });
    await client.api(`${device}/unassignUserFromDevice`).post(undefined);
    await client.api(`${device}/updateDeviceProperties`).post({ displayName: 'CONTOSO-1' });
    const read = (await client.api(device).version('beta').get()) as Json;
    expect(read).toMatchObject({ displayName: 'CONTOSO-1', userPrincipalName: '' });

    const profile = (await client.api('/deviceManagement/windowsAutopilotDeploymentProfiles').post({
      '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
      displayName: 'Graph client profile',
    })) as Json;
    const profilePath = `/deviceManagement/windowsAutopilotDeploymentProfiles/${profile.id}`;
    await client.api(profilePath).patch({ description: 'changed' });
    expect(((await client.api(profilePath).get()) as Json).description).toBe('changed');
    await client.api(`${profilePath}/assignments`).post({
      target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' },
    });
    const assigned = (await client.api(`${profilePath}/assignedDevices`).get()) as Json;
    expect(assigned.value).toHaveLength(3);

    await client.api('/deviceManagement/windowsAutopilotSettings/sync').post(undefined);
    expect(
      ((await client.api('/deviceManagement/windowsAutopilotSettings').get()) as Json).syncStatus,
    ).toBe('completed');

    await client.api(device).delete();
    const error = await client
      .api(device)
      .get()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect((error as GraphError).requestId).toBeTruthy();
  });
});
