import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { syntheticDevice } from '../../../../test/kit/devices.js';
import {
  buildPortalApi,
  signInAs,
  type PortalPersona,
  type PortalSession,
  type PortalWorld,
} from '../../../../test/kit/portal.js';
import { register } from '../../../../test/kit/registration.js';
import { operator } from '../../../domain/actor.js';
import type { ServiceDeps } from '../../../services/deps.js';
import { inviteCustomer } from '../../../services/relationships.js';
import { actorForUser } from '../../../services/users.js';
import type {
  AuditEntry,
  Dashboard,
  DeviceInfo,
  InvitationPreview,
  Page,
  ProblemBody,
  ProfileInfo,
  RelationshipInfo,
  TagRuleInfo,
} from '../../../services/portal/contract.js';

const api = '/portal/api';

/** A signed-in persona calling the portal API. */
function client(app: FastifyInstance, session: PortalSession) {
  return async (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: unknown) =>
    app.inject({
      method,
      url: `${api}${path}`,
      headers: session.headers(method !== 'GET'),
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
}

async function portal(database: Parameters<typeof buildPortalApi>[0]) {
  const built = await buildPortalApi(database);
  const as = async (persona: PortalPersona) =>
    client(built.app, await signInAs(built.app, built.world, persona));
  return { ...built, as };
}

/** Registers devices for Contoso as Fabrikam's agent (through the service, processed at once). */
async function registerForContoso(
  deps: ServiceDeps,
  world: PortalWorld,
  ns: number[],
  groupTag?: string,
) {
  const agent = await actorForUser(deps, world.users.partnerAgent.email, [world.partner.id]);
  await register(
    deps,
    agent,
    world.customer,
    ns.map((n) => syntheticDevice(n)),
    groupTag ? { groupTag } : {},
  );
}

const problem = (body: string) => (JSON.parse(body) as ProblemBody).error;

forEachDialect('portal customer routes', (database) => {
  describe('invitations', () => {
    it('previews, accepts once, and refuses the partner and a customer reader', async () => {
      const { deps, world, as } = await portal(database());
      // Contoso and Fabrikam are already related; Northwind is invited afresh.
      const { token } = await inviteCustomer(deps, operator, {
        from: world.partner.id,
        to: world.otherCustomer.id,
        permissions: ['register_devices', 'read_devices', 'deregister_devices'],
      });
      const northwind = await as('otherCustomerAdmin');
      const partnerAdmin = await as('partnerAdmin');
      const contosoReader = await as('customerReader');

      const preview = await northwind('GET', `/invitations/${token}`);
      expect(preview.statusCode, preview.body).toBe(200);
      const shown = preview.json<InvitationPreview>();
      expect(shown.canAccept).toBe(true);
      expect(shown.relationship).toMatchObject({
        status: 'invited',
        kind: 'reseller',
        registrar: { displayName: 'Fabrikam Resellers', kind: 'partner' },
        customer: { displayName: 'Northwind' },
      });
      expect(shown.grants).toEqual([
        'Register new devices for Northwind, so they receive your deployment profiles at first boot.',
        'See the devices they registered for you.',
        'Deregister devices they registered.',
      ]);
      expect(shown.relationship.invitationExpiresAt).toBe('2026-01-29T09:00:00.000Z');

      const seenByPartner = await partnerAdmin('GET', `/invitations/${token}`);
      expect(seenByPartner.json<InvitationPreview>().canAccept).toBe(false);
      const partnerAccept = await partnerAdmin('POST', `/invitations/${token}/accept`);
      expect(partnerAccept.statusCode).toBe(403);
      const readerAccept = await contosoReader('POST', `/invitations/${token}/accept`);
      expect(readerAccept.statusCode).toBe(403);

      const accepted = await northwind('POST', `/invitations/${token}/accept`);
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json<RelationshipInfo>()).toMatchObject({ status: 'active' });
      const listed = await northwind('GET', '/relationships');
      expect(
        listed
          .json<{ items: RelationshipInfo[] }>()
          .items.map((r) => [r.registrar.displayName, r.status]),
      ).toEqual([['Fabrikam Resellers', 'active']]);

      const again = await northwind('POST', `/invitations/${token}/accept`);
      expect(again.statusCode).toBe(410);
      expect(problem(again.body)).toMatchObject({ code: 'relationship.invitation_used' });
      expect(problem(again.body).remedy).toMatch(/new one/);
      expect(
        (await northwind('GET', `/invitations/${token}`)).json<InvitationPreview>().canAccept,
      ).toBe(false);
    });

    it('answers an unknown token with a 404 that reveals nothing, and an expired one with 410', async () => {
      const { deps, clock, world, as } = await portal(database());
      const northwind = await as('otherCustomerAdmin');
      const unknown = await northwind('GET', `/invitations/${'a'.repeat(64)}`);
      expect(unknown.statusCode).toBe(404);
      expect(problem(unknown.body).message).toBe('No invitation matches this link.');

      const { token } = await inviteCustomer(deps, operator, {
        from: world.oem.id,
        to: world.otherCustomer.id,
        ttlDays: 1,
      });
      clock.advance(2 * 86_400_000);
      // Signed in again: a session does not outlive two idle days.
      const later = await as('otherCustomerAdmin');
      const expired = await later('POST', `/invitations/${token}/accept`);
      expect(expired.statusCode).toBe(410);
      expect(problem(expired.body)).toMatchObject({
        code: 'relationship.invitation_expired',
        remedy: 'Ask the partner or OEM for a new invitation.',
      });
    });
  });

  describe('relationships', () => {
    it('lists both sides, and a customer revoke ends the partner’s access at once', async () => {
      const { deps, world, as } = await portal(database());
      await registerForContoso(deps, world, [1, 2]);
      const contoso = await as('customerAdmin');
      const partnerAgent = await as('partnerAgent');
      const partnerAdmin = await as('partnerAdmin');

      const listed = (await contoso('GET', '/relationships')).json<{ items: RelationshipInfo[] }>();
      expect(listed.items.map((r) => r.registrar.displayName).sort()).toEqual([
        'Fabrikam Resellers',
        'Litware OEM',
      ]);
      const partnerSide = (await partnerAdmin('GET', '/relationships')).json<{
        items: RelationshipInfo[];
      }>();
      expect(partnerSide.items.map((r) => r.customer.displayName)).toEqual(['Contoso']);

      // The partner cannot end an active relationship; strangers do not see it at all.
      const byPartner = await partnerAdmin(
        'POST',
        `/relationships/${world.relationships.partner.id}/revoke`,
      );
      expect(byPartner.statusCode).toBe(403);
      const stranger = await as('otherCustomerAdmin');
      const byStranger = await stranger(
        'POST',
        `/relationships/${world.relationships.partner.id}/revoke`,
      );
      expect(byStranger.statusCode).toBe(404);
      const reader = await as('customerReader');
      expect(
        (await reader('POST', `/relationships/${world.relationships.partner.id}/revoke`))
          .statusCode,
      ).toBe(403);

      const devices = (await contoso('GET', '/devices')).json<Page<DeviceInfo>>().items;
      const partnerList = `/customers/${world.customer.id}/devices`;
      expect((await partnerAgent('GET', partnerList)).statusCode).toBe(200);
      const revoked = await contoso(
        'POST',
        `/relationships/${world.relationships.partner.id}/revoke`,
      );
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect(revoked.json<RelationshipInfo>()).toMatchObject({ status: 'revoked' });

      const listAfter = await partnerAgent('GET', partnerList);
      expect(listAfter.statusCode).toBe(403);
      expect(problem(listAfter.body).code).toBe('consent.missing');
      const after = await partnerAgent('POST', `/devices/${devices[0]!.id}/deregister`);
      expect(after.statusCode).toBe(403);
      expect(problem(after.body).code).toBe('consent.missing');
      expect((await contoso('GET', '/devices')).json<Page<DeviceInfo>>().total).toBe(2);
      const twice = await contoso(
        'POST',
        `/relationships/${world.relationships.partner.id}/revoke`,
      );
      expect(twice.statusCode).toBe(409);
    });
  });

  describe('withdrawing', () => {
    it('lets the inviting partner withdraw its open invitation, which then cannot be accepted', async () => {
      const { deps, world, as } = await portal(database());
      const { token, relationship } = await inviteCustomer(deps, operator, {
        from: world.partner.id,
        to: world.otherCustomer.id,
      });
      const partnerAdmin = await as('partnerAdmin');
      const withdrawn = await partnerAdmin('POST', `/relationships/${relationship.id}/revoke`);
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      expect(withdrawn.json<RelationshipInfo>()).toMatchObject({
        status: 'revoked',
        customer: { displayName: 'Northwind' },
      });

      const northwind = await as('otherCustomerAdmin');
      const preview = (await northwind('GET', `/invitations/${token}`)).json<InvitationPreview>();
      expect(preview).toMatchObject({ canAccept: false, relationship: { status: 'revoked' } });
      const accept = await northwind('POST', `/invitations/${token}/accept`);
      expect(accept.statusCode).toBe(410);
      expect(problem(accept.body).message).toBe('This invitation was withdrawn.');
    });
  });

  describe('devices', () => {
    it('shows a customer its own devices with the registrar’s name, filtered and paged', async () => {
      const { deps, clock, world, as } = await portal(database());
      await registerForContoso(deps, world, [1, 2, 3], 'Microsoft365Managed_Autopilot');
      // A second later, so the registration order is certain.
      clock.advance(1000);
      await registerForContoso(deps, world, [4], 'Sales');
      const contoso = await as('customerReader');

      const page = await contoso('GET', '/devices?limit=2');
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json<Page<DeviceInfo>>();
      expect(body).toMatchObject({ total: 4, offset: 0, limit: 2 });
      expect(body.items[0]).toMatchObject({
        serialNumber: 'SN00000001',
        groupTag: 'Microsoft365Managed_Autopilot',
        profile: { displayName: 'Microsoft Managed Desktop' },
        profileStatus: 'assignedInSync',
        registeredBy: {
          displayName: 'Fabrikam Resellers',
          kind: 'partner',
          domain: 'fabrikam.example',
        },
      });
      const filtered = await contoso('GET', '/devices?serial=00004&status=notAssigned&tag=Sales');
      expect(filtered.json<Page<DeviceInfo>>().items.map((d) => d.serialNumber)).toEqual([
        'SN00000004',
      ]);
      expect((await contoso('GET', '/devices')).json<Page<DeviceInfo>>().limit).toBe(50);

      const northwind = await as('otherCustomerAdmin');
      expect((await northwind('GET', '/devices')).json<Page<DeviceInfo>>()).toMatchObject({
        total: 0,
        items: [],
      });

      for (const [query, field] of [
        ['limit=501', 'querystring/limit'],
        ['limit=0', 'querystring/limit'],
        ['offset=-1', 'querystring/offset'],
        ['limit=many', 'querystring/limit'],
        ['status=assigned', 'querystring/status'],
      ]) {
        const bad = await contoso('GET', `/devices?${query}`);
        expect(bad.statusCode, query).toBe(400);
        expect(problem(bad.body).details?.field, query).toBe(field);
      }
      const partner = await as('partnerAdmin');
      expect((await partner('GET', '/devices')).statusCode).toBe(403);
    });

    it('deregisters for the customer, 404s for another customer, refuses a reader', async () => {
      const { deps, world, as } = await portal(database());
      await registerForContoso(deps, world, [1, 2]);
      const contoso = await as('customerAdmin');
      const [first, second] = (await contoso('GET', '/devices')).json<Page<DeviceInfo>>().items;

      const northwind = await as('otherCustomerAdmin');
      const foreign = await northwind('POST', `/devices/${first!.id}/deregister`);
      expect(foreign.statusCode).toBe(404);
      expect(problem(foreign.body).code).toBe('device.not_found');
      const stranger = await as('strangerPartnerAdmin');
      expect((await stranger('POST', `/devices/${first!.id}/deregister`)).statusCode).toBe(404);
      const reader = await as('customerReader');
      expect((await reader('POST', `/devices/${first!.id}/deregister`)).statusCode).toBe(403);

      const done = await contoso('POST', `/devices/${first!.id}/deregister`);
      expect(done.statusCode, done.body).toBe(204);
      const partnerAgent = await as('partnerAgent');
      expect((await partnerAgent('POST', `/devices/${second!.id}/deregister`)).statusCode).toBe(
        204,
      );
      expect((await contoso('GET', '/devices')).json<Page<DeviceInfo>>().total).toBe(0);
      expect((await contoso('POST', `/devices/${first!.id}/deregister`)).statusCode).toBe(404);
    });
  });

  describe('profiles and tag rules', () => {
    it('creates, lists and deletes, reassigning devices, with positioned rule errors', async () => {
      const { deps, clock, world, as } = await portal(database());
      await registerForContoso(deps, world, [1, 2], 'Sales');
      // Later than the built-in profile, so the order profiles are tried in is certain.
      clock.advance(1000);
      const admin = await as('customerAdmin');
      const reader = await as('customerReader');

      const badSetting = await admin('POST', '/profiles', {
        displayName: 'Sales laptops',
        settings: { joinType: 'hybrid', deviceNameTemplate: 'SALES-%SERIAL%' },
      });
      expect(badSetting.statusCode).toBe(400);
      expect(problem(badSetting.body).details?.field).toBe('settings.deviceNameTemplate');
      expect(problem(badSetting.body).message).toMatch(/^settings\.deviceNameTemplate: /);
      expect((await reader('POST', '/profiles', { displayName: 'Sales laptops' })).statusCode).toBe(
        403,
      );

      const created = await admin('POST', '/profiles', {
        displayName: 'Sales laptops',
        settings: { deploymentMode: 'selfDeploying' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const profile = created.json<ProfileInfo>();
      expect(profile).toMatchObject({ displayName: 'Sales laptops', devices: 0, tags: [] });
      expect((await admin('POST', '/profiles', { displayName: 'sales LAPTOPS' })).statusCode).toBe(
        409,
      );

      const badRule = await admin('POST', '/tag-rules', {
        profileId: profile.id,
        rule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales")',
      });
      expect(badRule.statusCode).toBe(400);
      expect(problem(badRule.body)).toMatchObject({
        code: 'rule.invalid',
        details: { field: 'rule', position: expect.any(Number) },
      });
      expect(problem(badRule.body).message).toMatch(/at character \d+/);
      expect(
        (await admin('POST', '/tag-rules', { profileId: profile.id, groupTag: 'Sales', rule: 'x' }))
          .statusCode,
      ).toBe(400);
      expect(
        (await reader('POST', '/tag-rules', { profileId: profile.id, groupTag: 'Sales' }))
          .statusCode,
      ).toBe(403);

      const rule = await admin('POST', '/tag-rules', { profileId: profile.id, groupTag: 'Sales' });
      expect(rule.statusCode, rule.body).toBe(201);
      const made = rule.json<TagRuleInfo>();
      expect(made.rule).toBe('(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))');

      const shown = (await reader('GET', `/profiles/${profile.id}`)).json<ProfileInfo>();
      expect(shown).toMatchObject({ tags: ['Sales'], devices: 2 });
      const devices = (await reader('GET', '/devices')).json<Page<DeviceInfo>>().items;
      expect(devices.map((d) => d.profile?.displayName)).toEqual([
        'Sales laptops',
        'Sales laptops',
      ]);
      const rules = (await reader('GET', '/tag-rules')).json<{ items: TagRuleInfo[] }>().items;
      expect(rules.map((r) => r.profile.displayName)).toEqual([
        'Microsoft Managed Desktop',
        'Sales laptops',
      ]);

      expect((await reader('DELETE', `/tag-rules/${made.id}`)).statusCode).toBe(403);
      const northwind = await as('otherCustomerAdmin');
      expect((await northwind('DELETE', `/tag-rules/${made.id}`)).statusCode).toBe(404);
      expect((await northwind('GET', `/profiles/${profile.id}`)).statusCode).toBe(404);
      const deleted = await admin('DELETE', `/tag-rules/${made.id}`);
      expect(deleted.statusCode, deleted.body).toBe(204);
      const listed = (await admin('GET', '/profiles')).json<{ items: ProfileInfo[] }>().items;
      expect(listed.map((p) => [p.displayName, p.devices])).toEqual([
        ['Microsoft Managed Desktop', 0],
        ['Sales laptops', 0],
      ]);
      expect(
        (await reader('GET', '/devices'))
          .json<Page<DeviceInfo>>()
          .items.map((d) => d.profileStatus),
      ).toEqual(['notAssigned', 'notAssigned']);
    });
  });

  describe('audit log and dashboard', () => {
    it('shows the customer’s actions newest first, and dashboard figures on known data', async () => {
      const { deps, clock, world, as } = await portal(database());
      clock.advance(60_000);
      await registerForContoso(deps, world, [1, 2, 3], 'Microsoft365Managed_Autopilot');
      clock.advance(86_400_000);
      await registerForContoso(deps, world, [4]);
      const admin = await as('customerAdmin');
      const [device] = (await admin('GET', '/devices?limit=1')).json<Page<DeviceInfo>>().items;
      await admin('POST', `/devices/${device!.id}/deregister`);

      const audit = await admin('GET', '/audit?limit=2');
      expect(audit.statusCode, audit.body).toBe(200);
      const entries = audit.json<Page<AuditEntry>>();
      expect(entries.limit).toBe(2);
      expect(entries.items.map((e) => [e.action, e.actor, e.summary])).toEqual([
        ['device.deregistered', 'user:admin@contoso.example', 'Device SN00000001 deregistered.'],
        ['batch.finished', 'operator', 'Batch finished: 1 device registered, 0 failed.'],
      ]);
      expect(entries.total).toBeGreaterThan(2);
      expect((await admin('GET', '/audit?limit=1000')).statusCode).toBe(400);
      const partner = await as('partnerReader');
      const partnerAudit = (await partner('GET', '/audit?limit=500')).json<Page<AuditEntry>>();
      // The partner sees what concerns it (its batches, the deregistration of its device).
      expect(partnerAudit.items.map((e) => e.action)).toContain('device.deregistered');

      const dashboard = await admin('GET', '/dashboard');
      expect(dashboard.statusCode, dashboard.body).toBe(200);
      const figures = dashboard.json<Dashboard>();
      expect(figures.devices).toBe(3);
      expect(figures.byStatus.find((s) => s.status === 'assignedInSync')?.devices).toBe(2);
      expect(figures.byStatus.find((s) => s.status === 'notAssigned')?.devices).toBe(1);
      expect(figures.byProfile).toEqual([
        { profile: 'Microsoft Managed Desktop', devices: 2 },
        { profile: null, devices: 1 },
      ]);
      expect(figures.registrationsPerDay).toHaveLength(30);
      expect(figures.registrationsPerDay.slice(-2)).toEqual([
        { day: '2026-01-15', devices: 2 },
        { day: '2026-01-16', devices: 1 },
      ]);
      expect(figures.partners).toBe(2);
      expect((await partner('GET', '/dashboard')).statusCode).toBe(403);
    });
  });
});
