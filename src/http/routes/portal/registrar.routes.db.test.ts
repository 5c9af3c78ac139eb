import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { drainBatches } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';
import { intuneCsv, syntheticDevice } from '../../../../test/kit/devices.js';
import {
  buildPortalApi,
  signInAs,
  type PortalPersona,
  type PortalSession,
} from '../../../../test/kit/portal.js';
import { register } from '../../../../test/kit/registration.js';
import { sampleCsv } from '../../../csv/index.js';
import { revokeRelationship } from '../../../services/relationships.js';
import { actorForUser } from '../../../services/users.js';
import type {
  BatchInfo,
  BatchRowInfo,
  CreatedInvitation,
  CustomerSummary,
  DeviceInfo,
  Page,
  Preview,
  ProblemBody,
  TagCheck,
  TagSuggestion,
} from '../../../services/portal/contract.js';

const api = '/portal/api';
const managedTag = 'Microsoft365Managed_Autopilot';
const corpus = (name: string) => fs.readFileSync(`/work/shared/corpus/csv/${name}`);
const problem = (body: string) => (JSON.parse(body) as ProblemBody).error;

/** A signed-in persona calling the portal API. */
function client(app: FastifyInstance, session: PortalSession) {
  return {
    get: (path: string) =>
      app.inject({ method: 'GET', url: `${api}${path}`, headers: session.headers() }),
    post: (path: string, payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: `${api}${path}`, headers: session.headers(true), payload }),
    /** Sends a file as the body, as the browser's Add devices page does. */
    upload: (path: string, file: string | Buffer, contentType = 'text/csv') =>
      app.inject({
        method: 'POST',
        url: `${api}${path}`,
        headers: { ...session.headers(true), 'content-type': contentType },
        payload: file,
      }),
  };
}

async function portal(database: Parameters<typeof buildPortalApi>[0]) {
  const built = await buildPortalApi(database);
  const as = async (persona: PortalPersona) =>
    client(built.app, await signInAs(built.app, built.world, persona));
  const agentActor = () =>
    actorForUser(built.deps, built.world.users.partnerAgent.email, [built.world.partner.id]);
  return { ...built, as, agentActor };
}

forEachDialect('portal registrar routes', (database) => {
  describe('customers', () => {
    it('lists the partner’s customers and hides everyone else’s', async () => {
      const { app, deps, world, as, agentActor } = await portal(database());
      await register(deps, await agentActor(), world.customer, [syntheticDevice(1)], {
        groupTag: managedTag,
      });
      const reader = await as('partnerReader');
      const list = await reader.get('/customers?search=cont');
      expect(list.statusCode).toBe(200);
      const page = list.json() as Page<CustomerSummary>;
      expect(page).toMatchObject({ total: 1, offset: 0, limit: 50 });
      expect(page.items[0]).toMatchObject({
        id: world.customer.id,
        displayName: 'Contoso',
        kind: 'customer',
        devices: 1,
        relationship: { status: 'active', registrar: { displayName: 'Fabrikam Resellers' } },
      });

      const one = await reader.get(`/customers/${world.customer.id}`);
      expect((one.json() as CustomerSummary).displayName).toBe('Contoso');

      const stranger = await as('strangerPartnerAdmin');
      for (const path of [
        `/customers/${world.customer.id}`,
        `/customers/${world.customer.id}/devices`,
        `/customers/${world.customer.id}/tags`,
        '/customers/no-such-customer',
      ]) {
        const response = await stranger.get(path);
        expect(response.statusCode, path).toBe(404);
      }
      expect(((await stranger.get('/customers')).json() as Page<CustomerSummary>).total).toBe(0);

      const customerUser = await as('customerAdmin');
      expect((await customerUser.get('/customers')).statusCode).toBe(403);
      expect((await app.inject(`${api}/customers`)).statusCode).toBe(401);
    });

    it('refuses paging values out of range, naming the field', async () => {
      const { as } = await portal(database());
      const reader = await as('partnerReader');
      for (const [query, field] of [
        ['limit=501', 'limit'],
        ['limit=0', 'limit'],
        ['offset=-1', 'offset'],
        ['limit=ten', 'limit'],
      ] as const) {
        const response = await reader.get(`/customers?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(problem(response.body).message, query).toContain(field);
      }
      const ok = await reader.get('/customers?offset=0&limit=500');
      expect(ok.json()).toMatchObject({ offset: 0, limit: 500 });
    });

    it('pages the devices it registered, with the profile’s and registrar’s names', async () => {
      const { deps, world, as, agentActor } = await portal(database());
      await register(deps, await agentActor(), world.customer, [syntheticDevice(1)], {
        groupTag: managedTag,
      });
      const reader = await as('partnerReader');
      const page = (
        await reader.get(
          `/customers/${world.customer.id}/devices?serial=sn00&status=assignedInSync&limit=10`,
        )
      ).json() as Page<DeviceInfo>;
      expect(page.total).toBe(1);
      expect(page.items[0]).toMatchObject({
        serialNumber: 'SN00000001',
        profile: { displayName: 'Microsoft Managed Desktop' },
        registeredBy: { id: world.partner.id, displayName: 'Fabrikam Resellers' },
      });
      // The OEM registered nothing there: it sees none of the partner's devices.
      const oem = await as('oemAdmin');
      expect(
        ((await oem.get(`/customers/${world.customer.id}/devices`)).json() as Page<DeviceInfo>)
          .total,
      ).toBe(0);
      const bad = await reader.get(`/customers/${world.customer.id}/devices?status=lost`);
      expect(bad.statusCode).toBe(400);
      expect(problem(bad.body).message).toContain('status');
    });

    it('suggests tags and warns about a near miss as the engine does', async () => {
      const { world, as } = await portal(database());
      const agent = await as('partnerAgent');
      const tags = (await agent.get(`/customers/${world.customer.id}/tags`)).json() as {
        items: TagSuggestion[];
      };
      expect(tags.items[0]).toMatchObject({
        tag: managedTag,
        profile: { displayName: 'Microsoft Managed Desktop' },
      });
      const check = await agent.get(
        `/customers/${world.customer.id}/tag-check?groupTag=microsoft365managed_autopilot`,
      );
      const verdict = check.json() as TagCheck;
      expect(verdict).toMatchObject({
        profile: null,
        nearMiss: { tag: managedTag, profile: { displayName: 'Microsoft Managed Desktop' } },
        message: `No profile: did you mean "${managedTag}"?`,
      });
    });
  });

  describe('adding devices', () => {
    it('previews a real file with its problems on the right lines and columns', async () => {
      const { world, as } = await portal(database());
      const reader = await as('partnerReader');
      const response = await reader.upload(
        `/customers/${world.customer.id}/preview?fileName=template.csv`,
        corpus('partner-center-style-template-utf8bom-lf-6fields-explanations-via-cipp.csv'),
        'application/vnd.ms-excel',
      );
      expect(response.statusCode).toBe(200);
      const preview = response.json() as Preview;
      expect(preview.file).toMatchObject({
        ok: true,
        fileName: 'template.csv',
        layout: 'partner-center',
      });
      expect(preview.issues.map((i) => [i.line, i.column, i.code])).toEqual(
        expect.arrayContaining([
          [3, 'Windows product ID', 'csv.pkid.length'],
          [4, 'Hardware hash', 'csv.hash.truncated'],
          [8, null, 'csv.row.free_text'],
        ]),
      );
      expect(preview.issues.every((i) => i.message !== '' && i.hint !== '')).toBe(true);
      expect(preview.counts.invalid).toBe(preview.rows.length);

      const unreadable = await reader.upload(
        `/customers/${world.customer.id}/preview`,
        corpus('wrong-file-intune-autopilot-device-export-quoted-fields.csv'),
        'application/octet-stream',
      );
      expect(unreadable.statusCode).toBe(200);
      expect(unreadable.json()).toMatchObject({
        file: { ok: false },
        rows: [],
        issues: [{ line: 1, code: 'csv.header.device_export' }],
      });
    });

    it('registers what the preview promised, and refuses an unreadable file', async () => {
      const { deps, world, as } = await portal(database());
      const agent = await as('partnerAgent');
      const file = intuneCsv([syntheticDevice(1), syntheticDevice(2), syntheticDevice(1)]);
      const query = 'groupTag=microsoft365managed_autopilot&fileName=spring.csv';
      const preview = (
        await agent.upload(`/customers/${world.customer.id}/preview?${query}`, file)
      ).json() as Preview;
      expect(preview.rows.map((r) => r.verdict)).toEqual([
        'would_register',
        'would_register',
        'duplicate',
      ]);
      expect(preview.rows[0]!.warnings[0]?.message).toContain(`Did you mean "${managedTag}"?`);

      const submitted = await agent.upload(
        `/customers/${world.customer.id}/batches?${query}`,
        file,
      );
      expect(submitted.statusCode).toBe(202);
      const batch = submitted.json() as BatchInfo;
      expect(batch).toMatchObject({
        status: 'queued',
        source: 'portal',
        fileName: 'spring.csv',
        groupTag: 'microsoft365managed_autopilot',
        customer: { id: world.customer.id },
        registrar: { id: world.partner.id },
      });
      await drainBatches(deps);
      const rows = (await agent.get(`/batches/${batch.id}/rows`)).json() as Page<BatchRowInfo>;
      expect(rows.total).toBe(3);
      expect(rows.items.map((r) => [r.line, r.code, r.warnings.map((w) => w.code)])).toEqual(
        preview.rows.map((r) => [r.line, r.code, r.warnings.map((w) => w.code)]),
      );

      const refused = await agent.upload(
        `/customers/${world.customer.id}/batches`,
        corpus('wrong-file-intune-autopilot-device-export-quoted-fields.csv'),
      );
      expect(refused.statusCode).toBe(400);
      expect(problem(refused.body).code).toBe('csv.file_rejected');
    });

    it('lets a reader preview but not register', async () => {
      const { world, as } = await portal(database());
      const reader = await as('partnerReader');
      const file = intuneCsv([syntheticDevice(1)]);
      expect(
        (await reader.upload(`/customers/${world.customer.id}/preview`, file)).statusCode,
      ).toBe(200);
      expect(
        (await reader.upload(`/customers/${world.customer.id}/batches`, file)).statusCode,
      ).toBe(403);
      const customerUser = await as('customerAdmin');
      expect(
        (await customerUser.upload(`/customers/${world.customer.id}/batches`, file)).statusCode,
      ).toBe(403);
    });

    it('refuses an upload after the customer revoked access, in words, storing nothing', async () => {
      const { deps, world, as } = await portal(database());
      const customerAdmin = await actorForUser(deps, world.users.customerAdmin.email, [
        world.customer.id,
      ]);
      await revokeRelationship(deps, customerAdmin, world.relationships.partner.id);
      const agent = await as('partnerAgent');
      const response = await agent.upload(
        `/customers/${world.customer.id}/batches`,
        intuneCsv([syntheticDevice(1)]),
      );
      expect(response.statusCode).toBe(403);
      expect(problem(response.body)).toMatchObject({
        code: 'consent.missing',
        message: "Contoso has revoked your organisation's access; ask them for a new invitation.",
      });
      const stored = await deps.store.repos.batches.list({ operator: true });
      expect(stored).toEqual([]);
      expect(((await agent.get('/batches')).json() as Page<BatchInfo>).total).toBe(0);
    });

    it('takes files beyond the usual body limit, up to 64 MiB', async () => {
      const { world, as } = await portal(database());
      const agent = await as('partnerAgent');
      const path = `/customers/${world.customer.id}/preview`;
      const large = await agent.upload(path, Buffer.alloc(11 * 1024 * 1024, 'a'));
      expect(large.statusCode).toBe(200);
      expect((large.json() as Preview).file.ok).toBe(false);
      const tooLarge = await agent.upload(path, Buffer.alloc(64 * 1024 * 1024 + 1, 'a'));
      expect(tooLarge.statusCode).toBe(413);
    });
  });

  describe('batches', () => {
    it('shows a batch to both sides only, with its results as a CSV attachment', async () => {
      const { deps, world, as } = await portal(database());
      const agent = await as('partnerAgent');
      const submitted = (
        await agent.upload(
          `/customers/${world.customer.id}/batches?fileName=${encodeURIComponent('Spring, 2026.csv')}&groupTag=${managedTag}`,
          intuneCsv([syntheticDevice(1), syntheticDevice(2, { hardwareHash: 'bm90IGEgaGFzaA==' })]),
        )
      ).json() as BatchInfo;
      await drainBatches(deps);

      const customerReader = await as('customerReader');
      const received = (
        await customerReader.get(`/batches?customerId=${world.customer.id}`)
      ).json() as Page<BatchInfo>;
      expect(received.items.map((b) => [b.id, b.status, b.registeredRows, b.failedRows])).toEqual([
        [submitted.id, 'finished_with_errors', 1, 1],
      ]);
      const oem = await as('oemAdmin');
      expect((await oem.get(`/batches/${submitted.id}`)).statusCode).toBe(404);
      const northwind = await as('otherCustomerAdmin');
      for (const path of [
        `/batches/${submitted.id}`,
        `/batches/${submitted.id}/rows`,
        `/batches/${submitted.id}/results.csv`,
      ]) {
        expect((await northwind.get(path)).statusCode, path).toBe(404);
      }
      expect(((await northwind.get('/batches')).json() as Page<BatchInfo>).total).toBe(0);

      const results = await customerReader.get(`/batches/${submitted.id}/results.csv`);
      expect(results.statusCode).toBe(200);
      expect(results.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(results.headers['content-disposition']).toBe(
        'attachment; filename="Spring_ 2026-results.csv"; filename*=UTF-8\'\'Spring%2C%202026-results.csv',
      );
      const parsed = Papa.parse<string[]>(results.body.trimEnd(), { newline: '\r\n' });
      expect(parsed.data).toHaveLength(3);
      expect(parsed.data[0]![0]).toBe('Line');
      expect(parsed.data[1]).toEqual([
        '2',
        'SN00000001',
        managedTag,
        'registered',
        '',
        '',
        '',
        '',
        '',
        'Microsoft Managed Desktop',
      ]);
      expect(parsed.data[2]!.slice(0, 4)).toEqual(['3', 'SN00000002', managedTag, 'failed']);
      expect(parsed.data[2]![5]).toBe('802');
    });

    it('offers the sample file to every member', async () => {
      const { as } = await portal(database());
      const response = await (await as('customerReader')).get('/sample.csv');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toBe(
        'attachment; filename="preflight-sample.csv"',
      );
      expect(response.body).toBe(sampleCsv());
    });
  });

  describe('invitations', () => {
    it('lets a partner or OEM admin invite a customer by domain, and names an unknown one', async () => {
      const { world, as } = await portal(database());
      const partnerAdmin = await as('partnerAdmin');
      const created = await partnerAdmin.post('/invitations', {
        customer: 'northwind.example',
        permissions: ['register_devices'],
        expiresInDays: 7,
      });
      expect(created.statusCode).toBe(201);
      const invitation = created.json() as CreatedInvitation;
      expect(invitation.url).toMatch(
        /^https:\/\/preflight\.test\/portal\/invitations\/[0-9a-f]{64}$/,
      );
      expect(invitation.relationship).toMatchObject({
        kind: 'reseller',
        status: 'invited',
        permissions: ['register_devices'],
        customer: { id: world.otherCustomer.id },
      });

      const oem = await (await as('oemAdmin')).post('/invitations', { customer: 'Northwind' });
      expect((oem.json() as CreatedInvitation).url).toContain('/portal/oem-authorizations/');

      const unknown = await partnerAdmin.post('/invitations', { customer: 'nobody.example' });
      expect(unknown.statusCode).toBe(404);
      expect(problem(unknown.body).remedy).toContain('domain');
      expect(
        (await (await as('partnerAgent')).post('/invitations', { customer: 'Northwind' }))
          .statusCode,
      ).toBe(403);
      expect(
        (await (await as('customerAdmin')).post('/invitations', { customer: 'Northwind' }))
          .statusCode,
      ).toBe(403);
    });
  });
});
