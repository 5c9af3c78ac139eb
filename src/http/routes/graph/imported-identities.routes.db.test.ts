import { describe, expect, it } from 'vitest';
import { drainBatches } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { syntheticDevice } from '../../../../test/kit/devices.js';
import {
  clientActor,
  graphWorld,
  injectPath,
  type GraphWorld,
} from '../../../../test/kit/graph.js';
import { register } from '../../../../test/kit/registration.js';
import type { DeviceFields } from '../../../services/registration/prepare-fields.js';

const collection = '/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities';

/** A record as Microsoft's scripts send it (WindowsAutopilotIntune's Add-AutopilotImportedDevice). */
function graphRecord(device: DeviceFields, extra: Record<string, unknown> = {}) {
  return {
    '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
    groupTag: device.groupTag ?? '',
    serialNumber: device.serialNumber,
    productKey: '',
    hardwareIdentifier: device.hardwareHash,
    assignedUserPrincipalName: '',
    state: {
      '@odata.type': 'microsoft.graph.importedWindowsAutopilotDeviceIdentityState',
      deviceImportStatus: 'pending',
      deviceRegistrationId: '',
      deviceErrorCode: 0,
      deviceErrorName: '',
    },
    ...extra,
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function importDevices(
  g: GraphWorld,
  devices: readonly DeviceFields[],
  who: 'customer' | 'partnerForCustomer' = 'customer',
) {
  const response = await g.call(who, 'POST', `${collection}/import`, {
    importedWindowsAutopilotDeviceIdentities: devices.map((d) => graphRecord(d)),
  });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { value: Json[] }).value;
}

forEachDialect('Graph importedWindowsAutopilotDeviceIdentities', (db) => {
  describe('import lifecycle', () => {
    it('imports in one batch, reads unknown until processed, then complete with the device id', async () => {
      const g = await graphWorld(db());
      const response = await g.call('customer', 'POST', `${collection}/import`, {
        importedWindowsAutopilotDeviceIdentities: [1, 2, 3].map((n) =>
          graphRecord(syntheticDevice(n, { groupTag: n === 1 ? 'Sales' : '' })),
        ),
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['request-id']).toBeTruthy();
      const body = response.json() as Json;
      expect(body['@odata.context']).toBe(
        'https://preflight.test/beta/$metadata#Collection(microsoft.graph.importedWindowsAutopilotDeviceIdentity)',
      );
      const records = body.value as Json[];
      expect(records.map((r) => r.serialNumber)).toEqual([
        'SN00000001',
        'SN00000002',
        'SN00000003',
      ]);
      expect(records[0]!.groupTag).toBe('Sales');
      expect(new Set(records.map((r) => r.importId)).size).toBe(1);
      expect(records.every((r) => r.state.deviceImportStatus === 'unknown')).toBe(true);
      expect(records[0]!.hardwareIdentifier).toBe(syntheticDevice(1).hardwareHash);

      await drainBatches(g.deps);
      for (const record of records) {
        const read = await g.call('customer', 'GET', `${collection}/${record.id}`);
        expect(read.statusCode).toBe(200);
        const state = (read.json() as Json).state;
        expect(state).toMatchObject({ deviceImportStatus: 'complete', deviceErrorCode: 0 });
        const device = await g.call(
          'customer',
          'GET',
          `/beta/deviceManagement/windowsAutopilotDeviceIdentities/${state.deviceRegistrationId}`,
        );
        expect(device.statusCode).toBe(200);
        expect((device.json() as Json).serialNumber).toBe(record.serialNumber);
      }
    });

    it('creates one record with POST (201) and ignores the state the client sends', async () => {
      const g = await graphWorld(db());
      const response = await g.call(
        'customer',
        'POST',
        '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities',
        graphRecord(syntheticDevice(7), { state: { deviceImportStatus: 'complete' } }),
      );
      expect(response.statusCode).toBe(201);
      const record = response.json() as Json;
      expect(record['@odata.context']).toBe(
        'https://preflight.test/v1.0/$metadata#deviceManagement/importedWindowsAutopilotDeviceIdentities/$entity',
      );
      expect(record.state.deviceImportStatus).toBe('unknown');
    });

    it('reports a device registered to another customer as error 808', async () => {
      const g = await graphWorld(db());
      await register(g.deps, clientActor(g.world.otherCustomerClient), g.world.otherCustomer, [
        syntheticDevice(5),
      ]);
      const [record] = await importDevices(g, [syntheticDevice(5)]);
      await drainBatches(g.deps);
      const state = (
        (await g.call('customer', 'GET', `${collection}/${record!.id}`)).json() as Json
      ).state;
      expect(state).toMatchObject({
        deviceImportStatus: 'error',
        deviceRegistrationId: '',
        deviceErrorCode: 808,
        deviceErrorName: 'ZtdDeviceAssignedToOtherTenant',
      });
      expect(state.preflightError.code).toBe('device.registered_to_other_customer');
    });

    it('reports a device already registered here as error 806, and a repeat in the request with the fallback code -1', async () => {
      const g = await graphWorld(db());
      await importDevices(g, [syntheticDevice(1)]);
      await drainBatches(g.deps);
      const records = await importDevices(g, [
        syntheticDevice(1),
        syntheticDevice(2),
        syntheticDevice(2),
      ]);
      await drainBatches(g.deps);
      const states = await Promise.all(
        records.map(
          async (r) =>
            ((await g.call('customer', 'GET', `${collection}/${r.id}`)).json() as Json).state,
        ),
      );
      expect(
        states.map((s) => [s.deviceImportStatus, s.deviceErrorCode, s.deviceErrorName]),
      ).toEqual([
        ['error', 806, 'ZtdDeviceAlreadyAssigned'],
        ['complete', 0, ''],
        ['error', -1, 'ZtdDeviceDuplicated'],
      ]);
    });

    it('pages with $top and @odata.nextLink, each record once', async () => {
      const g = await graphWorld(db());
      await importDevices(
        g,
        [1, 2, 3, 4, 5].map((n) => syntheticDevice(n)),
      );
      const seen: string[] = [];
      let url: string | undefined = `${collection}?$top=2`;
      let pages = 0;
      while (url) {
        const page = (await g.call('customer', 'GET', url)).json() as Json;
        expect(page.value.length).toBeLessThanOrEqual(2);
        seen.push(...page.value.map((r: Json) => r.serialNumber));
        url = page['@odata.nextLink'] ? injectPath(page['@odata.nextLink']) : undefined;
        pages += 1;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(['SN00000001', 'SN00000002', 'SN00000003', 'SN00000004', 'SN00000005']);
    });

    it('deletes only the record: the device stays registered', async () => {
      const g = await graphWorld(db());
      const [record] = await importDevices(g, [syntheticDevice(1)]);
      await drainBatches(g.deps);
      const deviceId = (
        (await g.call('customer', 'GET', `${collection}/${record!.id}`)).json() as Json
      ).state.deviceRegistrationId;
      expect((await g.call('customer', 'DELETE', `${collection}/${record!.id}`)).statusCode).toBe(
        204,
      );
      const gone = await g.call('customer', 'GET', `${collection}/${record!.id}`);
      expect(gone.statusCode).toBe(404);
      expect((gone.json() as Json).error.code).toBe('ResourceNotFound');
      expect((await g.call('customer', 'DELETE', `${collection}/${record!.id}`)).statusCode).toBe(
        404,
      );
      const device = await g.call(
        'customer',
        'GET',
        `/beta/deviceManagement/windowsAutopilotDeviceIdentities/${deviceId}`,
      );
      expect(device.statusCode).toBe(200);
    });

    it('lets a consented partner import for the customer; each sees what it may', async () => {
      const g = await graphWorld(db());
      const [mine] = await importDevices(g, [syntheticDevice(1)], 'partnerForCustomer');
      const [theirs] = await importDevices(g, [syntheticDevice(2)], 'customer');
      await drainBatches(g.deps);
      const list = async (who: 'customer' | 'partnerForCustomer') =>
        ((await g.call(who, 'GET', collection)).json() as Json).value.map((r: Json) => r.id);
      expect(await list('customer')).toEqual([mine!.id, theirs!.id]);
      // A partner sees the records it submitted, not the customer's own.
      expect(await list('partnerForCustomer')).toEqual([mine!.id]);
      expect(
        (await g.call('partnerForCustomer', 'GET', `${collection}/${theirs!.id}`)).statusCode,
      ).toBe(404);
    });
  });

  describe('refusals', () => {
    it('refuses a hash that is not base64, in Graph words and naming the device, storing nothing', async () => {
      const g = await graphWorld(db());
      const response = await g.call('customer', 'POST', `${collection}/import`, {
        importedWindowsAutopilotDeviceIdentities: [
          graphRecord(syntheticDevice(1)),
          graphRecord(syntheticDevice(2), { hardwareIdentifier: 'T0Ej*notbase64-at-all===' }),
        ],
      });
      expect(response.statusCode).toBe(400);
      const error = (response.json() as Json).error;
      expect(error.code).toBe('BadRequest');
      expect(error.message).toContain(
        "Cannot convert the literal 'T0Ej*notbase64-at-al…' to the expected type 'Edm.Binary'.",
      );
      expect(error.message).toContain(
        'importedWindowsAutopilotDeviceIdentities[1].hardwareIdentifier',
      );
      expect(error.innerError.details.field).toBe(
        'importedWindowsAutopilotDeviceIdentities[1].hardwareIdentifier',
      );
      expect(error.innerError['request-id']).toBe(response.headers['request-id']);
      expect(((await g.call('customer', 'GET', collection)).json() as Json).value).toEqual([]);
    });

    it('refuses a base64 text that is no hardware hash, naming the field of a single record', async () => {
      const g = await graphWorld(db());
      const response = await g.call('customer', 'POST', collection, {
        serialNumber: 'X1',
        hardwareIdentifier: Buffer.from('hello world').toString('base64'),
      });
      expect(response.statusCode).toBe(400);
      const error = (response.json() as Json).error;
      expect(error.innerError.details.field).toBe('hardwareIdentifier');
      expect(error.message).toMatch(/^1 problem in the devices; the first: hardwareIdentifier: /);
    });

    it('refuses an unknown property by name, and malformed JSON, in Graph shape', async () => {
      const g = await graphWorld(db());
      const unknown = await g.call('customer', 'POST', collection, {
        ...graphRecord(syntheticDevice(1)),
        colour: 'blue',
      });
      expect(unknown.statusCode).toBe(400);
      expect((unknown.json() as Json).error.message).toContain(
        "The property 'colour' does not exist on type 'microsoft.graph.importedWindowsAutopilotDeviceIdentity'",
      );
      const malformed = await g.call(
        'customer',
        'POST',
        `${collection}/import`,
        '{"importedWindowsAutopilot',
      );
      expect(malformed.statusCode).toBe(400);
      expect((malformed.json() as Json).error).toMatchObject({
        code: 'BadRequest',
        innerError: { code: 'http.fst_err_ctp_invalid_json_body' },
      });
      const empty = await g.call('customer', 'POST', `${collection}/import`, {
        importedWindowsAutopilotDeviceIdentities: [],
      });
      expect(empty.statusCode).toBe(400);
    });

    it('hides one customer’s records from another', async () => {
      const g = await graphWorld(db());
      const [record] = await importDevices(g, [syntheticDevice(1)]);
      const other = await g.call('otherCustomer', 'GET', `${collection}/${record!.id}`);
      expect(other.statusCode).toBe(404);
      expect(((await g.call('otherCustomer', 'GET', collection)).json() as Json).value).toEqual([]);
      expect(
        (await g.call('otherCustomer', 'DELETE', `${collection}/${record!.id}`)).statusCode,
      ).toBe(404);
    });

    it('refuses writes to a reader, and a partner token for the partner’s own tenant', async () => {
      const g = await graphWorld(db());
      const body = { importedWindowsAutopilotDeviceIdentities: [graphRecord(syntheticDevice(1))] };
      const reader = await g.call('customerReader', 'POST', `${collection}/import`, body);
      expect(reader.statusCode).toBe(403);
      expect((reader.json() as Json).error.code).toBe('Forbidden');
      expect((await g.call('customerReader', 'GET', collection)).statusCode).toBe(200);
      const partner = await g.call('partner', 'POST', `${collection}/import`, body);
      expect(partner.statusCode).toBe(403);
      expect((partner.json() as Json).error.innerError.code).toBe('auth.wrong_tenant');
      expect((await g.call('partner', 'GET', collection)).statusCode).toBe(403);
    });

    it('refuses unsupported query options and cursors it did not issue', async () => {
      const g = await graphWorld(db());
      const orderby = await g.call('customer', 'GET', `${collection}?$orderby=serialNumber`);
      expect(orderby.statusCode).toBe(400);
      expect((orderby.json() as Json).error.message).toContain('$orderby');
      expect((await g.call('customer', 'GET', `${collection}?$skiptoken=abc`)).statusCode).toBe(
        400,
      );
      expect((await g.call('customer', 'GET', `${collection}?$top=0`)).statusCode).toBe(400);
    });
  });
});
