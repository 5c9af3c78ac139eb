import { describe, expect, it } from 'vitest';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { syntheticDevice } from '../../../../test/kit/devices.js';
import { clientActor, graphWorld, type GraphWorld } from '../../../../test/kit/graph.js';
import { register } from '../../../../test/kit/registration.js';

const profiles = '/beta/deviceManagement/windowsAutopilotDeploymentProfiles';
const devices = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';
const entra = '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function createProfile(g: GraphWorld, body: Record<string, unknown> = {}) {
  const response = await g.call('customer', 'POST', profiles, {
    '@odata.type': entra,
    displayName: 'Sales laptops',
    description: 'User-driven, Entra join',
    outOfBoxExperienceSetting: { userType: 'standard', privacySettingsHidden: true },
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Json;
}

async function deviceWithTag(g: GraphWorld, n: number, groupTag: string | null) {
  await register(g.deps, clientActor(g.world.customerClient), g.world.customer, [
    syntheticDevice(n, groupTag === null ? {} : { groupTag }),
  ]);
  const filter = encodeURIComponent(`serialNumber eq '${syntheticDevice(n).serialNumber}'`);
  return ((await g.call('customer', 'GET', `${devices}?$filter=${filter}`)).json() as Json).value[0]
    .id as string;
}

const readDevice = async (g: GraphWorld, id: string) =>
  (await g.call('customer', 'GET', `${devices}/${id}?$expand=deploymentProfile`)).json() as Json;

forEachDialect('Graph windowsAutopilotDeploymentProfiles', (db) => {
  describe('profiles', () => {
    it('creates, reads, lists, changes and deletes a profile', async () => {
      const g = await graphWorld(db());
      const created = await createProfile(g);
      expect(created).toMatchObject({
        '@odata.type': entra,
        displayName: 'Sales laptops',
        outOfBoxExperienceSetting: { userType: 'standard', privacySettingsHidden: true },
      });
      expect(created['@odata.context']).toBe(
        'https://preflight.test/beta/$metadata#deviceManagement/windowsAutopilotDeploymentProfiles/$entity',
      );
      const read = (
        await g.call(
          'customer',
          'GET',
          `/v1.0/deviceManagement/windowsAutopilotDeploymentProfiles/${created.id}`,
        )
      ).json() as Json;
      expect(read.displayName).toBe('Sales laptops');
      const list = (await g.call('customer', 'GET', profiles)).json() as Json;
      // Oldest first; both were made at the same (test clock) instant, so either order.
      expect(list.value.map((p: Json) => p.displayName).sort()).toEqual([
        'Microsoft Managed Desktop',
        'Sales laptops',
      ]);

      const patch = await g.call('customer', 'PATCH', `${profiles}/${created.id}`, {
        '@odata.type': entra,
        displayName: 'Sales laptops (EU)',
        locale: 'de-DE',
      });
      expect(patch.statusCode, patch.body).toBe(204);
      const changed = (await g.call('customer', 'GET', `${profiles}/${created.id}`)).json() as Json;
      expect(changed).toMatchObject({
        displayName: 'Sales laptops (EU)',
        locale: 'de-DE',
        description: 'User-driven, Entra join',
        outOfBoxExperienceSetting: { userType: 'standard' },
      });

      expect((await g.call('customer', 'DELETE', `${profiles}/${created.id}`)).statusCode).toBe(
        204,
      );
      const gone = await g.call('customer', 'GET', `${profiles}/${created.id}`);
      expect(gone.statusCode).toBe(404);
      expect((gone.json() as Json).error.code).toBe('ResourceNotFound');
    });

    it('refuses to delete the built-in profile (409), and a duplicate name (409)', async () => {
      const g = await graphWorld(db());
      const builtIn = ((await g.call('customer', 'GET', profiles)).json() as Json).value[0];
      const refused = await g.call('customer', 'DELETE', `${profiles}/${builtIn.id}`);
      expect(refused.statusCode).toBe(409);
      expect((refused.json() as Json).error).toMatchObject({
        code: 'Conflict',
        innerError: { code: 'profile.built_in' },
      });
      await createProfile(g);
      const twice = await g.call('customer', 'POST', profiles, {
        '@odata.type': entra,
        displayName: 'SALES LAPTOPS',
      });
      expect(twice.statusCode).toBe(409);
    });

    it('refuses a property it cannot store, naming it', async () => {
      const g = await graphWorld(db());
      const response = await g.call('customer', 'POST', profiles, {
        '@odata.type': entra,
        displayName: 'X',
        colour: 'blue',
      });
      expect(response.statusCode).toBe(400);
      const error = (response.json() as Json).error;
      expect(error.message).toContain('colour');
      expect(error.innerError.details.field).toBe('colour');
      const patch = await g.call(
        'customer',
        'PATCH',
        `${profiles}/${(await createProfile(g)).id}`,
        {
          deviceType: 'holoLens',
        },
      );
      expect(patch.statusCode).toBe(400);
      expect((patch.json() as Json).error.innerError.details.field).toBe('deviceType');
    });

    it('keeps profiles to the customer: readers, partners and other customers are refused', async () => {
      const g = await graphWorld(db());
      const created = await createProfile(g);
      const body = { '@odata.type': entra, displayName: 'Other' };
      expect((await g.call('customerReader', 'POST', profiles, body)).statusCode).toBe(403);
      expect((await g.call('customerReader', 'GET', profiles)).statusCode).toBe(200);
      // Graph profile writes are the customer's own; the profiles service refuses partners.
      expect((await g.call('partnerForCustomer', 'POST', profiles, body)).statusCode).toBe(403);
      expect((await g.call('partnerForCustomer', 'GET', profiles)).statusCode).toBe(403);
      expect((await g.call('partner', 'GET', profiles)).statusCode).toBe(403);
      expect((await g.call('otherCustomer', 'GET', `${profiles}/${created.id}`)).statusCode).toBe(
        404,
      );
      expect(
        (await g.call('otherCustomer', 'DELETE', `${profiles}/${created.id}`)).statusCode,
      ).toBe(404);
      const others = ((await g.call('otherCustomer', 'GET', profiles)).json() as Json).value;
      expect(others.map((p: Json) => p.id)).not.toContain(created.id);
    });
  });

  describe('assignments', () => {
    it('assigns a profile by membership rule: the device gets it, and loses it when unassigned', async () => {
      const g = await graphWorld(db());
      const id = await deviceWithTag(g, 1, 'Sales');
      const other = await deviceWithTag(g, 2, 'Finance');
      expect((await readDevice(g, id)).deploymentProfileAssignmentStatus).toBe('notAssigned');
      const profile = await createProfile(g);

      const response = await g.call('customer', 'POST', `${profiles}/${profile.id}/assignments`, {
        target: {
          '@odata.type': '#microsoft.graph.groupAssignmentTarget',
          membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
        },
      });
      expect(response.statusCode, response.body).toBe(201);
      const assignment = response.json() as Json;
      expect(assignment).toMatchObject({
        '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
        source: 'direct',
        sourceId: profile.id,
        target: {
          '@odata.type': '#microsoft.graph.groupAssignmentTarget',
          membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
        },
      });
      const device = await readDevice(g, id);
      expect(device.deploymentProfileAssignmentStatus).toBe('assignedInSync');
      expect(device.deploymentProfile.id).toBe(profile.id);
      expect((await readDevice(g, other)).deploymentProfileAssignmentStatus).toBe('notAssigned');

      const assigned = (
        await g.call('customer', 'GET', `${profiles}/${profile.id}/assignedDevices`)
      ).json() as Json;
      expect(assigned.value.map((d: Json) => d.id)).toEqual([id]);
      const listed = (
        await g.call('customer', 'GET', `${profiles}/${profile.id}/assignments`)
      ).json() as Json;
      expect(listed.value.map((a: Json) => a.id)).toEqual([assignment.id]);
      const one = await g.call(
        'customer',
        'GET',
        `${profiles}/${profile.id}/assignments/${assignment.id}`,
      );
      expect((one.json() as Json).id).toBe(assignment.id);

      // The same rule again is the same assignment.
      const again = await g.call('customer', 'POST', `${profiles}/${profile.id}/assignments`, {
        target: {
          '@odata.type': '#microsoft.graph.groupAssignmentTarget',
          membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
        },
      });
      expect((again.json() as Json).id).toBe(assignment.id);

      const inUse = await g.call('customer', 'DELETE', `${profiles}/${profile.id}`);
      expect(inUse.statusCode).toBe(409);
      expect((inUse.json() as Json).error.innerError.code).toBe('profile.assigned');

      expect(
        (
          await g.call(
            'customer',
            'DELETE',
            `${profiles}/${profile.id}/assignments/${assignment.id}`,
          )
        ).statusCode,
      ).toBe(204);
      expect((await readDevice(g, id)).deploymentProfileAssignmentStatus).toBe('notAssigned');
      expect((await g.call('customer', 'DELETE', `${profiles}/${profile.id}`)).statusCode).toBe(
        204,
      );
    });

    it('assigns to all Autopilot devices with allDevicesAssignmentTarget', async () => {
      const g = await graphWorld(db());
      const id = await deviceWithTag(g, 1, null);
      const profile = await createProfile(g);
      const response = await g.call('customer', 'POST', `${profiles}/${profile.id}/assignments`, {
        '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
        target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' },
      });
      expect(response.statusCode, response.body).toBe(201);
      expect((response.json() as Json).target['@odata.type']).toBe(
        '#microsoft.graph.allDevicesAssignmentTarget',
      );
      expect((await readDevice(g, id)).deploymentProfile.id).toBe(profile.id);
    });

    it('refuses a groupId target, explaining what to send, and a rule it cannot read', async () => {
      const g = await graphWorld(db());
      const profile = await createProfile(g);
      const groupId = await g.call('customer', 'POST', `${profiles}/${profile.id}/assignments`, {
        target: {
          '@odata.type': '#microsoft.graph.groupAssignmentTarget',
          groupId: '2f6b2b5e-7f53-4a1c-9b45-6f8a1e3c7d21',
        },
      });
      expect(groupId.statusCode).toBe(400);
      const error = (groupId.json() as Json).error;
      expect(error.message).toContain('no Entra groups');
      expect(error.innerError.remedy).toContain('membershipRule');
      const badRule = await g.call('customer', 'POST', `${profiles}/${profile.id}/assignments`, {
        target: {
          '@odata.type': '#microsoft.graph.groupAssignmentTarget',
          membershipRule: '(device.displayName -eq "x")',
        },
      });
      expect(badRule.statusCode).toBe(400);
      expect((badRule.json() as Json).error.innerError.code).toBe('rule.invalid');
      const exclusion = await g.call('customer', 'POST', `${profiles}/${profile.id}/assignments`, {
        target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: 'x' },
      });
      expect(exclusion.statusCode).toBe(400);
      const unknownProfile = await g.call(
        'customer',
        'GET',
        `${profiles}/no-such-profile/assignments`,
      );
      expect(unknownProfile.statusCode).toBe(404);
    });
  });
});
