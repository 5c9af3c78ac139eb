/**
 * The fuzz trial (issue 8, trial 3): fast-check over the JSON bodies of every write route
 * and over CSV bytes. For requests the property is: never a 5xx, never a crash (no
 * rejected `inject`, no error line in the server's log, no fault in the worker that then
 * processes what was accepted), and every 4xx is in the route's wire shape and — for a
 * 400 (or any 4xx that is not about who, what or how much) — names the place. For CSV
 * files: reading never throws, and every issue sits on a real line, with a column where
 * the issue is about a value.
 *
 * The write routes come from the app's own route table (`app.declaredRoutes`); a write
 * route with no target here is reported as not covered rather than skipped in silence.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  checkCsv,
  issueCatalogue,
  readDeviceCsv,
  type CsvEvent,
  type CsvIssue,
} from '../src/csv/index.js';
import { operator } from '../src/domain/actor.js';
import { isPreflightError } from '../src/domain/errors.js';
import { buildHardwareHash } from '../src/domain/hardware-hash.js';
import type { DeclaredRoute } from '../src/http/app.js';
import { csvRows } from '../src/services/registration/csv-rows.js';
import { dryRunBatch } from '../src/services/registration/register.js';
import { inviteCustomer } from '../src/services/relationships.js';
import { signIn as startSession } from '../src/services/sessions.js';
import { createUser } from '../src/services/users.js';
import { hashSecret } from '../src/platform/secrets.js';
import type { Database } from '../src/store/database.js';
import {
  clearMustChange,
  portalWorld,
  sessionOf,
  signInAs,
  type PortalSession,
} from '../test/kit/portal.js';
import {
  apiClient,
  bearer,
  buildTrialApi,
  consent,
  drainBatches,
  newCustomer,
  newRegistrar,
  tokenFor,
  type TrialApi,
} from './in-process.js';

// ---------------------------------------------------------------------------------------
// The world the requests are sent into
// ---------------------------------------------------------------------------------------

/** An API client with a bearer token. */
export type ApiCaller = 'partner' | 'partnerAdmin' | 'partnerForCustomer' | 'customer';

/**
 * A signed-in portal user (session cookie and CSRF token). `portalFresh` gets a new session
 * for every request, for the routes that end it (sign-out, a password change) or change it
 * (switching organisation), so the other callers' sessions outlive the fuzzing.
 */
export type PortalCaller =
  'portalPartnerAdmin' | 'portalCustomerAdmin' | 'portalOperator' | 'portalFresh';

/** Who sends a request. */
export type Caller = 'none' | ApiCaller | PortalCaller;

const isPortalCaller = (caller: Caller): caller is PortalCaller => caller.startsWith('portal');

/** A request's wire family, which decides the error shape. */
export type Family = 'preflight' | 'oauth' | 'graph' | 'partnerCenter';

const MANUFACTURER = 'Contoso Devices';
const MODEL = 'Laptop 7';

/** Valid structured hashes, built once (about 100 µs each), for valid-shaped bodies. */
function hashPool(size: number): { serialNumber: string; hardwareHash: string }[] {
  return Array.from({ length: size }, (_, i) => {
    const serialNumber = `FZ${String(i).padStart(6, '0')}`;
    return {
      serialNumber,
      hardwareHash: buildHardwareHash({ serialNumber, manufacturer: MANUFACTURER, model: MODEL }),
    };
  });
}

/** Ids of the things the write routes act on, made through the API before fuzzing. */
export interface FuzzIds {
  partnerId: string;
  customerId: string;
  customerDomain: string;
  batchName: string;
  /** Partner-registered devices: one for policy updates, one to delete. */
  pcPolicyDevice: string;
  pcDoomedDevice: string;
  policyId: string;
  doomedPolicyId: string;
  /** Subjects of the portal routes (the customer is `portalWorld`'s Contoso). */
  portal: {
    partnerOrgId: string;
    customerOrgId: string;
    relationshipId: string;
    invitationToken: string;
    deviceId: string;
    profileId: string;
    doomedTagRuleId: string;
    signInEmail: string;
    signInPassword: string;
    freshPassword: string;
  };
  /** Per Graph version. */
  graph: Record<
    'beta' | 'v1.0',
    {
      updateDevice: string;
      doomedDevice: string;
      doomedImport: string;
      profile: string;
      doomedProfile: string;
      assignmentProfile: string;
      doomedAssignment: string;
    }
  >;
}

export interface FuzzWorld {
  readonly api: TrialApi;
  readonly app: FastifyInstance;
  readonly tokens: Record<ApiCaller, string>;
  readonly sessions: Record<Exclude<PortalCaller, 'portalFresh'>, PortalSession>;
  /** A new session of a user kept for `portalFresh`, its password reset to the known one. */
  readonly freshSession: () => Promise<PortalSession>;
  readonly clients: { partner: { clientId: string; secret: string } };
  readonly ids: FuzzIds;
  readonly pool: { serialNumber: string; hardwareHash: string }[];
}

async function expectStatus(
  response: LightMyRequestResponse,
  status: number,
  what: string,
): Promise<LightMyRequestResponse> {
  if (response.statusCode !== status) {
    throw new Error(`setting up the fuzz world: ${what}: ${response.statusCode} ${response.body}`);
  }
  return response;
}

/**
 * A partner consented by a customer, their clients and tokens, and through the API:
 * registered devices (Partner Center batch and Graph import), policies, profiles and an
 * assignment, so that every write route has a real subject to act on.
 */
export async function buildFuzzWorld(database: Database): Promise<FuzzWorld> {
  const api = await buildTrialApi(database);
  const { app, deps } = api;
  const customer = await newCustomer(deps, 'Fuzz Customer');
  const partner = await newRegistrar(deps, 'Fuzz Partner');
  await consent(deps, partner, customer);
  const partnerAgent = await apiClient(deps, partner, ['agent']);
  const partnerAdmin = await apiClient(deps, partner, ['admin']);
  const customerAdmin = await apiClient(deps, customer.org, ['admin']);
  const tokens = {
    partner: await tokenFor(app, partnerAgent),
    partnerAdmin: await tokenFor(app, partnerAdmin),
    partnerForCustomer: await tokenFor(app, partnerAgent, customer.org.id),
    customer: await tokenFor(app, customerAdmin),
  };
  const pool = hashPool(64);
  const send = (
    caller: ApiCaller,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...bearer(tokens[caller]),
        ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
    });
  const c = `/v1/customers/${customer.org.id}`;
  const batchName = 'Fuzz';
  const setupDevice = (n: number) => {
    const serialNumber = `SETUP${String(n).padStart(4, '0')}`;
    return {
      serialNumber,
      hardwareHash: buildHardwareHash({ serialNumber, manufacturer: MANUFACTURER, model: MODEL }),
    };
  };
  const pcDevices = [setupDevice(1), setupDevice(2)];
  await expectStatus(
    await send('partner', 'POST', `${c}/deviceBatches`, { batchId: batchName, devices: pcDevices }),
    202,
    'partner batch',
  );
  const graphDevices = [3, 4, 5, 6].map(setupDevice);
  const imported = await expectStatus(
    await send(
      'customer',
      'POST',
      '/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities/import',
      {
        importedWindowsAutopilotDeviceIdentities: graphDevices.map((d) => ({
          serialNumber: d.serialNumber,
          hardwareIdentifier: d.hardwareHash,
        })),
      },
    ),
    200,
    'Graph import',
  );
  const importIds = (imported.json() as { value: { id: string }[] }).value.map((r) => r.id);
  await drainBatches(deps);

  const listed = await expectStatus(
    await send('partner', 'GET', `${c}/deviceBatches/${batchName}/devices`),
    200,
    'partner devices',
  );
  const pcIds = new Map(
    (listed.json() as { items: { id: string; serialNumber: string }[] }).items.map((d) => [
      d.serialNumber,
      d.id,
    ]),
  );
  const graphList = await expectStatus(
    await send(
      'customer',
      'GET',
      '/beta/deviceManagement/windowsAutopilotDeviceIdentities?$top=1000',
    ),
    200,
    'Graph devices',
  );
  const graphIds = new Map(
    (graphList.json() as { value: { id: string; serialNumber: string }[] }).value.map((d) => [
      d.serialNumber,
      d.id,
    ]),
  );
  const policy = async (name: string) =>
    (
      (
        await expectStatus(
          await send('partnerAdmin', 'POST', `${c}/policies`, {
            name,
            category: 'o_o_b_e',
            description: 'fuzz',
            policySettings: ['skip_eula'],
          }),
          200,
          'policy',
        )
      ).json() as { id: string }
    ).id;
  const profile = async (version: string, displayName: string) =>
    (
      (
        await expectStatus(
          await send(
            'customer',
            'POST',
            `/${version}/deviceManagement/windowsAutopilotDeploymentProfiles`,
            {
              '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
              displayName,
              description: 'fuzz',
              outOfBoxExperienceSetting: { userType: 'standard', privacySettingsHidden: true },
            },
          ),
          201,
          'profile',
        )
      ).json() as { id: string }
    ).id;
  const graph = {} as FuzzIds['graph'];
  for (const [i, version] of (['beta', 'v1.0'] as const).entries()) {
    const assignmentProfile = await profile(version, `Fuzz assigned ${version}`);
    const assignment = await expectStatus(
      await send(
        'customer',
        'POST',
        `/${version}/deviceManagement/windowsAutopilotDeploymentProfiles/${assignmentProfile}/assignments`,
        {
          target: {
            '@odata.type': '#microsoft.graph.groupAssignmentTarget',
            membershipRule: `(device.devicePhysicalIds -any (_ -eq "[OrderID]:Doomed${i}"))`,
          },
        },
      ),
      201,
      'assignment',
    );
    graph[version] = {
      updateDevice: graphIds.get(graphDevices[i * 2]!.serialNumber)!,
      doomedDevice: graphIds.get(graphDevices[i * 2 + 1]!.serialNumber)!,
      doomedImport: importIds[i]!,
      profile: await profile(version, `Fuzz ${version}`),
      doomedProfile: await profile(version, `Fuzz doomed ${version}`),
      assignmentProfile,
      doomedAssignment: (assignment.json() as { id: string }).id,
    };
  }
  // The portal: portalWorld's people (Fabrikam registers for Contoso), signed in through
  // the real route; and what the portal write routes act on, made through the portal API.
  const people = await portalWorld(deps);
  const sessions = {
    portalPartnerAdmin: await signInAs(app, people, 'partnerAdmin'),
    portalCustomerAdmin: await signInAs(app, people, 'customerAdmin'),
    portalOperator: await signInAs(app, people, 'operator'),
  };
  const portalSend = (
    session: PortalSession,
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    contentType = 'application/json',
  ) =>
    app.inject({
      method,
      url: `/portal/api${url}`,
      headers: {
        ...session.headers(method !== 'GET'),
        ...(payload !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(payload !== undefined
        ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
        : {}),
    });
  const contoso = people.customer.id;
  const portalDevice = setupDevice(7);
  await expectStatus(
    await portalSend(
      sessions.portalPartnerAdmin,
      'POST',
      `/customers/${contoso}/batches?fileName=setup.csv`,
      `Device Serial Number,Windows Product ID,Hardware Hash\r\n${portalDevice.serialNumber},,${portalDevice.hardwareHash}\r\n`,
      'text/csv',
    ),
    202,
    'portal batch',
  );
  await drainBatches(deps);
  const portalDevices = await expectStatus(
    await portalSend(sessions.portalCustomerAdmin, 'GET', '/devices'),
    200,
    'portal devices',
  );
  const portalProfile = await expectStatus(
    await portalSend(sessions.portalCustomerAdmin, 'POST', '/profiles', {
      displayName: 'Fuzz portal profile',
    }),
    201,
    'portal profile',
  );
  const profileId = (portalProfile.json() as { id: string }).id;
  const doomedRule = await expectStatus(
    await portalSend(sessions.portalCustomerAdmin, 'POST', '/tag-rules', {
      profileId,
      groupTag: 'Doomed',
    }),
    201,
    'portal tag rule',
  );
  const invitation = await inviteCustomer(deps, operator, {
    from: people.strangerPartner.id,
    to: contoso,
    permissions: ['read_devices'],
  });
  // The sign-in route's own account: its failures lock it, and no other target uses it.
  const signInUser = await createUser(deps, operator, {
    org: contoso,
    email: 'sign-in@contoso.example',
    role: 'reader',
  });
  await clearMustChange(deps, signInUser.user.id);
  // `portalFresh` signs in through the service, not the route: the route allows a few
  // sign-ins a minute per address, and the fuzz needs one per request.
  const fresh = await createUser(deps, operator, {
    org: people.partner.id,
    email: 'fresh@fabrikam.example',
    role: 'admin',
  });
  const freshPassword = 'Fuzz fresh passphrase 1';
  const freshHash = await hashSecret(freshPassword);
  const freshSession = async () => {
    // A fuzzed password change may have replaced it; must-change stays cleared.
    await deps.store.repos.sessions.setPassword(fresh.user.id, freshHash, false);
    const signedIn = await startSession(deps, { email: fresh.user.email, password: freshPassword });
    return sessionOf(`preflight_session=${signedIn.token}`, signedIn.session.csrfToken);
  };
  const ids: FuzzIds = {
    partnerId: partner.id,
    customerId: customer.org.id,
    customerDomain: customer.org.domain ?? '',
    batchName,
    pcPolicyDevice: pcIds.get(pcDevices[0]!.serialNumber)!,
    pcDoomedDevice: pcIds.get(pcDevices[1]!.serialNumber)!,
    policyId: await policy('Fuzz policy'),
    doomedPolicyId: await policy('Fuzz doomed policy'),
    portal: {
      partnerOrgId: people.partner.id,
      customerOrgId: contoso,
      relationshipId: people.relationships.oem.id,
      invitationToken: invitation.token,
      deviceId: (portalDevices.json() as { items: { id: string }[] }).items[0]?.id as string,
      profileId,
      doomedTagRuleId: (doomedRule.json() as { id: string }).id,
      signInEmail: signInUser.user.email,
      signInPassword: signInUser.oneTimePassword,
      freshPassword,
    },
    graph,
  };
  for (const [name, value] of Object.entries({ ...ids, ...ids.graph.beta, ...ids.portal })) {
    if (value === undefined) {
      throw new Error(`setting up the fuzz world: no ${name}`);
    }
  }
  return {
    api,
    app,
    tokens,
    sessions,
    freshSession,
    clients: { partner: { clientId: partnerAgent.clientId, secret: partnerAgent.secret } },
    ids,
    pool,
  };
}

// ---------------------------------------------------------------------------------------
// Targets: how to call each write route with valid ids, and valid-shaped bodies
// ---------------------------------------------------------------------------------------

/** How the fuzz calls one route. */
export interface Target {
  readonly key: string;
  readonly method: string;
  readonly family: Family;
  readonly callers: readonly Caller[];
  readonly url: string;
  /** Valid-shaped bodies the mutations start from (undefined: the route takes no body). */
  readonly seeds: readonly unknown[];
  /** Form-encoded rather than JSON (the token endpoint). */
  readonly form?: boolean;
  /** A device file: the seeds are CSV text, sent as raw bytes (the portal's uploads). */
  readonly csv?: boolean;
  /** Names of the route's query parameters, which a message may name as the place. */
  readonly query?: readonly string[];
}

/** The write routes of the app, and the target for each (undefined: not covered). */
export function writeRoutes(app: FastifyInstance): DeclaredRoute[] {
  return app.declaredRoutes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
}

/** The target of every write route this trial knows, by `METHOD url`. */
export function targets(world: FuzzWorld): Map<string, Target> {
  const { ids, pool } = world;
  const hash = (i: number) => pool[i % pool.length]!;
  const c = `/v1/customers/${ids.customerId}`;
  const pcDevice = (i: number) => ({
    serialNumber: hash(i).serialNumber,
    hardwareHash: hash(i).hardwareHash,
  });
  const list: Target[] = [];
  const add = (t: Omit<Target, 'key'>, url = t.url) =>
    list.push({ ...t, key: `${t.method} ${url}` });
  const token = () => ({
    grant_type: 'client_credentials',
    client_id: world.clients.partner.clientId,
    client_secret: world.clients.partner.secret,
    scope: 'https://graph.microsoft.com/.default',
  });
  add({
    method: 'POST',
    family: 'oauth',
    callers: ['none'],
    url: '/oauth2/v2.0/token',
    seeds: [token()],
    form: true,
  });
  add(
    {
      method: 'POST',
      family: 'oauth',
      callers: ['none'],
      url: `/${ids.customerId}/oauth2/v2.0/token`,
      seeds: [token()],
      form: true,
    },
    '/:tenant/oauth2/v2.0/token',
  );
  add({
    method: 'POST',
    family: 'partnerCenter',
    callers: ['partner'],
    url: '/v1/deviceSubmissionValidations',
    seeds: [{ tenants: [ids.customerId, ids.customerDomain] }],
  });
  add({
    method: 'POST',
    family: 'preflight',
    callers: ['none'],
    url: '/firstboot/v1/lookup',
    seeds: [
      { hardwareHash: hash(0).hardwareHash },
      { manufacturer: MANUFACTURER, model: MODEL, serialNumber: 'SETUP0001' },
    ],
  });
  add(
    {
      method: 'POST',
      family: 'partnerCenter',
      callers: ['partner', 'partnerAdmin'],
      url: `${c}/deviceBatches`,
      seeds: [
        { batchId: 'Fuzz', devices: [pcDevice(1)] },
        { batchId: 'Fuzz new', devices: [pcDevice(2), pcDevice(3)] },
        {
          BatchId: 'Fuzz', // PascalCase, as the .NET SDK sends
          Devices: [
            {
              HardwareHash: hash(4).hardwareHash,
              ProductKey: null,
              SerialNumber: hash(4).serialNumber,
            },
          ],
        },
        {
          batchId: 'Tuple',
          devices: [{ serialNumber: 'T1', oemManufacturerName: 'Dell Inc.', modelName: 'T7500' }],
        },
      ],
    },
    '/v1/customers/:customerId/deviceBatches',
  );
  add(
    {
      method: 'POST',
      family: 'partnerCenter',
      callers: ['partner'],
      url: `${c}/deviceBatches/${ids.batchName}/devices`,
      seeds: [[pcDevice(5)], [pcDevice(6), { productKey: '1234567890123' }]],
    },
    '/v1/customers/:customerId/deviceBatches/:deviceBatchId/devices',
  );
  add(
    {
      method: 'DELETE',
      family: 'partnerCenter',
      callers: ['partner'],
      url: `${c}/deviceBatches/${ids.batchName}/devices/${ids.pcDoomedDevice}`,
      seeds: [undefined],
    },
    '/v1/customers/:customerId/deviceBatches/:deviceBatchId/devices/:deviceId',
  );
  const policyBody = {
    name: 'Fuzzed',
    category: 'o_o_b_e',
    description: 'A policy',
    policySettings: ['skip_eula', 'oobe_user_not_local_admin'],
  };
  add(
    {
      method: 'POST',
      family: 'partnerCenter',
      callers: ['partnerAdmin'],
      url: `${c}/policies`,
      seeds: [policyBody],
    },
    '/v1/customers/:customerId/policies',
  );
  add(
    {
      method: 'PUT',
      family: 'partnerCenter',
      callers: ['partnerAdmin'],
      url: `${c}/policies/${ids.policyId}`,
      seeds: [
        { name: 'Fuzz policy', description: 'changed' },
        { ...policyBody, name: 'Fuzz policy', id: ids.policyId },
      ],
    },
    '/v1/customers/:customerId/policies/:policyId',
  );
  add(
    {
      method: 'DELETE',
      family: 'partnerCenter',
      callers: ['partnerAdmin'],
      url: `${c}/policies/${ids.doomedPolicyId}`,
      seeds: [undefined],
    },
    '/v1/customers/:customerId/policies/:policyId',
  );
  add(
    {
      method: 'PATCH',
      family: 'partnerCenter',
      callers: ['partnerAdmin'],
      url: `${c}/DevicePolicyUpdates`,
      seeds: [
        {
          devices: [
            { id: ids.pcPolicyDevice, policies: [{ key: 'o_o_b_e', value: ids.policyId }] },
          ],
        },
        { Devices: [{ Id: ids.pcPolicyDevice, Policies: [{ Key: 'OOBE', Value: null }] }] },
      ],
    },
    '/v1/customers/:customerId/DevicePolicyUpdates',
  );
  portalTargets(world, add);
  for (const version of ['beta', 'v1.0'] as const) {
    const g = ids.graph[version];
    const dm = `/${version}/deviceManagement`;
    const imports = `${dm}/importedWindowsAutopilotDeviceIdentities`;
    const devices = `${dm}/windowsAutopilotDeviceIdentities`;
    const profiles = `${dm}/windowsAutopilotDeploymentProfiles`;
    const record = (i: number) => ({
      '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
      serialNumber: hash(i).serialNumber,
      productKey: '',
      hardwareIdentifier: hash(i).hardwareHash,
      groupTag: 'Sales',
      assignedUserPrincipalName: '',
      state: {
        deviceImportStatus: 'unknown',
        deviceRegistrationId: '',
        deviceErrorCode: 0,
        deviceErrorName: '',
      },
    });
    const graph = (
      method: string,
      url: string,
      declared: string,
      seeds: unknown[],
      callers: Caller[] = ['customer'],
    ) => add({ method, family: 'graph', callers, url, seeds }, declared);
    graph(
      'POST',
      imports,
      imports,
      [record(10), { hardwareIdentifier: hash(11).hardwareHash }],
      ['customer', 'partnerForCustomer'],
    );
    graph(
      'POST',
      `${imports}/import`,
      `${imports}/import`,
      [{ importedWindowsAutopilotDeviceIdentities: [record(12), record(13)] }],
      ['customer', 'partnerForCustomer'],
    );
    graph('DELETE', `${imports}/${g.doomedImport}`, `${imports}/:id`, [undefined]);
    graph('DELETE', `${devices}/${g.doomedDevice}`, `${devices}/:id`, [undefined]);
    graph(
      'POST',
      `${devices}/${g.updateDevice}/updateDeviceProperties`,
      `${devices}/:id/updateDeviceProperties`,
      [
        { groupTag: 'Sales', displayName: 'PC-001', userPrincipalName: 'ana@fuzzcustomer.example' },
        { groupTag: null, addressableUserName: '' },
      ],
    );
    graph(
      'POST',
      `${devices}/${g.updateDevice}/assignUserToDevice`,
      `${devices}/:id/assignUserToDevice`,
      [{ userPrincipalName: 'ana@fuzzcustomer.example', addressableUserName: 'Ana' }],
    );
    graph(
      'POST',
      `${devices}/${g.updateDevice}/unassignUserFromDevice`,
      `${devices}/:id/unassignUserFromDevice`,
      [undefined, {}],
    );
    const profileBody = {
      '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
      displayName: 'Fuzzed profile',
      description: 'fuzz',
      locale: 'en-US',
      deviceNameTemplate: 'PC-%SERIAL%',
      deviceType: 'windowsPc',
      hardwareHashExtractionEnabled: true,
      outOfBoxExperienceSetting: {
        privacySettingsHidden: true,
        eulaHidden: true,
        userType: 'standard',
        deviceUsageType: 'singleUser',
        keyboardSelectionPageSkipped: false,
        escapeLinkHidden: true,
      },
    };
    graph('POST', profiles, profiles, [profileBody, { displayName: 'Minimal' }]);
    graph('PATCH', `${profiles}/${g.profile}`, `${profiles}/:id`, [
      { description: 'changed' },
      { ...profileBody, displayName: `Fuzz ${version}` },
    ]);
    graph('DELETE', `${profiles}/${g.doomedProfile}`, `${profiles}/:id`, [undefined]);
    graph('POST', `${profiles}/${g.assignmentProfile}/assignments`, `${profiles}/:id/assignments`, [
      { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } },
      {
        '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
        target: {
          '@odata.type': '#microsoft.graph.groupAssignmentTarget',
          membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
        },
      },
    ]);
    graph(
      'DELETE',
      `${profiles}/${g.assignmentProfile}/assignments/${g.doomedAssignment}`,
      `${profiles}/:id/assignments/:assignmentId`,
      [undefined],
    );
    graph('POST', `${dm}/windowsAutopilotSettings/sync`, `${dm}/windowsAutopilotSettings/sync`, [
      undefined,
      {},
    ]);
  }
  return new Map(list.map((t) => [t.key, t]));
}

/** The portal's write routes (`/portal/api/…`), as its signed-in users call them. */
function portalTargets(world: FuzzWorld, add: (t: Omit<Target, 'key'>, url?: string) => void) {
  const { portal } = world.ids;
  const family = 'preflight' as const;
  const api = '/portal/api';
  const route = (
    method: string,
    callers: Caller[],
    url: string,
    declared: string,
    seeds: unknown[],
    more: Partial<Target> = {},
  ) => add({ method, family, callers, url: `${api}${url}`, seeds, ...more }, `${api}${declared}`);
  route('POST', ['none'], '/sign-in', '/sign-in', [
    { email: portal.signInEmail, password: portal.signInPassword },
    { email: 'nobody@contoso.example', password: 'Not anyone at all' },
  ]);
  route('POST', ['none'], '/setup', '/setup', [
    {
      token: 'not-the-setup-token',
      email: 'first@preflight.example',
      password: 'A long passphrase 1',
    },
  ]);
  route('POST', ['portalFresh'], '/sign-out', '/sign-out', [undefined, {}]);
  route('POST', ['portalFresh'], '/session/organisation', '/session/organisation', [
    { orgId: portal.partnerOrgId },
    { orgId: portal.customerOrgId },
  ]);
  route('POST', ['portalFresh'], '/password', '/password', [
    { currentPassword: portal.freshPassword, newPassword: 'Another long passphrase 2' },
  ]);
  route('POST', ['portalOperator'], '/organisations', '/organisations', [
    { kind: 'customer', displayName: 'Fuzz Org', domain: 'fuzz-org.example' },
    { kind: 'partner', displayName: 'Fuzz Reseller', domain: '' },
  ]);
  route(
    'POST',
    ['portalOperator'],
    `/organisations/${portal.customerOrgId}/users`,
    '/organisations/:orgId/users',
    [
      { email: 'new@contoso.example', role: 'reader' },
      { email: 'agent2@contoso.example', role: 'agent' },
    ],
  );
  route('POST', ['portalPartnerAdmin'], '/invitations', '/invitations', [
    { customer: 'northwind.example', permissions: ['register_devices', 'read_devices'] },
    { customer: 'Northwind', expiresInDays: 14 },
  ]);
  route(
    'POST',
    ['portalCustomerAdmin'],
    `/invitations/${portal.invitationToken}/accept`,
    '/invitations/:token/accept',
    [undefined, {}],
  );
  route(
    'POST',
    ['portalCustomerAdmin'],
    `/relationships/${portal.relationshipId}/revoke`,
    '/relationships/:id/revoke',
    [undefined, {}],
  );
  const hashes = world.pool.slice(40, 44);
  const devicesFile = [
    `Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n${hashes
      .slice(0, 2)
      .map((h) => `${h.serialNumber},,${h.hardwareHash},Sales`)
      .join('\r\n')}\r\n`,
    `Device serial number;Windows product ID;Hardware hash;Manufacturer name;Device model\n${hashes
      .slice(2)
      .map((h) => `${h.serialNumber};;${h.hardwareHash};${MANUFACTURER};${MODEL}`)
      .join('\n')}\n`,
    `Manufacturer,Model,Serial Number\n${MANUFACTURER},${MODEL},PT100\n`,
  ];
  const upload = { csv: true, query: ['groupTag', 'fileName', 'strictTags'] };
  for (const what of ['preview', 'batches']) {
    route(
      'POST',
      ['portalPartnerAdmin'],
      `/customers/${portal.customerOrgId}/${what}?fileName=devices.csv&groupTag=Sales`,
      `/customers/:customerId/${what}`,
      devicesFile,
      upload,
    );
  }
  route(
    'POST',
    ['portalCustomerAdmin', 'portalPartnerAdmin'],
    `/devices/${portal.deviceId}/deregister`,
    '/devices/:deviceId/deregister',
    [undefined, {}],
  );
  route('POST', ['portalCustomerAdmin'], '/profiles', '/profiles', [
    { displayName: 'Fuzz profile', description: 'fuzz' },
    {
      displayName: 'Fuzz settings',
      settings: {
        language: 'en-US',
        deviceNameTemplate: 'PC-%SERIAL%',
        hardwareHashExtractionEnabled: true,
        oobe: { hidePrivacySettings: true, userType: 'standard' },
      },
    },
  ]);
  route('POST', ['portalCustomerAdmin'], '/tag-rules', '/tag-rules', [
    { profileId: portal.profileId, groupTag: 'Sales' },
    {
      profileId: portal.profileId,
      rule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:North"))',
    },
  ]);
  route(
    'DELETE',
    ['portalCustomerAdmin'],
    `/tag-rules/${portal.doomedTagRuleId}`,
    '/tag-rules/:ruleId',
    [undefined],
  );
}

// ---------------------------------------------------------------------------------------
// Generated requests
// ---------------------------------------------------------------------------------------

type HashDamage =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'char'; at: number; char: string }
  | { kind: 'unpad' }
  | { kind: 'append'; text: string }
  | { kind: 'urlsafe' };

type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'addKey'; at: number; key: string; value: unknown }
  | { kind: 'renameKey'; at: number; style: 'pascal' | 'upper' | 'lower' | 'snake' | 'spaced' }
  | { kind: 'wrap'; at: number }
  | { kind: 'nest'; at: number; depth: number }
  | { kind: 'stringify'; at: number }
  | { kind: 'hash'; at: number; damage: HashDamage };

/** One generated request: a body (JSON, raw text or bytes) and its content type. */
export type FuzzBody =
  | { kind: 'json'; seed: number; mutations: Mutation[]; contentType: string | null }
  | { kind: 'value'; value: unknown; contentType: string | null }
  | { kind: 'text'; seed: number; damage: ByteDamage[]; contentType: string | null }
  | { kind: 'csv'; seed: number; damage: CsvDamage[]; contentType: string | null }
  | { kind: 'bytes'; bytes: Uint8Array; contentType: string | null }
  | { kind: 'deep'; depth: number; open: '[' | '{"a":'; contentType: string | null };

type ByteDamage =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: readonly number[] }
  | { kind: 'duplicateKey' };

export interface FuzzRequest {
  readonly caller: number;
  readonly body: FuzzBody;
  /** Extra headers (Partner Center idempotency and correlation, Graph's client id). */
  readonly headers: Record<string, string>;
}

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const oddStrings = [
  '',
  ' ',
  '\t\r\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff x',
  '\u202e\u202d',
  '\ufeff',
  '𝕏𝕐',
  'é',
  'e\u0301',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '1e400',
  '[]',
  '{}',
  "' or 1 eq 1 or '",
  '"; drop table devices; --',
  '../../../etc/passwd',
  '%00%ff',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '__proto__',
  'SMBIOS_STRING_INDEX_0',
  '0000000000000',
  '1.23E+12',
];

/** Values that break assumptions: wrong types, odd and huge strings, deep structures. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      -0,
      1.5,
      2 ** 53 + 2,
      1e308,
      -1e308,
      ...oddStrings,
    ),
    weight: 6,
  },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom(128, 129, 200, 201, 255, 256, 257, 1500, 1501, 4001, 20_000, 300_000),
        fc.constantFrom('a', 'é', '𝕏', ' ', '9', '\u0000'),
      )
      .map(([n, c]) => c.repeat(n)),
    weight: 2,
  },
  { arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }), weight: 2 },
  {
    arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 4,
    }),
    weight: 2,
  },
  { arbitrary: fc.integer({ min: 2, max: 400 }).map((n) => nestValue(n)), weight: 1 },
);

function nestValue(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) {
    value = i % 2 === 0 ? [value] : { a: value };
  }
  return value;
}

const keys = fc.oneof(
  fc.constantFrom(
    'extra',
    '@odata.type',
    '@odata.etag',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    ' ',
    'a\u0000b',
    '$filter',
    'id',
    'ID',
    'policies',
    'state',
    'devices',
    'Devices',
    'serialNumber',
    'SerialNumber',
    'hardwareHash',
    'batchId',
  ),
  fc.string({ maxLength: 12 }),
);

const hashDamage: fc.Arbitrary<HashDamage> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: position,
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: position }),
  fc.record({
    kind: fc.constant('char' as const),
    at: position,
    char: fc.constantFrom(' ', '\n', '-', '_', '=', '!', 'é', '\u0000', '%', '.'),
  }),
  fc.record({ kind: fc.constant('unpad' as const) }),
  fc.record({
    kind: fc.constant('append' as const),
    text: fc.constantFrom('=', 'AAAA', '==', ' ', 'x'),
  }),
  fc.record({ kind: fc.constant('urlsafe' as const) }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: weird }),
    weight: 6,
  },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('addKey' as const),
      at: fc.nat(),
      key: keys,
      value: weird,
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('renameKey' as const),
      at: fc.nat(),
      style: fc.constantFrom(
        'pascal' as const,
        'upper' as const,
        'lower' as const,
        'snake' as const,
        'spaced' as const,
      ),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('wrap' as const), at: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('nest' as const),
      at: fc.nat(),
      depth: fc.integer({ min: 1, max: 300 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('stringify' as const), at: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('hash' as const), at: fc.nat(), damage: hashDamage }),
    weight: 4,
  },
);

const byteDamage: fc.Arbitrary<ByteDamage> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: position,
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.constantFrom(
      [0x22],
      [0x2c],
      [0x7b],
      [0x5d],
      [0x00],
      [0xff],
      [0xc3],
      [0xef, 0xbb, 0xbf],
      [0x5c],
      [0x5c, 0x75],
    ),
  }),
  fc.record({ kind: fc.constant('duplicateKey' as const) }),
);

const jsonTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;odata.metadata=minimal',
];
const otherTypes = [
  'text/plain',
  'text/csv',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/vnd.api+json',
  'application/merge-patch+json',
  '*/*',
  'json',
  '',
];

const contentType = (mostlyJson: boolean) =>
  fc.oneof(
    { arbitrary: fc.constantFrom<string | null>(...jsonTypes), weight: mostlyJson ? 12 : 2 },
    { arbitrary: fc.constantFrom<string | null>(...otherTypes, null), weight: mostlyJson ? 1 : 6 },
  );

const headerText = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(201),
    'x'.repeat(5000),
    '00000000-0000-0000-0000-000000000000',
    'not-a-guid',
    '"quoted"',
  ),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 60,
  }),
);

/** How the portal's uploads are sent: the types browsers use, and some they should not. */
const fileContentType = fc.oneof(
  {
    arbitrary: fc.constantFrom<string | null>(
      'text/csv',
      'text/csv; charset=utf-8',
      'application/vnd.ms-excel',
      'application/octet-stream',
    ),
    weight: 8,
  },
  { arbitrary: fc.constantFrom<string | null>(...jsonTypes, ...otherTypes, null), weight: 1 },
);

/** Bodies of a device-file upload: damaged seed files, arbitrary bytes, stray JSON. */
function csvBodyArbitrary(seed: fc.Arbitrary<number>): fc.Arbitrary<FuzzBody> {
  return fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('csv' as const),
        seed,
        damage: fc.array(csvDamage, { minLength: 0, maxLength: 4 }),
        contentType: fileContentType,
      }),
      weight: 12,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('bytes' as const),
        bytes: fc.uint8Array({ maxLength: 600 }),
        contentType: fileContentType,
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('value' as const),
        value: fc.jsonValue({ maxDepth: 3 }),
        contentType: contentType(true),
      }),
      weight: 1,
    },
  );
}

/** Requests for a target. */
export function requestArbitrary(target: Target): fc.Arbitrary<FuzzRequest> {
  const seeds = target.seeds.length;
  const seed = fc.nat({ max: seeds - 1 });
  const body: fc.Arbitrary<FuzzBody> = target.csv
    ? csvBodyArbitrary(seed)
    : fc.oneof(
        {
          arbitrary: fc.record({
            kind: fc.constant('json' as const),
            seed,
            mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
            contentType: contentType(true),
          }),
          weight: 12,
        },
        {
          arbitrary: fc.record({
            kind: fc.constant('json' as const),
            seed,
            mutations: fc.constant([] as Mutation[]),
            contentType: contentType(false),
          }),
          weight: 2,
        },
        {
          arbitrary: fc.record({
            kind: fc.constant('value' as const),
            value: fc.jsonValue({ maxDepth: 3 }),
            contentType: contentType(true),
          }),
          weight: 2,
        },
        {
          arbitrary: fc.record({
            kind: fc.constant('text' as const),
            seed,
            damage: fc.array(byteDamage, { minLength: 1, maxLength: 3 }),
            contentType: contentType(true),
          }),
          weight: 3,
        },
        {
          arbitrary: fc.record({
            kind: fc.constant('bytes' as const),
            bytes: fc.uint8Array({ maxLength: 600 }),
            contentType: contentType(true),
          }),
          weight: 2,
        },
        {
          arbitrary: fc.record({
            kind: fc.constant('deep' as const),
            depth: fc.oneof(
              fc.integer({ min: 50, max: 2000 }),
              fc.integer({ min: 2000, max: 200_000 }),
            ),
            open: fc.constantFrom('[' as const, '{"a":' as const),
            contentType: fc.constant('application/json'),
          }),
          weight: 1,
        },
      );
  const headers =
    target.family === 'partnerCenter'
      ? fc.record(
          {
            'ms-requestid': headerText,
            'ms-correlationid': headerText,
            'ms-continuationtoken': headerText,
          },
          { requiredKeys: [] },
        )
      : target.family === 'graph'
        ? fc.record({ 'client-request-id': headerText }, { requiredKeys: [] })
        : fc.constant({});
  return fc.record({
    caller: fc.nat({ max: target.callers.length - 1 }),
    body,
    headers: fc.oneof({ arbitrary: fc.constant({}), weight: 4 }, { arbitrary: headers, weight: 1 }),
  });
}

// --- applying mutations ---------------------------------------------------------------

type PathStep = string | number;

/** Every path in `value`, the root (empty path) first. */
function pathsOf(
  value: unknown,
  prefix: PathStep[] = [],
  out: PathStep[][] = [],
  limit = 400,
): PathStep[][] {
  if (out.length >= limit) {
    return out;
  }
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, i) => pathsOf(item, [...prefix, i], out, limit));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      pathsOf(v, [...prefix, k], out, limit);
    }
  }
  return out;
}

function getAt(root: unknown, at: PathStep[]): unknown {
  let value = root;
  for (const step of at) {
    value = (value as Record<PathStep, unknown>)[step];
  }
  return value;
}

/** `root` with the value at `at` replaced (or removed when `remove`). */
function setAt(root: unknown, at: PathStep[], value: unknown, remove = false): unknown {
  if (at.length === 0) {
    return remove ? undefined : value;
  }
  const parent = getAt(root, at.slice(0, -1)) as Record<PathStep, unknown>;
  const last = at[at.length - 1]!;
  if (remove) {
    if (Array.isArray(parent)) {
      parent.splice(last as number, 1);
    } else {
      delete parent[last];
    }
  } else {
    Object.defineProperty(parent, last, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return root;
}

function renameStyle(key: string, style: string): string {
  switch (style) {
    case 'pascal':
      return key.charAt(0).toUpperCase() + key.slice(1);
    case 'upper':
      return key.toUpperCase();
    case 'lower':
      return key.toLowerCase();
    case 'snake':
      return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    default:
      return ` ${key}`;
  }
}

function damageHash(text: string, damage: HashDamage): string {
  switch (damage.kind) {
    case 'flip': {
      const bytes = Buffer.from(text, 'base64');
      if (bytes.length > 0) {
        const at = Math.floor(damage.at * bytes.length);
        bytes[at] = bytes[at]! ^ damage.mask;
      }
      return bytes.toString('base64');
    }
    case 'truncate':
      return text.slice(0, Math.floor(damage.keep * text.length));
    case 'char': {
      const at = Math.floor(damage.at * text.length);
      return text.slice(0, at) + damage.char + text.slice(at + 1);
    }
    case 'unpad':
      return text.replace(/=+$/, '');
    case 'append':
      return text + damage.text;
    case 'urlsafe':
      return text.replaceAll('+', '-').replaceAll('/', '_');
  }
}

function applyMutation(root: unknown, m: Mutation): unknown {
  const paths = pathsOf(root);
  const at = paths[m.at % paths.length]!;
  const current = getAt(root, at);
  switch (m.kind) {
    case 'set':
      return setAt(root, at, structuredClone(m.value));
    case 'delete':
      return at.length === 0 ? root : setAt(root, at, undefined, true);
    case 'addKey': {
      const objects = paths.filter((p) => {
        const v = getAt(root, p);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      if (objects.length === 0) {
        return root;
      }
      const target = getAt(root, objects[m.at % objects.length]!) as Record<string, unknown>;
      Object.defineProperty(target, m.key, {
        value: structuredClone(m.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return root;
    }
    case 'renameKey': {
      const named = paths.filter((p) => typeof p[p.length - 1] === 'string');
      if (named.length === 0) {
        return root;
      }
      const p = named[m.at % named.length]!;
      const parent = getAt(root, p.slice(0, -1)) as Record<string, unknown>;
      const key = p[p.length - 1] as string;
      const value = parent[key];
      delete parent[key];
      Object.defineProperty(parent, renameStyle(key, m.style), {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return root;
    }
    case 'wrap':
      return setAt(root, at, [current]);
    case 'nest': {
      let value = current;
      for (let i = 0; i < m.depth; i++) {
        value = [value];
      }
      return setAt(root, at, value);
    }
    case 'stringify':
      return setAt(
        root,
        at,
        typeof current === 'string' ? Number(current) : JSON.stringify(current ?? null),
      );
    case 'hash': {
      const strings = paths.filter((p) => typeof getAt(root, p) === 'string');
      const hashes = strings.filter((p) => (getAt(root, p) as string).length > 100);
      const pool = hashes.length > 0 ? hashes : strings;
      if (pool.length === 0) {
        return root;
      }
      const p = pool[m.at % pool.length]!;
      return setAt(root, p, damageHash(getAt(root, p) as string, m.damage));
    }
  }
}

function damageBytes(bytes: Buffer, damage: ByteDamage): Buffer<ArrayBufferLike> {
  const at = (p: number) => Math.floor(p * bytes.length);
  switch (damage.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      if (out.length > 0) {
        out[at(damage.at)] = out[at(damage.at)]! ^ damage.mask;
      }
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, at(damage.at));
    case 'insert':
      return Buffer.concat([
        bytes.subarray(0, at(damage.at)),
        Buffer.from([...damage.bytes]),
        bytes.subarray(at(damage.at)),
      ]);
    case 'duplicateKey': {
      const text = bytes.toString('utf8');
      const match = /^\s*\{\s*("(?:[^"\\]|\\.)*"\s*:\s*(?:"(?:[^"\\]|\\.)*"|[^,{}[\]]+))/.exec(
        text,
      );
      return match ? Buffer.from(text.replace('{', `{${match[1]},`)) : bytes;
    }
  }
}

/** What `app.inject` is given for a request: payload, content type, and a short description. */
export interface Materialised {
  readonly payload: string | Buffer | undefined;
  readonly contentType: string | null;
  /** The parsed body as sent (for finding names of keys), when it was JSON. */
  readonly value: unknown;
}

function encodeForm(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return typeof value === 'string' ? value : JSON.stringify(value ?? '');
  }
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(value)) {
    params.append(k, typeof v === 'string' ? v : JSON.stringify(v ?? null));
  }
  return params.toString();
}

function serialise(value: unknown, target: Target, contentType: string | null): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (target.form && contentType === 'application/x-www-form-urlencoded') {
    return encodeForm(value);
  }
  return JSON.stringify(value);
}

/** The bytes of a generated body. */
export function materialise(target: Target, body: FuzzBody): Materialised {
  const seedValue = (i: number) => structuredClone(target.seeds[i % target.seeds.length]);
  // The token endpoint's natural type is a form; its JSON bodies are fuzzed as well.
  const type = (t: string | null) =>
    target.form && t === 'application/json' ? 'application/x-www-form-urlencoded' : t;
  switch (body.kind) {
    case 'json': {
      let value = seedValue(body.seed);
      for (const m of body.mutations) {
        value = applyMutation(value, m);
      }
      const contentType = type(body.contentType);
      const text = serialise(value, target, contentType);
      return {
        payload:
          text === undefined
            ? undefined
            : contentType?.includes('utf-16')
              ? Buffer.from(text, 'utf16le')
              : text,
        contentType: text === undefined && body.mutations.length === 0 ? null : contentType,
        value,
      };
    }
    case 'value':
      return {
        payload: JSON.stringify(body.value),
        contentType: body.contentType,
        value: body.value,
      };
    case 'text': {
      let bytes: Buffer<ArrayBufferLike> = Buffer.from(
        JSON.stringify(seedValue(body.seed) ?? {}),
        'utf8',
      );
      for (const d of body.damage) {
        bytes = damageBytes(bytes, d);
      }
      return { payload: bytes, contentType: body.contentType, value: undefined };
    }
    case 'csv': {
      let bytes: Buffer<ArrayBufferLike> = Buffer.from(String(seedValue(body.seed)), 'utf8');
      for (const d of body.damage) {
        bytes = damageCsv(bytes, d);
      }
      return { payload: bytes, contentType: body.contentType, value: undefined };
    }
    case 'bytes':
      return { payload: Buffer.from(body.bytes), contentType: body.contentType, value: undefined };
    case 'deep': {
      const close = body.open === '[' ? ']' : '}';
      return {
        payload: `${body.open.repeat(body.depth)}1${close.repeat(body.depth)}`,
        contentType: body.contentType,
        value: undefined,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------

/**
 * 4xx that are about who, what or how much: they have no field to name. 410: a portal
 * invitation already used or withdrawn (the subject's state, like 409); 423: an address
 * locked after failed sign-ins (about the account, whatever the body says).
 */
export const placeless = new Set([401, 403, 404, 409, 410, 413, 415, 423, 429]);

/** A broken expectation. */
export interface Violation {
  /** Groups violations of one kind (for counting, and to find each kind once). */
  readonly signature: string;
  readonly detail: string;
}

type Json = Record<string, unknown>;

const asRecord = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** The message and the structured place (if any) of an error body in `family`'s shape. */
export function errorParts(
  family: Family,
  body: unknown,
): { message: string; field: string | undefined; code: string } | undefined {
  const b = asRecord(body);
  if (!b) {
    return undefined;
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  switch (family) {
    case 'graph': {
      const error = asRecord(b.error);
      const inner = asRecord(error?.innerError);
      const message = text(error?.message);
      const code = text(error?.code);
      if (message === undefined || code === undefined || !inner) {
        return undefined;
      }
      return {
        message,
        field: text(asRecord(inner.details)?.field),
        code: text(inner.code) ?? code,
      };
    }
    case 'partnerCenter': {
      const message = text(b.description);
      const code = text(b.code);
      if (message === undefined || code === undefined || !Array.isArray(b.data)) {
        return undefined;
      }
      return { message, field: text(asRecord(b.data[0])?.field), code };
    }
    case 'oauth': {
      const message = text(b.error_description);
      const code = text(b.error);
      if (message === undefined || code === undefined) {
        return undefined;
      }
      return { message, field: undefined, code: text(b.preflight_code) ?? code };
    }
    case 'preflight': {
      const error = asRecord(b.error);
      const message = text(error?.message);
      const code = text(error?.code);
      if (message === undefined || code === undefined) {
        return undefined;
      }
      return { message, field: text(asRecord(error?.details)?.field), code };
    }
  }
}

/** Words a message may use to name the place when the body carries no structured field. */
const placeWords = [
  'body',
  'content-type',
  'querystring',
  'params',
  'headers',
  'MS-ContinuationToken',
  'MS-RequestId',
];

/** Every key in a JSON value (bounded). */
function keysOf(value: unknown, out = new Set<string>(), budget = { n: 2000 }): Set<string> {
  if (budget.n-- <= 0) {
    return out;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      keysOf(item, out, budget);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.length > 0) {
        out.add(k);
      }
      keysOf(v, out, budget);
    }
  }
  return out;
}

/** Lower-case letters and digits only: "hardware hash" and "hardwareHash" read alike. */
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Does `message` name `field`: whole, or its last named segment, spaced or not? */
export function names(message: string, field: string): boolean {
  // The property's own name as sent, quoted: 'a', ' ', '' (an empty or odd key).
  const raw = field.replace(/^.*(\.|\])/s, '');
  if (message.includes(`'${raw}'`) || message.includes(`"${raw}"`)) {
    return true;
  }
  if (field === '') {
    return false;
  }
  if (message.toLowerCase().includes(field.toLowerCase())) {
    return true;
  }
  const segments = field.split(/[./[\]]+/).filter((s) => s !== '' && !/^\d+$/.test(s));
  const last = segments[segments.length - 1];
  return last !== undefined && squash(last).length >= 2 && squash(message).includes(squash(last));
}

/**
 * Judges one response: a 5xx or a redirect is a fault; a 4xx must be in the route's wire
 * shape with a message; and unless it is a refusal about who, what or how much
 * (`placeless`), it must name the place:
 * - Preflight: `error.details.field`, or a message naming a place;
 * - Partner Center: `data[0].field`, or a `description` naming a place;
 * - Graph: `error.message` itself names the place — the field of our
 *   `innerError.details.field` (Graph clients show only the message), or a place;
 * - OAuth: `error_description` names a parameter.
 * "Naming a place" in a message: the field's path or its last named segment (letters and
 * digits compared, so "hardware hash" names hardwareHash), or a word of the message that
 * is a key of the body sent, a parameter of the route, or body, content-type, querystring,
 * params, headers, MS-ContinuationToken, MS-RequestId.
 */
export function judge(
  target: Target,
  sent: Materialised,
  response: LightMyRequestResponse,
  routeWords: ReadonlySet<string>,
): Violation | undefined {
  const status = response.statusCode;
  if (status >= 500) {
    return { signature: `${status}`, detail: `${status} ${response.body.slice(0, 300)}` };
  }
  if (status < 400) {
    return status >= 300 ? { signature: `${status}`, detail: `unexpected ${status}` } : undefined;
  }
  let body: unknown;
  try {
    body = response.body === '' ? undefined : JSON.parse(response.body);
  } catch {
    return {
      signature: `${status} not-json`,
      detail: `${status} body is not JSON: ${response.body.slice(0, 200)}`,
    };
  }
  const parts = errorParts(target.family, body);
  if (!parts) {
    return {
      signature: `${status} shape`,
      detail: `${status} body is not in the ${target.family} error shape: ${response.body.slice(0, 300)}`,
    };
  }
  if (parts.message.trim() === '') {
    return {
      signature: `${status} ${parts.code} empty-message`,
      detail: `${status} with an empty message`,
    };
  }
  if (placeless.has(status)) {
    return undefined;
  }
  // A device file's place is its line (and column), as the CSV issues give it.
  if (target.csv && /\bline \d+/.test(parts.message)) {
    return undefined;
  }
  const field = parts.field;
  if (field !== undefined && target.family !== 'graph' && field !== '') {
    return undefined;
  }
  if (field !== undefined && names(parts.message, field)) {
    return undefined;
  }
  const words = new Set([...placeWords, ...routeWords, ...keysOf(sent.value)]);
  for (const word of words) {
    if (
      word.length >= 2 &&
      new RegExp(`(^|[^A-Za-z0-9_])${escapeRegExp(word)}($|[^A-Za-z0-9_])`, 'i').test(parts.message)
    ) {
      return undefined;
    }
  }
  return {
    signature: `${status} ${parts.code} ${field !== undefined ? `field "${field}" not in message` : 'no place'}`,
    detail: `${status} ${parts.code}${field !== undefined ? ` (field "${field}")` : ''}: the message names no place: "${parts.message.slice(0, 300)}"`,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The parameter names a route knows: every key of its seeds. */
function routeWordsOf(target: Target): Set<string> {
  const words = new Set<string>();
  for (const seed of target.seeds) {
    keysOf(seed, words);
  }
  if (target.form) {
    for (const w of ['grant_type', 'client_id', 'client_secret', 'scope', 'tenant']) {
      words.add(w);
    }
  }
  for (const w of target.query ?? []) {
    words.add(w);
  }
  return words;
}

// ---------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------

/** What one route's fuzzing found. */
export interface RouteReport {
  readonly key: string;
  readonly family: Family;
  cases: number;
  readonly statuses: Record<string, number>;
  violations: number;
  /** One shrunk counterexample per kind of violation. */
  readonly findings: Finding[];
  /** Faults of the worker that processed what the route accepted. */
  workerFaults: string[];
  ms: number;
}

export interface Finding {
  readonly route: string;
  readonly signature: string;
  readonly detail: string;
  /** The minimal request fast-check shrank to, as sent. */
  readonly request: string;
  readonly seed: number;
  readonly path: string | undefined;
  readonly occurrences: number;
}

/** Long runs of one character written as `‹[ × 3585›`, so a deep body reads in one line. */
export function compress(text: string): string {
  return text.replace(/(.)\1{15,}/gsu, (run: string, c: string) => `‹${c} × ${[...run].length}›`);
}

function describeRequest(target: Target, request: FuzzRequest, sent: Materialised): string {
  const payload =
    sent.payload === undefined
      ? '(no body)'
      : typeof sent.payload === 'string'
        ? sent.payload
        : `bytes ${sent.payload.toString('hex')}`;
  const shown = compress(payload);
  const headers =
    Object.keys(request.headers).length > 0 ? ` headers ${JSON.stringify(request.headers)}` : '';
  return `${target.method} ${target.url} as ${target.callers[request.caller]} content-type ${JSON.stringify(sent.contentType)}${headers} body ${shown.length > 600 ? `${shown.slice(0, 600)}… (${payload.length} chars)` : shown}`;
}

async function callerHeaders(world: FuzzWorld, caller: Caller): Promise<Record<string, string>> {
  if (caller === 'none') {
    return {};
  }
  if (!isPortalCaller(caller)) {
    return bearer(world.tokens[caller]);
  }
  const session = caller === 'portalFresh' ? await world.freshSession() : world.sessions[caller];
  return session.headers(true);
}

async function send(world: FuzzWorld, target: Target, request: FuzzRequest, sent: Materialised) {
  const caller = target.callers[request.caller]!;
  return world.app.inject({
    method: target.method as 'POST',
    url: target.url,
    headers: {
      ...(await callerHeaders(world, caller)),
      ...(sent.contentType !== null ? { 'content-type': sent.contentType } : {}),
      ...request.headers,
    },
    ...(sent.payload !== undefined ? { payload: sent.payload } : {}),
  });
}

/**
 * Fuzzes one route with `runs` cases. A violation fails the fast-check run, which shrinks
 * it to a minimal request; that kind of violation is then recorded and only counted from
 * there on, and the run goes on with the cases left, so one run finds each kind once.
 */
export async function fuzzRoute(
  world: FuzzWorld,
  target: Target,
  runs: number,
  seed: number,
): Promise<RouteReport> {
  const started = performance.now();
  const report: RouteReport = {
    key: target.key,
    family: target.family,
    cases: 0,
    statuses: {},
    violations: 0,
    findings: [],
    workerFaults: [],
    ms: 0,
  };
  const known = new Map<string, number>();
  const words = routeWordsOf(target);
  const errors = world.api.serverErrors;
  const check = async (request: FuzzRequest, counted: boolean): Promise<Violation | undefined> => {
    const sent = materialise(target, request.body);
    const before = errors.length;
    let response: LightMyRequestResponse;
    try {
      response = await send(world, target, request, sent);
    } catch (error) {
      return {
        signature: 'crash',
        detail: `inject rejected: ${String((error as Error)?.stack ?? error).slice(0, 600)}`,
      };
    }
    if (counted) {
      report.cases++;
      report.statuses[response.statusCode] = (report.statuses[response.statusCode] ?? 0) + 1;
    }
    const logged = errors.length > before ? loggedError(errors[before]!) : undefined;
    const violation = judge(target, sent, response, words);
    if (violation && logged) {
      // The server's own account of a fault tells faults of different causes apart.
      return {
        signature: `${violation.signature} ${logged.what}`,
        detail: `${violation.detail} — logged: ${logged.where}`,
      };
    }
    return (
      violation ??
      (logged
        ? { signature: `logged ${logged.what}`, detail: `server logged: ${logged.where}` }
        : undefined)
    );
  };
  let left = runs;
  let round = 0;
  while (left > 0) {
    const runSeed = (seed + round * 7919) | 0;
    const result = await fc.check(
      fc.asyncProperty(requestArbitrary(target), async (request) => {
        const violation = await check(request, true);
        if (!violation) {
          return true;
        }
        const seen = known.get(violation.signature);
        if (seen !== undefined) {
          known.set(violation.signature, seen + 1);
          report.violations++;
          return true;
        }
        throw new FuzzViolation(violation);
      }),
      { numRuns: left, seed: runSeed, endOnFailure: false, interruptAfterTimeLimit: 10 * 60_000 },
    );
    if (!result.failed) {
      break;
    }
    // numRuns counts the case that failed; the shrinking's cases were counted as sent.
    left -= Math.max(result.numRuns, 1);
    round++;
    const request = result.counterexample?.[0] as FuzzRequest | undefined;
    const error = result.errorInstance;
    const violation =
      error instanceof FuzzViolation
        ? error.violation
        : { signature: 'property', detail: String(error) };
    report.violations++;
    known.set(violation.signature, 1);
    // The shrunk request, judged again so the detail is the minimal one's.
    const minimal = request ? await check(request, false) : undefined;
    report.findings.push({
      route: target.key,
      signature: violation.signature,
      detail: (minimal ?? violation).detail,
      request: request
        ? describeRequest(target, request, materialise(target, request.body))
        : '(none)',
      seed: runSeed,
      path: result.counterexamplePath ?? undefined,
      occurrences: 1,
    });
    if (round > 20) {
      break;
    }
  }
  for (const finding of report.findings) {
    (finding as { occurrences: number }).occurrences = known.get(finding.signature) ?? 1;
  }
  // What the route accepted is processed as the worker would: a throw there is a fault.
  try {
    await drainBatches(world.api.deps);
  } catch (error) {
    report.workerFaults.push(String((error as Error)?.stack ?? error).slice(0, 600));
  }
  report.ms = performance.now() - started;
  return report;
}

/** The error of a server log line: its type and message, and the first frames of its stack. */
function loggedError(line: string): { what: string; where: string } {
  try {
    const entry = JSON.parse(line) as {
      msg?: string;
      err?: { type?: string; message?: string; stack?: string };
    };
    const what = `${entry.err?.type ?? 'log'}: ${(entry.err?.message ?? entry.msg ?? '').slice(0, 120)}`;
    const frames = (entry.err?.stack ?? '')
      .split('\n')
      .slice(1, 4)
      .map((f) => f.trim())
      .join(' ← ');
    return { what, where: `${what} ${frames}` };
  } catch {
    return { what: 'log', where: line.slice(0, 300) };
  }
}

class FuzzViolation extends Error {
  constructor(readonly violation: Violation) {
    super(violation.detail);
  }
}

// ---------------------------------------------------------------------------------------
// CSV bytes
// ---------------------------------------------------------------------------------------

/** Issue codes about one value, which must name their column when the file has one. */
const valueCategories = [
  'csv.hash.',
  'csv.serial.',
  'csv.pkid.',
  'csv.group_tag.',
  'csv.assigned_user.',
];

/** The seed files: the shared corpus when it is beside the repository, plus synthetic ones. */
export function csvSeeds(corpusDir?: string): { name: string; bytes: Buffer }[] {
  const seeds: { name: string; bytes: Buffer }[] = [];
  const dir =
    corpusDir ??
    process.env.PREFLIGHT_CSV_CORPUS ??
    path.resolve(process.cwd(), '../shared/corpus/csv');
  if (fs.existsSync(dir)) {
    for (const name of fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.csv'))
      .sort()) {
      seeds.push({ name, bytes: fs.readFileSync(path.join(dir, name)) });
    }
  }
  const devices = [0, 1, 2].map((i) => {
    const serialNumber = `CSV${i}`;
    return {
      serialNumber,
      hash: buildHardwareHash({ serialNumber, manufacturer: MANUFACTURER, model: MODEL }),
    };
  });
  seeds.push({
    name: 'synthetic-intune-4col-crlf.csv',
    bytes: Buffer.from(
      `Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n${devices
        .map((d, i) => `${d.serialNumber},,${d.hash},${i === 1 ? '"Sales, ""North"""' : 'Sales'}`)
        .join('\r\n')}\r\n`,
    ),
  });
  seeds.push({
    name: 'synthetic-partner-center-semicolon-utf16le.csv',
    bytes: Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        `Device serial number;Windows product ID;Hardware hash;Manufacturer name;Device model\n${devices
          .map((d) => `${d.serialNumber};;${d.hash};${MANUFACTURER};${MODEL}`)
          .join('\n')}\n`,
        'utf16le',
      ),
    ]),
  });
  seeds.push({
    name: 'synthetic-tuple-lf.csv',
    bytes: Buffer.from(
      'Manufacturer,Model,Serial Number\nContoso Devices,Laptop 7,T100\nContoso Devices,Laptop 7,T101\n',
    ),
  });
  return seeds;
}

type CsvDamage =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: readonly number[] }
  | { kind: 'bom'; which: 'utf8' | 'utf16le' | 'utf16be' }
  | { kind: 'delimiter'; from: number; to: number; all: boolean; at: number }
  | { kind: 'quote'; at: number; text: string }
  | { kind: 'eol'; to: string }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'utf16'; le: boolean };

const csvDamage: fc.Arbitrary<CsvDamage> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      at: position,
      mask: fc.integer({ min: 1, max: 255 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: position,
      length: fc.integer({ min: 1, max: 200 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      bytes: fc.oneof(
        fc.constantFrom(
          [0x22],
          [0x22, 0x22],
          [0x0a],
          [0x0d],
          [0x0d, 0x0a],
          [0x2c],
          [0x3b],
          [0x09],
          [0x00],
          [0xfc],
          [0xc3],
          [0xef, 0xbb, 0xbf],
          [0xff, 0xfe],
        ),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }),
      ),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('bom' as const),
      which: fc.constantFrom('utf8' as const, 'utf16le' as const, 'utf16be' as const),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('delimiter' as const),
      from: fc.constantFrom(0x2c, 0x3b, 0x09),
      to: fc.constantFrom(0x2c, 0x3b, 0x09, 0x7c, 0x20),
      all: fc.boolean(),
      at: position,
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('quote' as const),
      at: position,
      text: fc.constantFrom('"', '""', '"a"b"', '",', '"\r\n', ',"', '"""', '"=HYPERLINK(""x"")"'),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('eol' as const),
      to: fc.constantFrom('\n', '\r', '\r\n', '\n\r', '\u2028'),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('duplicateLine' as const), at: position }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('utf16' as const), le: fc.boolean() }), weight: 1 },
);

function damageCsv(bytes: Buffer<ArrayBufferLike>, d: CsvDamage): Buffer<ArrayBufferLike> {
  const at = (p: number) => Math.floor(p * bytes.length);
  switch (d.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      if (out.length > 0) {
        out[at(d.at)] = out[at(d.at)]! ^ d.mask;
      }
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, at(d.at));
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at(d.at)), bytes.subarray(at(d.at) + d.length)]);
    case 'insert':
      return Buffer.concat([
        bytes.subarray(0, at(d.at)),
        Buffer.from([...d.bytes]),
        bytes.subarray(at(d.at)),
      ]);
    case 'bom': {
      const bom = { utf8: [0xef, 0xbb, 0xbf], utf16le: [0xff, 0xfe], utf16be: [0xfe, 0xff] }[
        d.which
      ];
      return Buffer.concat([Buffer.from(bom), bytes]);
    }
    case 'delimiter': {
      const out = Buffer.from(bytes);
      if (d.all) {
        for (let i = 0; i < out.length; i++) {
          if (out[i] === d.from) {
            out[i] = d.to;
          }
        }
      } else {
        const i = out.indexOf(d.from, at(d.at));
        if (i >= 0) {
          out[i] = d.to;
        }
      }
      return out;
    }
    case 'quote':
      return Buffer.concat([
        bytes.subarray(0, at(d.at)),
        Buffer.from(d.text),
        bytes.subarray(at(d.at)),
      ]);
    case 'eol':
      return Buffer.from(bytes.toString('latin1').replace(/\r\n|\r|\n/g, d.to), 'latin1');
    case 'duplicateLine': {
      const text = bytes.toString('latin1');
      const lines = text.split('\n');
      const i = Math.floor(d.at * lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 'utf16': {
      const text = bytes.toString('utf8');
      const le = Buffer.from(text, 'utf16le');
      if (d.le) {
        return le;
      }
      const be = Buffer.from(le);
      be.swap16();
      return be;
    }
  }
}

type CsvCase =
  | { kind: 'bytes'; bytes: Uint8Array; chunk: number }
  | { kind: 'text'; text: string; chunk: number }
  | { kind: 'mutated'; seed: number; damage: CsvDamage[]; chunk: number; service: boolean };

function csvCaseArbitrary(seeds: number): fc.Arbitrary<CsvCase> {
  const chunk = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 64 }),
    fc.integer({ min: 65, max: 9000 }),
  );
  return fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('bytes' as const),
        bytes: fc.uint8Array({ maxLength: 2048 }),
        chunk,
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('text' as const),
        text: fc.string({
          unit: fc.constantFrom(
            'a',
            'Z',
            '0',
            ',',
            ';',
            '\t',
            '"',
            '\r',
            '\n',
            ' ',
            '=',
            '+',
            '/',
            'é',
            '\u0000',
            'Device Serial Number',
            'Hardware Hash',
            'Windows Product ID',
            'Group Tag',
            'sep=,',
          ),
          maxLength: 60,
        }),
        chunk,
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('mutated' as const),
        seed: fc.nat({ max: seeds - 1 }),
        damage: fc.array(csvDamage, { minLength: 1, maxLength: 5 }),
        chunk,
        service: fc.boolean(),
      }),
      weight: 8,
    },
  );
}

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, i + size);
  }
}

/** Checks one CSV input; the violation, or undefined. */
async function checkCsvCase(
  bytes: Buffer,
  chunk: number,
  service: { run: (bytes: Buffer) => Promise<void> } | undefined,
): Promise<Violation | undefined> {
  let report;
  try {
    report = await checkCsv(bytes);
  } catch (error) {
    return {
      signature: 'csv throws',
      detail: `checkCsv threw: ${String((error as Error)?.stack ?? error).slice(0, 600)}`,
    };
  }
  for (const issue of report.issues) {
    const bad = issueProblem(issue, report.lines);
    if (bad) {
      return bad;
    }
  }
  const errors = report.issues.filter((i) => i.severity === 'error').length;
  if (report.ok !== (errors === 0)) {
    return { signature: 'csv ok', detail: `ok is ${report.ok} with ${errors} errors` };
  }
  // Read as a stream: `file` first (unless the file is not text), one `end` last, record
  // lines increasing, no row issue before its row; and in small chunks, the same events.
  let whole: string;
  try {
    whole = await eventDigest(readDeviceCsv(bytes));
  } catch (error) {
    return {
      signature: 'csv stream throws',
      detail: `readDeviceCsv threw: ${String((error as Error)?.stack ?? error).slice(0, 600)}`,
    };
  }
  if (whole.startsWith('!')) {
    return { signature: 'csv events', detail: whole.slice(1) };
  }
  if (chunk > 0) {
    let parts: string;
    try {
      parts = await eventDigest(readDeviceCsv(chunks(bytes, chunk)));
    } catch (error) {
      return {
        signature: 'csv stream throws',
        detail: `readDeviceCsv threw on chunks of ${chunk}: ${String((error as Error)?.stack ?? error).slice(0, 600)}`,
      };
    }
    if (parts !== whole) {
      return {
        signature: 'csv chunking',
        detail: `read in chunks of ${chunk} bytes, the events differ from one read`,
      };
    }
  }
  if (service) {
    try {
      await service.run(bytes);
    } catch (error) {
      if (!isPreflightError(error)) {
        return {
          signature: 'csv service throws',
          detail: `the registration service threw a non-Preflight error: ${String((error as Error)?.stack ?? error).slice(0, 600)}`,
        };
      }
      if (error.code === 'csv.file_rejected' && !/line \d+/.test(error.message)) {
        return {
          signature: 'csv service no line',
          detail: `csv.file_rejected without a line: ${error.message}`,
        };
      }
    }
  }
  return undefined;
}

/**
 * The events of a read as one comparable text; a text starting with "!" says what is out
 * of order.
 */
async function eventDigest(events: AsyncIterable<CsvEvent>): Promise<string> {
  const out: string[] = [];
  let last = 0;
  let ends = 0;
  let index = 0;
  for await (const event of events) {
    if (ends > 0) {
      return `!an event after end: ${event.kind}`;
    }
    if (index === 0 && event.kind === 'record') {
      return '!the first event is a record';
    }
    index++;
    if (event.kind === 'record') {
      const r = event.record;
      if (r.line <= last) {
        return `!record lines not increasing: ${r.line} after ${last}`;
      }
      last = r.line;
      const early = r.issues.find((i) => i.line < r.line);
      if (early) {
        return `!issue ${early.code} on line ${early.line}, before its row's line ${r.line}`;
      }
      out.push(
        `r${r.line}:${r.importable}:${JSON.stringify(r.device)}:${r.issues.map((i) => `${i.code}@${i.line}/${i.column}`).join(',')}`,
      );
    } else if (event.kind === 'file') {
      out.push(
        `f:${event.file.layout}:${event.file.delimiter}:${event.issues.map((i) => `${i.code}@${i.line}`).join(',')}`,
      );
    } else {
      ends++;
      const { ok, rows, devices, errors, warnings, lines } = event.summary;
      out.push(
        `e:${ok}:${rows}:${devices}:${errors}:${warnings}:${lines}:${event.issues.map((i) => `${i.code}@${i.line}`).join(',')}`,
      );
    }
  }
  return ends === 1 ? out.join('\n') : `!${ends} end events`;
}

function issueProblem(issue: CsvIssue, lines: number): Violation | undefined {
  if (!(issue.code in issueCatalogue) || issue.severity !== issueCatalogue[issue.code].severity) {
    return {
      signature: `csv ${issue.code} catalogue`,
      detail: `issue ${issue.code} not in the catalogue or wrong severity`,
    };
  }
  if (!Number.isInteger(issue.line) || issue.line < 1 || issue.line > Math.max(lines, 1)) {
    return {
      signature: `csv ${issue.code} line`,
      detail: `issue ${issue.code} on line ${issue.line} of a ${lines}-line file`,
    };
  }
  if (issue.message.trim() === '' || issue.hint.trim() === '') {
    return {
      signature: `csv ${issue.code} text`,
      detail: `issue ${issue.code} without message or hint`,
    };
  }
  if (valueCategories.some((c) => issue.code.startsWith(c)) && issue.column === null) {
    return {
      signature: `csv ${issue.code} column`,
      detail: `issue ${issue.code} on line ${issue.line} names no column: ${issue.message}`,
    };
  }
  return undefined;
}

export interface CsvFuzzReport {
  cases: number;
  /** Inputs also sent through the registration service (a rolled-back dry run). */
  serviceCases: number;
  seeds: string[];
  violations: number;
  findings: Finding[];
  issueCodes: Record<string, number>;
  ms: number;
}

/**
 * Fuzzes the CSV reader: arbitrary bytes, arbitrary CSV-ish text, and damaged seed
 * files; each also read in small chunks, and half of the damaged ones also given to the
 * registration service (`csvRows` into a dry run, which is rolled back).
 */
export async function fuzzCsv(
  world: FuzzWorld | undefined,
  runs: number,
  seed: number,
  corpusDir?: string,
): Promise<CsvFuzzReport> {
  const started = performance.now();
  const seeds = csvSeeds(corpusDir);
  const report: CsvFuzzReport = {
    cases: 0,
    serviceCases: 0,
    seeds: seeds.map((s) => s.name),
    violations: 0,
    findings: [],
    issueCodes: {},
    ms: 0,
  };
  const service = world
    ? {
        run: async (bytes: Buffer) => {
          report.serviceCases++;
          await dryRunBatch(
            world.api.deps,
            operator,
            { customer: world.ids.customerId, registrar: world.ids.partnerId },
            {
              source: 'cli',
              fileName: 'fuzz.csv',
              groupTag: null,
              clientBatchId: null,
              strictTags: false,
              rows: csvRows(bytes, { fileName: 'fuzz.csv' }).rows,
            },
          );
        },
      }
    : undefined;
  const bytesOf = (c: CsvCase): Buffer => {
    switch (c.kind) {
      case 'bytes':
        return Buffer.from(c.bytes);
      case 'text':
        return Buffer.from(c.text, 'utf8');
      case 'mutated': {
        let bytes = seeds[c.seed % seeds.length]!.bytes;
        for (const d of c.damage) {
          bytes = damageCsv(bytes, d);
        }
        return bytes;
      }
    }
  };
  const known = new Map<string, number>();
  let left = runs;
  let round = 0;
  while (left > 0) {
    const runSeed = (seed + 104_729 + round * 7919) | 0;
    const result = await fc.check(
      fc.asyncProperty(csvCaseArbitrary(seeds.length), async (c) => {
        report.cases++;
        const bytes = bytesOf(c);
        const violation = await checkCsvCase(
          bytes,
          c.chunk,
          c.kind === 'mutated' && c.service ? service : undefined,
        );
        if (!violation) {
          return true;
        }
        const seen = known.get(violation.signature);
        if (seen !== undefined) {
          known.set(violation.signature, seen + 1);
          report.violations++;
          return true;
        }
        throw new FuzzViolation(violation);
      }),
      { numRuns: left, seed: runSeed },
    );
    if (!result.failed) {
      break;
    }
    left -= Math.max(result.numRuns, 1);
    round++;
    const c = result.counterexample?.[0] as CsvCase | undefined;
    const error = result.errorInstance;
    const violation =
      error instanceof FuzzViolation
        ? error.violation
        : { signature: 'property', detail: String(error) };
    report.violations++;
    known.set(violation.signature, 1);
    const bytes = c ? bytesOf(c) : Buffer.alloc(0);
    report.findings.push({
      route: 'csv',
      signature: violation.signature,
      detail: violation.detail,
      request: c
        ? `${c.kind === 'mutated' ? `seed ${seeds[c.seed % seeds.length]!.name} damaged by ${JSON.stringify(c.damage)}` : c.kind} chunk ${c.chunk}: bytes ${bytes.toString('hex').slice(0, 1200)}`
        : '(none)',
      seed: runSeed,
      path: result.counterexamplePath ?? undefined,
      occurrences: 1,
    });
    if (round > 20) {
      break;
    }
  }
  for (const finding of report.findings) {
    (finding as { occurrences: number }).occurrences = known.get(finding.signature) ?? 1;
  }
  report.ms = performance.now() - started;
  return report;
}

/** Counts issue codes over the seed files (for the report: which checks the seeds reach). */
export async function seedIssueCodes(corpusDir?: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const s of csvSeeds(corpusDir)) {
    for (const issue of (await checkCsv(s.bytes)).issues) {
      counts[issue.code] = (counts[issue.code] ?? 0) + 1;
    }
  }
  return counts;
}
