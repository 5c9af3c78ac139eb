import { describe, expect, it } from 'vitest';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { syntheticDevice } from '../../../../test/kit/devices.js';
import {
  clientActor,
  graphWorld,
  injectPath,
  type GraphWorld,
} from '../../../../test/kit/graph.js';
import { register } from '../../../../test/kit/registration.js';
import { managedDesktopGroupTag } from '../../../domain/deployment-profile.js';

const devices = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Registers devices for the customer (as the customer) and returns their ids in serial order. */
async function registered(g: GraphWorld, numbers: readonly number[], groupTag?: string) {
  const actor = clientActor(g.world.customerClient);
  await register(
    g.deps,
    actor,
    g.world.customer,
    numbers.map((n) => syntheticDevice(n)),
    groupTag !== undefined ? { groupTag } : {},
  );
  const list = (await g.call('customer', 'GET', `${devices}?$top=1000`)).json() as Json;
  const bySerial = new Map<string, string>(list.value.map((d: Json) => [d.serialNumber, d.id]));
  return numbers.map((n) => bySerial.get(syntheticDevice(n).serialNumber!)!);
}

async function readAll(g: GraphWorld, first: string) {
  const seen: Json[] = [];
  let url: string | undefined = first;
  let pages = 0;
  while (url) {
    const response = await g.call('customer', 'GET', url);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as Json;
    seen.push(...page.value);
    url = page['@odata.nextLink'] ? injectPath(page['@odata.nextLink']) : undefined;
    pages += 1;
  }
  return { seen, pages };
}

forEachDialect('Graph windowsAutopilotDeviceIdentities', (db) => {
  describe('reading', () => {
    it('pages with $top following @odata.nextLink to the end, each device once, and counts', async () => {
      const g = await graphWorld(db());
      const ids = await registered(g, [1, 2, 3, 4, 5]);
      const first = (
        await g.call('customer', 'GET', `${devices}?$top=2&$count=true`)
      ).json() as Json;
      expect(first['@odata.count']).toBe(5);
      expect(first['@odata.context']).toBe(
        'https://preflight.test/beta/$metadata#deviceManagement/windowsAutopilotDeviceIdentities',
      );
      const link = new URL(first['@odata.nextLink']);
      expect(link.pathname).toBe('/beta/deviceManagement/windowsAutopilotDeviceIdentities');
      expect(link.searchParams.get('$top')).toBe('2');
      const { seen, pages } = await readAll(g, `${devices}?$top=2`);
      expect(pages).toBe(3);
      expect(seen.map((d) => d.id).sort()).toEqual([...ids].sort());
      expect(new Set(seen.map((d) => d.id)).size).toBe(5);
    });

    it('filters with contains and eq, keeping the filter across pages', async () => {
      const g = await graphWorld(db());
      await registered(g, [1, 2, 3], 'Sales');
      await registered(g, [11, 12], 'Finance');
      const filter = encodeURIComponent(
        "contains(serialNumber,'sn0000001') and groupTag eq 'Finance'",
      );
      const { seen, pages } = await readAll(g, `${devices}?$top=1&$filter=${filter}`);
      expect(pages).toBe(2);
      expect(seen.map((d) => d.serialNumber).sort()).toEqual(['SN00000011', 'SN00000012']);
      const sales = await readAll(
        g,
        `${devices}?$filter=${encodeURIComponent("groupTag eq 'Sales'")}`,
      );
      expect(sales.seen).toHaveLength(3);
      const bad = await g.call(
        'customer',
        'GET',
        `${devices}?$filter=${encodeURIComponent("serialNumber ne 'x'")}`,
      );
      expect(bad.statusCode).toBe(400);
      expect((bad.json() as Json).error.message).toContain('$filter');
    });

    it('writes the v1.0 properties on v1.0 and adds the assignment ones on beta', async () => {
      const g = await graphWorld(db());
      const [id] = await registered(g, [1], managedDesktopGroupTag);
      const beta = (await g.call('customer', 'GET', `${devices}/${id}`)).json() as Json;
      expect(beta).toMatchObject({
        '@odata.context':
          'https://preflight.test/beta/$metadata#deviceManagement/windowsAutopilotDeviceIdentities/$entity',
        '@odata.type': '#microsoft.graph.windowsAutopilotDeviceIdentity',
        id,
        serialNumber: 'SN00000001',
        groupTag: managedDesktopGroupTag,
        enrollmentState: 'notContacted',
        lastContactedDateTime: '0001-01-01T00:00:00Z',
        deploymentProfileAssignmentStatus: 'assignedInSync',
        deploymentProfileAssignedDateTime: '2026-01-15T09:00:00.000Z',
      });
      const v1 = (
        await g.call(
          'customer',
          'GET',
          `/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/${id}`,
        )
      ).json() as Json;
      expect(v1.serialNumber).toBe('SN00000001');
      expect(v1).not.toHaveProperty('deploymentProfileAssignmentStatus');
      expect(
        (
          await g.call(
            'customer',
            'GET',
            `/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/${id}?$expand=deploymentProfile`,
          )
        ).statusCode,
      ).toBe(400);
    });

    it('selects properties and expands the deployment profile (beta)', async () => {
      const g = await graphWorld(db());
      const [id] = await registered(g, [1], managedDesktopGroupTag);
      const selected = (
        await g.call('customer', 'GET', `${devices}/${id}?$select=serialNumber,groupTag`)
      ).json() as Json;
      expect(Object.keys(selected).sort()).toEqual(
        ['@odata.context', '@odata.type', 'groupTag', 'serialNumber'].sort(),
      );
      const expanded = (
        await g.call('customer', 'GET', `${devices}?$expand=deploymentProfile`)
      ).json() as Json;
      expect(expanded.value[0].deploymentProfile.displayName).toBe('Microsoft Managed Desktop');
      const unknown = await g.call('customer', 'GET', `${devices}?$select=colour`);
      expect(unknown.statusCode).toBe(400);
      expect((unknown.json() as Json).error.message).toBe(
        "$select: Could not find a property named 'colour' on type 'microsoft.graph.windowsAutopilotDeviceIdentity'.",
      );
    });
  });

  describe('changing', () => {
    it('changes the group tag and re-evaluates the profile at once', async () => {
      const g = await graphWorld(db());
      const [id] = await registered(g, [1]);
      const before = (await g.call('customer', 'GET', `${devices}/${id}`)).json() as Json;
      expect(before.deploymentProfileAssignmentStatus).toBe('notAssigned');
      const response = await g.call('customer', 'POST', `${devices}/${id}/updateDeviceProperties`, {
        groupTag: managedDesktopGroupTag,
      });
      expect(response.statusCode, response.body).toBe(204);
      const after = (
        await g.call('customer', 'GET', `${devices}/${id}?$expand=deploymentProfile`)
      ).json() as Json;
      expect(after.groupTag).toBe(managedDesktopGroupTag);
      expect(after.deploymentProfileAssignmentStatus).toBe('assignedInSync');
      expect(after.deploymentProfile.displayName).toBe('Microsoft Managed Desktop');
      await g.call('customer', 'POST', `${devices}/${id}/updateDeviceProperties`, { groupTag: '' });
      const cleared = (await g.call('customer', 'GET', `${devices}/${id}`)).json() as Json;
      expect(cleared).toMatchObject({
        groupTag: '',
        deploymentProfileAssignmentStatus: 'notAssigned',
      });
    });

    it('sets and removes the user and the device name', async () => {
      const g = await graphWorld(db());
      const [id] = await registered(g, [1]);
      const update = (body: unknown) =>
        g.call('customer', 'POST', `${devices}/${id}/updateDeviceProperties`, body);
      expect(
        (await update({ displayName: 'CONTOSO-0001', userPrincipalName: 'ana@contoso.example' }))
          .statusCode,
      ).toBe(204);
      let device = (await g.call('customer', 'GET', `${devices}/${id}`)).json() as Json;
      expect(device).toMatchObject({
        displayName: 'CONTOSO-0001',
        userPrincipalName: 'ana@contoso.example',
      });
      // Microsoft's client POSTs an action without a body but with Content-Type: application/json.
      const unassign = await g.call(
        'customer',
        'POST',
        `${devices}/${id}/unassignUserFromDevice`,
        '',
      );
      expect(unassign.statusCode, unassign.body).toBe(204);
      device = (await g.call('customer', 'GET', `${devices}/${id}`)).json() as Json;
      expect(device.userPrincipalName).toBe('');
      expect(
        (
          await g.call('customer', 'POST', `${devices}/${id}/assignUserToDevice`, {
            userPrincipalName: 'bo@contoso.example',
            addressableUserName: '',
          })
        ).statusCode,
      ).toBe(204);
      device = (await g.call('customer', 'GET', `${devices}/${id}`)).json() as Json;
      expect(device.userPrincipalName).toBe('bo@contoso.example');

      const badUser = await update({ userPrincipalName: 'not a upn' });
      expect(badUser.statusCode).toBe(400);
      expect((badUser.json() as Json).error.innerError.details.field).toBe('userPrincipalName');
      const longName = await update({ displayName: 'A-NAME-FAR-TOO-LONG' });
      expect(longName.statusCode).toBe(400);
      const greeting = await update({ addressableUserName: 'Ana' });
      expect(greeting.statusCode).toBe(400);
      expect((greeting.json() as Json).error.message).toContain('addressableUserName');
      const unknown = await update({ colour: 'blue' });
      expect((unknown.json() as Json).error.message).toBe(
        "The parameter 'colour' in the request payload is not a valid parameter for the operation 'updateDeviceProperties'.",
      );
    });

    it('deregisters a device: 204, then 404', async () => {
      const g = await graphWorld(db());
      const [id] = await registered(g, [1]);
      expect((await g.call('customer', 'DELETE', `${devices}/${id}`)).statusCode).toBe(204);
      const gone = await g.call('customer', 'GET', `${devices}/${id}`);
      expect(gone.statusCode).toBe(404);
      expect((gone.json() as Json).error.code).toBe('ResourceNotFound');
      expect((await g.call('customer', 'DELETE', `${devices}/${id}`)).statusCode).toBe(404);
    });
  });

  describe('refusals', () => {
    it('hides one customer’s devices from another', async () => {
      const g = await graphWorld(db());
      const [id] = await registered(g, [1]);
      expect((await g.call('otherCustomer', 'GET', `${devices}/${id}`)).statusCode).toBe(404);
      expect(((await g.call('otherCustomer', 'GET', devices)).json() as Json).value).toEqual([]);
      expect(
        (
          await g.call('otherCustomer', 'POST', `${devices}/${id}/updateDeviceProperties`, {
            groupTag: 'x',
          })
        ).statusCode,
      ).toBe(404);
      expect((await g.call('otherCustomer', 'DELETE', `${devices}/${id}`)).statusCode).toBe(404);
      expect((await g.call('customer', 'GET', `${devices}/${id}`)).statusCode).toBe(200);
    });

    it('shows a partner only the devices it registered', async () => {
      const g = await graphWorld(db());
      const [own] = await registered(g, [1]);
      await register(g.deps, clientActor(g.world.partnerClient, ['agent']), g.world.customer, [
        syntheticDevice(2),
      ]);
      const list = (await g.call('partnerForCustomer', 'GET', devices)).json() as Json;
      expect(list.value.map((d: Json) => d.serialNumber)).toEqual(['SN00000002']);
      expect((await g.call('partnerForCustomer', 'GET', `${devices}/${own}`)).statusCode).toBe(404);
    });

    it('refuses writes to a reader and to a partner token for its own tenant', async () => {
      const g = await graphWorld(db());
      const [id] = await registered(g, [1]);
      for (const who of ['customerReader', 'partner'] as const) {
        expect(
          (await g.call(who, 'POST', `${devices}/${id}/updateDeviceProperties`, { groupTag: 'x' }))
            .statusCode,
        ).toBe(403);
        expect((await g.call(who, 'DELETE', `${devices}/${id}`)).statusCode).toBe(403);
      }
      expect((await g.call('partner', 'GET', devices)).statusCode).toBe(403);
      expect((await g.call('customerReader', 'GET', `${devices}/${id}`)).statusCode).toBe(200);
    });

    it('refuses bad paging options', async () => {
      const g = await graphWorld(db());
      for (const query of [
        '$top=1001',
        '$top=two',
        '$skiptoken=k1.!!',
        '$count=maybe',
        '$orderby=id',
        '$skip=2',
      ]) {
        const response = await g.call('customer', 'GET', `${devices}?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect((response.json() as Json).error.code).toBe('BadRequest');
      }
      // Microsoft's client spells it $skipToken; option names are case-insensitive.
      await registered(g, [1, 2]);
      const first = (await g.call('customer', 'GET', `${devices}?$top=1`)).json() as Json;
      const token = new URL(first['@odata.nextLink']).searchParams.get('$skiptoken');
      const second = (
        await g.call('customer', 'GET', `${devices}?$TOP=1&$skipToken=${token}`)
      ).json() as Json;
      expect(second.value[0].id).not.toBe(first.value[0].id);
    });
  });
});
