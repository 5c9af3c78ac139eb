import { describe, expect, it } from 'vitest';
import { buildHardwareHash } from '../../../domain/hardware-hash.js';
import { listDevices } from '../../../services/devices.js';
import { receivingLeaseMs } from '../../../services/registration/submit-batch.js';
import { drainBatches } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { syntheticDevice } from '../../../../test/kit/devices.js';
import {
  partnerCenterWorld,
  pcDevice,
  trackingIdOf,
  type PartnerCenterWorld,
} from '../../../../test/kit/partner-center.js';
import { consentedPair, register } from '../../../../test/kit/registration.js';

type Json = Record<string, unknown>;

const countBatches = async (w: PartnerCenterWorld) =>
  Number(
    (
      await w.deps.store.database.db
        .selectFrom('batches')
        .select(({ fn }) => fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const countDevices = async (w: PartnerCenterWorld) =>
  Number(
    (
      await w.deps.store.database.db
        .selectFrom('devices')
        .select(({ fn }) => fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Creates batch `name` with devices `ns` as the partner's agent and processes it. */
async function createBatch(
  w: PartnerCenterWorld,
  name: string,
  ns: number[],
  token = w.tokens.agent,
) {
  const response = await w.call('POST', `${w.customerPath()}/deviceBatches`, token, {
    payload: { batchId: name, devices: ns.map(pcDevice) },
  });
  expect(response.statusCode, response.body).toBe(202);
  await drainBatches(w.deps);
  return trackingIdOf(response);
}

forEachDialect('Partner Center device batches', (database) => {
  describe('POST /v1/customers/{customerId}/deviceBatches', () => {
    it('accepts the .NET SDK’s PascalCase body, answers 202 with a relative Location, and registers with the batch name as group tag', async () => {
      const w = await partnerCenterWorld(database());
      const tuple = {
        SerialNumber: 'TUPLE-1',
        OemManufacturerName: 'Dell Inc.',
        ModelName: 'Precision WorkStation T7500',
      };
      const response = await w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
        payload: {
          BatchId: 'Test batch',
          Devices: [
            // Every property, defaults included, as the .NET SDK serializes a Device.
            {
              Id: null,
              SerialNumber: pcDevice(1).serialNumber,
              ProductKey: null,
              HardwareHash: pcDevice(1).hardwareHash,
              ModelName: null,
              OemManufacturerName: null,
              Policies: null,
              UploadedDate: '0001-01-01T00:00:00',
              AllowedOperations: null,
              Attributes: { ObjectType: 'Device' },
            },
            tuple,
          ],
          Attributes: { ObjectType: 'DeviceBatchCreationRequest' },
        },
        headers: { 'ms-correlationid': 'corr-1' },
      });
      expect(response.statusCode, response.body).toBe(202);
      expect(response.body).toBe('');
      const trackingId = trackingIdOf(response);
      expect(response.headers.location).toBe(
        `/customers/${w.world.customer.id}/batchJobStatus/${trackingId}`,
      );
      expect(response.headers['ms-correlationid']).toBe('corr-1');

      const queued = await w.call(
        'GET',
        `${w.customerPath()}/batchJobStatus/${trackingId}`,
        w.tokens.reader,
      );
      expect(queued.json<Json>()).toMatchObject({
        status: 'queued',
        devicesStatus: [{ status: 'queued' }, { status: 'queued' }],
      });
      expect(queued.json<Json>().completedTime).toBeUndefined();

      await drainBatches(w.deps);
      const status = await w.call(
        'GET',
        `${w.customerPath()}/batchJobStatus/${trackingId}`,
        w.tokens.reader,
      );
      expect(status.statusCode).toBe(200);
      const details = status.json<{
        status: string;
        devicesStatus: Json[];
        completedTime: string;
      }>();
      expect(details).toMatchObject({
        batchTrackingId: trackingId,
        status: 'finished',
        startedTime: expect.any(String),
        completedTime: expect.any(String),
        attributes: { objectType: 'BatchUploadDetails' },
      });
      expect(details.devicesStatus).toEqual([
        {
          deviceId: expect.any(String),
          serialNumber: 'SN00000001',
          productKey: null,
          status: 'finished',
          errorCode: null,
          errorDescription: null,
          attributes: { objectType: 'DeviceUploadDetails' },
        },
        expect.objectContaining({ serialNumber: 'TUPLE-1', status: 'finished' }),
      ]);

      const devices = await listDevices(w.deps, w.world.partnerAgent, {
        customer: w.world.customer.id,
      });
      expect(devices.map((d) => [d.serialNumber, d.groupTag, d.manufacturer])).toEqual([
        ['SN00000001', 'Test batch', null],
        ['TUPLE-1', 'Test batch', 'Dell Inc.'],
      ]);
    });

    it('reports a device registered to another customer as 808 ZtdDeviceAssignedToOtherTenant', async () => {
      const w = await partnerCenterWorld(database());
      const other = await consentedPair(w.deps, {
        partner: 'Other Partner',
        customer: 'Other Customer',
      });
      await register(w.deps, other.partnerAgent, other.customer, [syntheticDevice(2)]);

      const response = await w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
        payload: { batchId: 'Mixed', devices: [pcDevice(1), pcDevice(2)] },
      });
      await drainBatches(w.deps);
      const status = await w.call(
        'GET',
        `${w.customerPath()}/batchJobStatus/${trackingIdOf(response)}`,
        w.tokens.agent,
      );
      const details = status.json<{ status: string; devicesStatus: Json[] }>();
      expect(details.status).toBe('finished_with_errors');
      expect(details.devicesStatus[0]).toMatchObject({ status: 'finished', errorCode: null });
      expect(details.devicesStatus[1]).toMatchObject({
        deviceId: null,
        serialNumber: 'SN00000002',
        status: 'finished_with_errors',
        errorCode: '808',
        errorDescription: 'ZtdDeviceAssignedToOtherTenant',
      });
    });

    it('returns the same tracking id for a retry with the same MS-RequestId, registers nothing twice, and refuses other devices under that id', async () => {
      const w = await partnerCenterWorld(database());
      const send = (devices: number[]) =>
        w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
          payload: { batchId: 'Retry', devices: devices.map(pcDevice) },
          headers: { 'ms-requestid': '7f1b2c3d-0000-4000-8000-000000000001' },
        });
      const first = await send([1, 2]);
      await drainBatches(w.deps);
      const again = await send([1, 2]);
      expect(again.statusCode).toBe(202);
      expect(again.headers.location).toBe(first.headers.location);
      expect(again.headers['ms-requestid']).toBe('7f1b2c3d-0000-4000-8000-000000000001');
      await drainBatches(w.deps);
      expect(await countBatches(w)).toBe(1);
      expect(await countDevices(w)).toBe(2);

      const other = await send([3]);
      expect(other.statusCode).toBe(409);
      expect(other.json<Json>()).toMatchObject({
        code: 'batch.conflicting_retry',
        source: 'Preflight',
      });
      expect(await countBatches(w)).toBe(1);
    });

    it('answers a retry whose first attempt is still being received with 409 and Retry-After, and accepts it once that attempt is taken for abandoned', async () => {
      const w = await partnerCenterWorld(database());
      const requestId = '7f1b2c3d-0000-4000-8000-000000000002';
      // What a server killed while receiving this request leaves behind.
      const crashedAt = w.clock.now();
      await w.deps.store.database.db
        .insertInto('batches')
        .values({
          id: 'crashed-upload',
          registrar_org_id: w.world.partner.id,
          customer_org_id: w.world.customer.id,
          client_batch_id: `pc:${requestId}`,
          content_digest: '',
          source: 'api',
          file_name: null,
          group_tag: 'Crash',
          strict_tags: 0,
          status: 'receiving',
          total_rows: 0,
          registered_rows: 0,
          failed_rows: 0,
          warning_rows: 0,
          created_at: crashedAt.toISOString(),
          created_by: 'test',
          started_at: null,
          finished_at: null,
          lease_owner: null,
          lease_expires_at: new Date(crashedAt.getTime() + receivingLeaseMs).toISOString(),
          failure_reason: null,
          device_batch_name: 'Crash',
        })
        .execute();
      const send = () =>
        w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
          payload: { batchId: 'Crash', devices: [1, 2].map(pcDevice) },
          headers: { 'ms-requestid': requestId },
        });

      w.clock.advance(30_000);
      const early = await send();
      expect(early.statusCode).toBe(409);
      expect(early.headers['retry-after']).toBe(String(receivingLeaseMs / 1000 - 30));
      expect(early.json<Json>()).toMatchObject({ code: 'batch.conflicting_retry' });

      w.clock.advance(receivingLeaseMs);
      const later = await send();
      expect(later.statusCode).toBe(202);
      await drainBatches(w.deps);
      expect(await countBatches(w)).toBe(1);
      expect(await countDevices(w)).toBe(2);
    });

    it('refuses the whole request, storing nothing, when device 3 has an invalid hash', async () => {
      const w = await partnerCenterWorld(database());
      const devices = [1, 2, 3, 4].map(pcDevice);
      devices[3] = { ...devices[3]!, hardwareHash: 'AAAA' + devices[3]!.hardwareHash!.slice(8) };
      const before = await countBatches(w);
      const response = await w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
        payload: { batchId: 'Broken', devices },
      });
      expect(response.statusCode).toBe(400);
      const body = response.json<{
        code: string;
        description: string;
        data: Json[];
        source: string;
      }>();
      expect(body.code).toBe('input.invalid');
      expect(body.description).toContain('devices[3].hardwareHash');
      expect(body.data[0]).toMatchObject({ field: 'devices[3].hardwareHash' });
      expect(JSON.stringify(body.data)).not.toContain('devices[0]');
      expect(await countBatches(w)).toBe(before);
    });

    it.each([
      ['a batch name with a comma', { batchId: 'a,b', devices: [pcDevice(1)] }, 'batchId'],
      ['no batch name', { devices: [pcDevice(1)] }, 'batchId'],
      [
        'an unknown device property',
        { batchId: 'B', devices: [{ ...pcDevice(1), groupTag: 'X' }] },
        'devices[0].groupTag',
      ],
      [
        'a device property given twice',
        { batchId: 'B', devices: [{ ...pcDevice(1), SerialNumber: 'x' }] },
        'devices[0].serialNumber',
      ],
      [
        'a policy applied at upload',
        { batchId: 'B', devices: [{ ...pcDevice(1), policies: [{ key: 'o_o_b_e', value: 'p' }] }] },
        'devices[0].policies',
      ],
      ['no devices', { batchId: 'B', devices: [] }, 'devices'],
      [
        'a device without identifiers',
        { batchId: 'B', devices: [{ modelName: 'X' }] },
        'devices[0].serialNumber',
      ],
    ])('refuses %s with 400 naming the field', async (_label, payload, field) => {
      const w = await partnerCenterWorld(database());
      const response = await w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
        payload,
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json<{ data: Json[] }>().data[0]).toMatchObject({ field });
      expect(await countBatches(w)).toBe(0);
    });

    it('answers malformed JSON with 400 in the Partner Center error shape', async () => {
      const w = await partnerCenterWorld(database());
      const response = await w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
        payload: '{"batchId": "x", "devices": [',
      });
      expect(response.statusCode).toBe(400);
      const body = response.json<Json>();
      expect(Object.keys(body)).toEqual(
        expect.arrayContaining(['code', 'description', 'data', 'source']),
      );
      expect(body.description).toEqual(expect.any(String));
      expect(response.headers['ms-cv']).toBeDefined();
    });

    it('accepts an upload larger than the default body limit', async () => {
      const w = await partnerCenterWorld(database());
      const devices = Array.from({ length: 3000 }, (_, i) => pcDevice(i + 1));
      const payload = JSON.stringify({ batchId: 'Large', devices });
      expect(payload.length).toBeGreaterThan(10 * 1024 * 1024);
      const response = await w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
        payload,
      });
      expect(response.statusCode, response.body.slice(0, 300)).toBe(202);
    });

    it('refuses readers, the customer itself, strangers and other customers’ paths', async () => {
      const w = await partnerCenterWorld(database());
      const payload = { batchId: 'B', devices: [pcDevice(1)] };
      const url = `${w.customerPath()}/deviceBatches`;
      expect((await w.call('POST', url, w.tokens.reader, { payload })).statusCode).toBe(403);
      expect((await w.call('POST', url, w.tokens.customer, { payload })).statusCode).toBe(403);
      expect((await w.call('POST', url, w.tokens.stranger, { payload })).statusCode).toBe(403);
      const other = `/v1/customers/${w.world.otherCustomer.id}/deviceBatches`;
      expect((await w.call('POST', other, w.tokens.agent, { payload })).statusCode).toBe(403);
      expect(await countBatches(w)).toBe(0);
    });
  });

  describe('POST /v1/customers/{customerId}/deviceBatches/{deviceBatchId}/devices', () => {
    it('adds an upload to an existing batch, and refuses a batch the caller does not have', async () => {
      const w = await partnerCenterWorld(database());
      await createBatch(w, 'Test batch', [1]);
      const add = await w.call(
        'POST',
        `${w.customerPath()}/deviceBatches/${encodeURIComponent('Test batch')}/devices`,
        w.tokens.agent,
        {
          payload: [
            { SerialNumber: pcDevice(2).serialNumber, HardwareHash: pcDevice(2).hardwareHash },
          ],
        },
      );
      expect(add.statusCode, add.body).toBe(202);
      expect(add.headers.location).toMatch(
        new RegExp(`^/customers/${w.world.customer.id}/batchJobStatus/`),
      );
      await drainBatches(w.deps);
      const list = await w.call('GET', `${w.customerPath()}/deviceBatches`, w.tokens.agent);
      expect(list.json<{ items: Json[] }>().items).toEqual([
        expect.objectContaining({ id: 'Test batch', devicesCount: 2 }),
      ]);

      for (const [token, name] of [
        [w.tokens.agent, 'Unknown'],
        [w.tokens.rival, 'Test batch'],
      ] as const) {
        const refused = await w.call(
          'POST',
          `${w.customerPath()}/deviceBatches/${encodeURIComponent(name)}/devices`,
          token,
          {
            payload: [pcDevice(5)],
          },
        );
        expect(refused.statusCode).toBe(404);
        expect(refused.json<Json>().code).toBe('batch.not_found');
      }
      expect(await countDevices(w)).toBe(2);
    });
  });

  describe('GET device batches and their devices', () => {
    it('lists only the caller’s batches, with their devices and hashes', async () => {
      const w = await partnerCenterWorld(database());
      await createBatch(w, 'Alpha', [1, 2]);
      await createBatch(w, 'Rival batch', [3], w.tokens.rival);

      const mine = await w.call('GET', `${w.customerPath()}/deviceBatches`, w.tokens.reader);
      expect(mine.statusCode).toBe(200);
      expect(mine.json()).toEqual({
        totalCount: 1,
        items: [
          {
            id: 'Alpha',
            createdBy: w.world.partner.id,
            creationDate: expect.any(String),
            devicesCount: 2,
            devicesLink: {
              uri: `/customers/${w.world.customer.id}/deviceBatches/Alpha/devices`,
              method: 'GET',
              headers: [],
            },
            attributes: { objectType: 'DeviceBatch' },
          },
        ],
        attributes: { objectType: 'Collection' },
      });

      const devices = await w.call(
        'GET',
        `${w.customerPath()}/deviceBatches/Alpha/devices`,
        w.tokens.agent,
      );
      expect(devices.statusCode).toBe(200);
      const body = devices.json<{
        totalCount: number;
        items: Json[];
        continuationToken?: string;
      }>();
      expect(body.totalCount).toBe(2);
      expect(body.continuationToken).toBeUndefined();
      expect(body.items[0]).toEqual({
        id: expect.any(String),
        serialNumber: 'SN00000001',
        productKey: null,
        hardwareHash: pcDevice(1).hardwareHash,
        modelName: null,
        oemManufacturerName: null,
        policies: [{ key: 'o_o_b_e', value: null }],
        uploadedDate: expect.any(String),
        allowedOperations: ['GET', 'PATCH', 'DELETE'],
        attributes: { objectType: 'Device' },
      });

      // Another partner of the same customer sees none of it.
      const rival = await w.call(
        'GET',
        `${w.customerPath()}/deviceBatches/Alpha/devices`,
        w.tokens.rival,
      );
      expect(rival.statusCode).toBe(404);
      const rivalList = await w.call('GET', `${w.customerPath()}/deviceBatches`, w.tokens.rival);
      expect(rivalList.json<{ items: Json[] }>().items.map((i) => i.id)).toEqual(['Rival batch']);
      // A stranger without consent is refused.
      expect(
        (await w.call('GET', `${w.customerPath()}/deviceBatches`, w.tokens.stranger)).statusCode,
      ).toBe(403);
    });

    it('pages 100 devices at a time with MS-ContinuationToken, and refuses a tampered token', async () => {
      const w = await partnerCenterWorld(database());
      const hashes = Array.from({ length: 230 }, (_, i) => ({
        serialNumber: `P${i}`,
        hardwareHash: buildHardwareHash({
          serialNumber: `P${i}`,
          manufacturer: 'Contoso Devices',
          model: 'Laptop 7',
        }),
      }));
      const created = await w.call('POST', `${w.customerPath()}/deviceBatches`, w.tokens.agent, {
        payload: { batchId: 'Paged', devices: hashes },
      });
      expect(created.statusCode).toBe(202);
      await drainBatches(w.deps);

      const url = `${w.customerPath()}/deviceBatches/Paged/devices`;
      const seen: string[] = [];
      let token: string | undefined;
      const sizes: number[] = [];
      do {
        const page = await w.call('GET', url, w.tokens.agent, {
          headers: token ? { 'ms-continuationtoken': token } : {},
        });
        expect(page.statusCode, page.body).toBe(200);
        const body = page.json<{
          totalCount: number;
          items: { id: string }[];
          continuationToken?: string;
          links: { next?: { headers: Json[] } };
        }>();
        expect(body.totalCount).toBe(230);
        sizes.push(body.items.length);
        seen.push(...body.items.map((d) => d.id));
        token = body.continuationToken;
        if (token) {
          expect(body.links.next?.headers).toEqual([{ key: 'MS-ContinuationToken', value: token }]);
        }
      } while (token);
      expect(sizes).toEqual([100, 100, 30]);
      expect(new Set(seen).size).toBe(230);

      const first = await w.call('GET', url, w.tokens.agent);
      const good = first.json<{ continuationToken: string }>().continuationToken;
      const tampered = `${good.slice(0, 5)}${good[5] === 'A' ? 'B' : 'A'}${good.slice(6)}`;
      const refused = await w.call('GET', url, w.tokens.agent, {
        headers: { 'ms-continuationtoken': tampered },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json<{ data: Json[] }>().data[0]).toMatchObject({
        field: 'MS-ContinuationToken',
      });
    });
  });

  describe('GET /v1/customers/{customerId}/batchJobStatus/{batchTrackingId}', () => {
    it('shows a tracking id only to the partner that uploaded', async () => {
      const w = await partnerCenterWorld(database());
      const trackingId = await createBatch(w, 'Mine', [1]);
      const url = `${w.customerPath()}/batchJobStatus/${trackingId}`;
      expect((await w.call('GET', url, w.tokens.agent)).statusCode).toBe(200);
      const rival = await w.call('GET', url, w.tokens.rival);
      expect(rival.statusCode).toBe(404);
      expect(rival.json<Json>().code).toBe('batch.not_found');
      expect((await w.call('GET', url, w.tokens.stranger)).statusCode).toBe(403);
      expect(
        (await w.call('GET', `${w.customerPath()}/batchJobStatus/unknown`, w.tokens.agent))
          .statusCode,
      ).toBe(404);
    });
  });

  describe('DELETE /v1/customers/{customerId}/deviceBatches/{deviceBatchId}/devices/{deviceId}', () => {
    it('deregisters the caller’s device (204) and refuses others’ devices and readers', async () => {
      const w = await partnerCenterWorld(database());
      await createBatch(w, 'Alpha', [1, 2]);
      await createBatch(w, 'Rival batch', [3], w.tokens.rival);
      const devices = await w.call(
        'GET',
        `${w.customerPath()}/deviceBatches/Alpha/devices`,
        w.tokens.agent,
      );
      const [first] = devices.json<{ items: { id: string }[] }>().items;
      const url = `${w.customerPath()}/deviceBatches/Alpha/devices/${first!.id}`;

      expect((await w.call('DELETE', url, w.tokens.reader)).statusCode).toBe(403);
      expect((await w.call('DELETE', url, w.tokens.rival)).statusCode).toBe(404);
      expect(
        (
          await w.call(
            'DELETE',
            `${w.customerPath()}/deviceBatches/Other/devices/${first!.id}`,
            w.tokens.agent,
          )
        ).statusCode,
      ).toBe(404);
      expect(await countDevices(w)).toBe(3);

      const deleted = await w.call('DELETE', url, w.tokens.agent, {
        headers: { 'content-type': 'application/json' },
      });
      expect(deleted.statusCode, deleted.body).toBe(204);
      expect(deleted.body).toBe('');
      expect(await countDevices(w)).toBe(2);
      expect((await w.call('DELETE', url, w.tokens.agent)).statusCode).toBe(404);

      const rivalDevices = await w.call(
        'GET',
        `${w.customerPath()}/deviceBatches/${encodeURIComponent('Rival batch')}/devices`,
        w.tokens.rival,
      );
      const rivalId = rivalDevices.json<{ items: { id: string }[] }>().items[0]!.id;
      const notMine = await w.call(
        'DELETE',
        `${w.customerPath()}/deviceBatches/${encodeURIComponent('Rival batch')}/devices/${rivalId}`,
        w.tokens.agent,
      );
      expect(notMine.statusCode).toBe(404);
      expect(await countDevices(w)).toBe(2);
    });
  });
});
