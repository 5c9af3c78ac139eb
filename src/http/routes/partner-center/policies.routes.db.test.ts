import { describe, expect, it } from 'vitest';
import { managedDesktopGroupTag } from '../../../domain/deployment-profile.js';
import { listDevices, setGroupTag } from '../../../services/devices.js';
import { listProfiles } from '../../../services/profiles.js';
import { drainBatches } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';
import {
  partnerCenterWorld,
  pcDevice,
  trackingIdOf,
  type PartnerCenterWorld,
} from '../../../../test/kit/partner-center.js';

type Json = Record<string, unknown>;

const policyBody = {
  Name: 'Policy for Autopilot',
  Category: 'o_o_b_e',
  Description: 'Test Policy',
  PolicySettings: ['skip_express_settings', 'skip_eula', 'oobe_user_not_local_admin'],
};

async function createPolicy(
  w: PartnerCenterWorld,
  body: Json = policyBody,
  token = w.tokens.admin,
) {
  const response = await w.call('POST', `${w.customerPath()}/policies`, token, { payload: body });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ id: string } & Json>();
}

/** Registers devices `ns` in batch `name` (the built-in profile's tag by default) and returns their ids. */
async function devicesIn(
  w: PartnerCenterWorld,
  ns: number[],
  name = managedDesktopGroupTag,
  token = w.tokens.agent,
) {
  const created = await w.call('POST', `${w.customerPath()}/deviceBatches`, token, {
    payload: { batchId: name, devices: ns.map(pcDevice) },
  });
  expect(created.statusCode, created.body).toBe(202);
  await drainBatches(w.deps);
  const list = await w.call('GET', `${w.customerPath()}/deviceBatches/${name}/devices`, token);
  return list.json<{ items: { id: string; policies: Json[] }[] }>().items;
}

const profileOf = async (w: PartnerCenterWorld, id: string) =>
  (await listDevices(w.deps, w.world.customerAdmin, {})).find((d) => d.id === id)!.profileId;

forEachDialect('Partner Center policies', (database) => {
  describe('policies', () => {
    it("keeps a partner's policy out of the customer's hands in the Graph API", async () => {
      const w = await partnerCenterWorld(database());
      const created = await createPolicy(w);
      const path = `/beta/deviceManagement/windowsAutopilotDeploymentProfiles/${created.id}`;
      const customer = await w.call('GET', path, w.tokens.customer);
      expect(customer.statusCode).toBe(200);
      const patch = await w.call('PATCH', path, w.tokens.customer, {
        payload: { displayName: 'Hijacked' },
      });
      expect(patch.statusCode).toBe(409);
      expect(patch.json().error.innerError.code).toBe('profile.managed_by_partner');
      expect((await w.call('DELETE', path, w.tokens.customer)).statusCode).toBe(409);
      const after = await w.call(
        'GET',
        `${w.customerPath()}/policies/${created.id}`,
        w.tokens.admin,
      );
      expect(after.json().name).toBe('Policy for Autopilot');
    });

    it('creates (200, PascalCase body), reads, lists, updates and deletes a policy as an admin', async () => {
      const w = await partnerCenterWorld(database());
      const created = await createPolicy(w);
      expect(created).toEqual({
        id: expect.any(String),
        name: 'Policy for Autopilot',
        category: 'o_o_b_e',
        description: 'Test Policy',
        devicesAssigned: 0,
        policySettings: [
          'oobe_user_not_local_admin',
          'skip_express_settings',
          'skip_oem_registration',
          'skip_eula',
        ],
        createdDate: expect.any(String),
        lastModifiedDate: expect.any(String),
        attributes: { objectType: 'ConfigurationPolicy' },
      });
      const url = `${w.customerPath()}/policies/${created.id}`;
      expect((await w.call('GET', url, w.tokens.reader)).json()).toEqual(created);
      const list = await w.call('GET', `${w.customerPath()}/policies`, w.tokens.agent);
      expect(list.json()).toEqual({
        totalCount: 1,
        items: [created],
        attributes: { objectType: 'Collection' },
      });

      const updated = await w.call('PUT', url, w.tokens.admin, {
        payload: { ...created, name: 'Renamed', policySettings: ['none'] },
      });
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.json()).toMatchObject({
        id: created.id,
        name: 'Renamed',
        description: 'Test Policy',
        policySettings: ['skip_oem_registration'],
      });

      // The customer sees the profile among its own; it is the partner's to manage.
      const customerView = await listProfiles(w.deps, w.world.customerAdmin);
      expect(customerView.map((p) => p.displayName)).toContain('Renamed');

      const deleted = await w.call('DELETE', url, w.tokens.admin);
      expect(deleted.statusCode).toBe(204);
      expect((await w.call('GET', url, w.tokens.admin)).statusCode).toBe(404);
    });

    it('lets only admins change policies, and shows them only to the partner that created them', async () => {
      const w = await partnerCenterWorld(database());
      const created = await createPolicy(w);
      const url = `${w.customerPath()}/policies/${created.id}`;
      for (const token of [w.tokens.agent, w.tokens.reader]) {
        const refused = await w.call('POST', `${w.customerPath()}/policies`, token, {
          payload: { ...policyBody, Name: 'Other' },
        });
        expect(refused.statusCode).toBe(403);
        expect((await w.call('PUT', url, token, { payload: { name: 'X' } })).statusCode).toBe(403);
        expect((await w.call('DELETE', url, token)).statusCode).toBe(403);
      }
      // Another partner of the same customer: not found, and an empty list.
      expect((await w.call('GET', url, w.tokens.rival)).statusCode).toBe(404);
      expect(
        (await w.call('PUT', url, w.tokens.rival, { payload: { name: 'X' } })).statusCode,
      ).toBe(404);
      expect((await w.call('DELETE', url, w.tokens.rival)).statusCode).toBe(404);
      const rivalList = await w.call('GET', `${w.customerPath()}/policies`, w.tokens.rival);
      expect(rivalList.json<{ totalCount: number }>().totalCount).toBe(0);
      // Without consent: refused before anything is looked up.
      expect((await w.call('GET', url, w.tokens.stranger)).statusCode).toBe(403);
      expect((await w.call('GET', url, w.tokens.admin)).json<Json>().name).toBe(
        'Policy for Autopilot',
      );
    });

    it.each([
      [
        { name: 'x', category: 'o_o_b_e', policySettings: ['remove_oem_preinstalls'] },
        'policySettings[0]',
      ],
      [{ name: 'x' }, 'category'],
      [{ category: 'o_o_b_e' }, 'name'],
    ])('refuses %j with 400 naming the property', async (payload, field) => {
      const w = await partnerCenterWorld(database());
      const response = await w.call('POST', `${w.customerPath()}/policies`, w.tokens.admin, {
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<{ data: Json[] }>().data[0]).toMatchObject({ field });
    });
  });

  describe('PATCH /v1/customers/{customerId}/DevicePolicyUpdates', () => {
    it('pins the policy on the devices over their tag rule, reports the job, and unpins with null', async () => {
      const w = await partnerCenterWorld(database());
      const [first, second] = await devicesIn(w, [1, 2]);
      const builtIn = await profileOf(w, first!.id);
      expect(builtIn).not.toBeNull();
      const policy = await createPolicy(w);

      const patch = await w.call(
        'PATCH',
        `${w.customerPath()}/DevicePolicyUpdates`,
        w.tokens.admin,
        {
          payload: {
            Devices: [
              { Id: first!.id, Policies: [{ Key: 'o_o_b_e', Value: policy.id }] },
              { id: second!.id, policies: [{ key: 'o_o_b_e', value: policy.id }] },
            ],
          },
        },
      );
      expect(patch.statusCode, patch.body).toBe(202);
      expect(patch.body).toBe('');
      expect(patch.headers.location).toMatch(
        new RegExp(`^/customers/${w.world.customer.id}/batchJobStatus/`),
      );
      expect(await profileOf(w, first!.id)).toBe(policy.id);

      const status = await w.call(
        'GET',
        `${w.customerPath()}/batchJobStatus/${trackingIdOf(patch)}`,
        w.tokens.reader,
      );
      expect(status.statusCode).toBe(200);
      expect(status.json()).toMatchObject({
        batchTrackingId: trackingIdOf(patch),
        status: 'finished',
        devicesStatus: [
          { deviceId: first!.id, serialNumber: 'SN00000001', status: 'finished', errorCode: null },
          { deviceId: second!.id, status: 'finished' },
        ],
      });
      // Only the partner that made the change sees its job.
      expect(
        (
          await w.call(
            'GET',
            `${w.customerPath()}/batchJobStatus/${trackingIdOf(patch)}`,
            w.tokens.rival,
          )
        ).statusCode,
      ).toBe(404);

      const listed = await w.call(
        'GET',
        `${w.customerPath()}/deviceBatches/${managedDesktopGroupTag}/devices`,
        w.tokens.agent,
      );
      expect(listed.json<{ items: { policies: Json[] }[] }>().items[0]!.policies).toEqual([
        { key: 'o_o_b_e', value: policy.id },
      ]);
      const read = await w.call('GET', `${w.customerPath()}/policies/${policy.id}`, w.tokens.agent);
      expect(read.json<Json>().devicesAssigned).toBe(2);

      // A tag change re-evaluates the device, and the pin still wins.
      await setGroupTag(w.deps, w.world.customerAdmin, { ids: [first!.id], groupTag: 'Elsewhere' });
      expect(await profileOf(w, first!.id)).toBe(policy.id);

      const unpin = await w.call(
        'PATCH',
        `${w.customerPath()}/DevicePolicyUpdates`,
        w.tokens.admin,
        {
          payload: { devices: [{ id: second!.id, policies: [{ key: 'o_o_b_e', value: null }] }] },
        },
      );
      expect(unpin.statusCode, unpin.body).toBe(202);
      expect(await profileOf(w, second!.id)).toBe(builtIn);
    });

    it('refuses the whole request for another partner’s device or policy, an agent, or a reader, changing nothing', async () => {
      const w = await partnerCenterWorld(database());
      const [mine] = await devicesIn(w, [1]);
      const [theirs] = await devicesIn(w, [2], 'Rival', w.tokens.rival);
      const policy = await createPolicy(w);
      const rivalPolicy = await createPolicy(
        w,
        { ...policyBody, Name: 'Rival policy' },
        w.tokens.rival,
      );
      const before = await profileOf(w, mine!.id);
      const patch = (token: string, devices: Json[]) =>
        w.call('PATCH', `${w.customerPath()}/DevicePolicyUpdates`, token, { payload: { devices } });
      const item = (id: string, value: string | null) => ({
        id,
        policies: [{ key: 'o_o_b_e', value }],
      });

      const foreignDevice = await patch(w.tokens.admin, [
        item(mine!.id, policy.id),
        item(theirs!.id, policy.id),
      ]);
      expect(foreignDevice.statusCode).toBe(404);
      expect(foreignDevice.json<{ data: Json[] }>().data[0]).toMatchObject({
        field: 'devices[1].id',
      });
      const foreignPolicy = await patch(w.tokens.admin, [item(mine!.id, rivalPolicy.id)]);
      expect(foreignPolicy.statusCode).toBe(404);
      expect(foreignPolicy.json<{ data: Json[] }>().data[0]).toMatchObject({
        field: 'devices[0].policies[0].value',
      });
      expect((await patch(w.tokens.agent, [item(mine!.id, policy.id)])).statusCode).toBe(403);
      expect((await patch(w.tokens.reader, [item(mine!.id, policy.id)])).statusCode).toBe(403);
      expect((await patch(w.tokens.stranger, [item(mine!.id, policy.id)])).statusCode).toBe(403);
      const badKey = await patch(w.tokens.admin, [
        { id: mine!.id, policies: [{ key: 'none', value: policy.id }] },
      ]);
      expect(badKey.statusCode).toBe(400);
      expect(await profileOf(w, mine!.id)).toBe(before);
    });

    it('deleting a pinned policy hands its devices back to the tag rules', async () => {
      const w = await partnerCenterWorld(database());
      const [device] = await devicesIn(w, [1]);
      const builtIn = await profileOf(w, device!.id);
      const policy = await createPolicy(w);
      await w.call('PATCH', `${w.customerPath()}/DevicePolicyUpdates`, w.tokens.admin, {
        payload: {
          devices: [{ id: device!.id, policies: [{ key: 'o_o_b_e', value: policy.id }] }],
        },
      });
      expect(await profileOf(w, device!.id)).toBe(policy.id);
      const deleted = await w.call(
        'DELETE',
        `${w.customerPath()}/policies/${policy.id}`,
        w.tokens.admin,
      );
      expect(deleted.statusCode, deleted.body).toBe(204);
      expect(await profileOf(w, device!.id)).toBe(builtIn);
    });
  });

  describe('GET /v1/customers', () => {
    it('lists the customers that consented to the caller, and nothing to a stranger', async () => {
      const w = await partnerCenterWorld(database());
      const mine = await w.call('GET', '/v1/customers', w.tokens.reader);
      expect(mine.statusCode).toBe(200);
      expect(mine.json()).toEqual({
        totalCount: 1,
        items: [
          {
            id: w.world.customer.id,
            companyProfile: {
              tenantId: w.world.customer.id,
              domain: w.world.customer.domain,
              companyName: 'Contoso',
              attributes: { objectType: 'CustomerCompanyProfile' },
            },
            relationshipToPartner: 'reseller',
            attributes: { objectType: 'Customer' },
          },
        ],
        attributes: { objectType: 'Collection' },
      });
      const stranger = await w.call('GET', '/v1/customers', w.tokens.stranger);
      expect(stranger.json<{ totalCount: number }>().totalCount).toBe(0);
      expect((await w.call('GET', '/v1/customers', w.tokens.customer)).statusCode).toBe(403);
    });
  });
});
