/**
 * The isolation trial (issue 8, trial 5): a scripted tour, beyond the route matrix, in
 * which partners and a customer try every way we could think of to read or change another
 * partner's batches and another customer's devices. Every attempt must be refused, or
 * answered without any of the victim's data.
 *
 * The world: partner P1 consented by customer C1; partner P2 consented by customer C2;
 * partner P3 consented by C1 too (a rival on the same customer). P1 registers devices for
 * C1 through Partner Center (a 105-device batch, so its listing has a continuation token)
 * and through Graph's import with a C1-tenant token, creates a policy and applies it.
 * Then P2, P3 and C2's own client attack; tampered and expired tokens are tried; C1
 * revokes P1, and P1's tokens are tried again. At the end, P1's data must be intact.
 * @module
 */
import { generateKeyPair, SignJWT } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { buildHardwareHash } from '../src/domain/hardware-hash.js';
import type { Organisation } from '../src/domain/organisation.js';
import { revokeRelationship } from '../src/services/relationships.js';
import type { Database } from '../src/store/database.js';
import {
  apiClient,
  bearer,
  buildTrialApi,
  consent,
  drainBatches,
  newCustomer,
  newRegistrar,
  requestToken,
  tokenFor,
  type ClientCredentials,
  type TrialApi,
} from './in-process.js';

/** What an attempt must get. */
export type Expectation =
  /** Any 4xx (401, 403, 404, or 400 for an id or token that is not valid there). */
  | 'refused'
  /** Exactly 401: the token itself is not accepted. */
  | 'unauthenticated'
  /** Any status below 500, as long as none of the victim's data is in the body. */
  | 'noData';

export interface Attempt {
  readonly category: string;
  readonly label: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly expect: Expectation;
  readonly status: number;
  /** Why the attempt broke isolation; undefined when it held. */
  readonly breach: string | undefined;
}

export interface TourReport {
  readonly attempts: Attempt[];
  /** Checks after the tour that P1's data is still there, unchanged. */
  readonly integrity: { label: string; breach: string | undefined }[];
  /** The victim's values searched for in every body. */
  readonly secrets: number;
  readonly ms: number;
}

const MANUFACTURER = 'Litware Secret Devices';
const MODEL = 'Victim 9';

function device(serialNumber: string) {
  return {
    serialNumber,
    hardwareHash: buildHardwareHash({ serialNumber, manufacturer: MANUFACTURER, model: MODEL }),
  };
}

type Json = Record<string, unknown>;

/** The pieces of a JWT, and one put back together from (possibly changed) pieces. */
function jwtParts(token: string): { header: Json; payload: Json; signature: string } {
  const [h, p, s] = token.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Json,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Json,
    signature: s,
  };
}
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
function jwt(header: Json, payload: Json, signature: string): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

/**
 * Builds the world, runs the tour and returns every attempt. `database` is a fresh,
 * migrated database.
 */
export async function runIsolationTour(database: Database): Promise<TourReport> {
  const started = performance.now();
  const api: TrialApi = await buildTrialApi(database);
  const { app, deps, clock } = api;

  // --- the world -----------------------------------------------------------------------
  const c1 = await newCustomer(deps, 'Contoso Victim');
  const c2 = await newCustomer(deps, 'Northwind Other');
  const p1 = await newRegistrar(deps, 'P1 Secretco Resellers');
  const p2 = await newRegistrar(deps, 'P2 Intruder Partners');
  const p3 = await newRegistrar(deps, 'P3 Rival Resellers');
  const p1c1 = await consent(deps, p1, c1);
  await consent(deps, p2, c2);
  await consent(deps, p3, c1);
  const clients = {
    p1Agent: await apiClient(deps, p1, ['agent']),
    p1Admin: await apiClient(deps, p1, ['admin']),
    p2Agent: await apiClient(deps, p2, ['agent']),
    p2Admin: await apiClient(deps, p2, ['admin']),
    p3Agent: await apiClient(deps, p3, ['agent']),
    p3Admin: await apiClient(deps, p3, ['admin']),
    c1Admin: await apiClient(deps, c1.org, ['admin']),
    c2Admin: await apiClient(deps, c2.org, ['admin']),
  };
  const t = {
    p1: await tokenFor(app, clients.p1Agent),
    p1Admin: await tokenFor(app, clients.p1Admin),
    p1ForC1: await tokenFor(app, clients.p1Agent, c1.org.id),
    p2: await tokenFor(app, clients.p2Agent),
    p2Admin: await tokenFor(app, clients.p2Admin),
    p2ForC2: await tokenFor(app, clients.p2Agent, c2.org.id),
    p3: await tokenFor(app, clients.p3Agent),
    p3Admin: await tokenFor(app, clients.p3Admin),
    p3ForC1: await tokenFor(app, clients.p3Agent, c1.org.id),
    c1: await tokenFor(app, clients.c1Admin),
    c2: await tokenFor(app, clients.c2Admin),
  };

  const inject = (
    method: Attempt['method'],
    url: string,
    token: string | null,
    options: { payload?: unknown; headers?: Record<string, string> } = {},
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...(token !== null ? bearer(token) : {}),
        ...(options.payload !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.payload !== undefined ? { payload: JSON.stringify(options.payload) } : {}),
    });
  const must = async (response: Promise<LightMyRequestResponse>, status: number, what: string) => {
    const r = await response;
    if (r.statusCode !== status) {
      throw new Error(`setting up the isolation world: ${what}: ${r.statusCode} ${r.body}`);
    }
    return r;
  };
  const pc = (customer: Organisation | string) =>
    `/v1/customers/${typeof customer === 'string' ? customer : customer.id}`;
  const graph = '/beta/deviceManagement';
  const graphV1 = '/v1.0/deviceManagement';

  // --- P1's data -----------------------------------------------------------------------
  const batchName = 'P1-Secret-Batch';
  const pcDevices = Array.from({ length: 105 }, (_, i) =>
    device(`P1SECRET${String(i).padStart(3, '0')}`),
  );
  const upload = await must(
    inject('POST', `${pc(c1.org)}/deviceBatches`, t.p1, {
      payload: { batchId: batchName, devices: pcDevices },
      headers: { 'ms-requestid': '11111111-1111-4111-8111-111111111111' },
    }),
    202,
    'P1 batch',
  );
  const uploadTracking = String(upload.headers.location).split('/').pop()!;
  const graphDevices = [device('P1GRAPH001'), device('P1GRAPH002')];
  const imported = await must(
    inject('POST', `${graph}/importedWindowsAutopilotDeviceIdentities/import`, t.p1ForC1, {
      payload: {
        importedWindowsAutopilotDeviceIdentities: graphDevices.map((d) => ({
          serialNumber: d.serialNumber,
          hardwareIdentifier: d.hardwareHash,
          groupTag: 'P1-Secret-Tag',
        })),
      },
    }),
    200,
    'P1 Graph import',
  );
  const importIds = (imported.json() as { value: { id: string }[] }).value.map((r) => r.id);
  await drainBatches(deps);

  const page1 = await must(
    inject('GET', `${pc(c1.org)}/deviceBatches/${batchName}/devices`, t.p1),
    200,
    'P1 listing',
  );
  const listing = page1.json() as {
    items: { id: string; serialNumber: string }[];
    continuationToken?: string;
  };
  const continuation = listing.continuationToken;
  if (!continuation) {
    throw new Error('setting up the isolation world: P1 listing has no continuation token');
  }
  const page2 = await must(
    inject('GET', `${pc(c1.org)}/deviceBatches/${batchName}/devices`, t.p1, {
      headers: { 'ms-continuationtoken': continuation },
    }),
    200,
    'P1 listing page 2',
  );
  const pcDeviceIds = [
    ...listing.items,
    ...(page2.json() as { items: { id: string }[] }).items,
  ].map((d) => d.id);
  const graphList = await must(
    inject('GET', `${graph}/windowsAutopilotDeviceIdentities?$top=1000`, t.p1ForC1),
    200,
    'P1 Graph devices',
  );
  const graphIdentities = (graphList.json() as { value: { id: string; serialNumber: string }[] })
    .value;
  const graphDeviceIds = graphIdentities
    .filter((d) => d.serialNumber.startsWith('P1GRAPH'))
    .map((d) => d.id);
  const p1NextLink = (
    (
      await must(
        inject('GET', `${graph}/windowsAutopilotDeviceIdentities?$top=1`, t.p1ForC1),
        200,
        'P1 next link',
      )
    ).json() as { '@odata.nextLink'?: string }
  )['@odata.nextLink'];
  const policy = await must(
    inject('POST', `${pc(c1.org)}/policies`, t.p1Admin, {
      payload: {
        name: 'P1 Secret Policy',
        category: 'o_o_b_e',
        description: 'P1 only',
        policySettings: ['skip_eula'],
      },
    }),
    200,
    'P1 policy',
  );
  const policyId = (policy.json() as { id: string }).id;
  const applied = await must(
    inject('PATCH', `${pc(c1.org)}/DevicePolicyUpdates`, t.p1Admin, {
      payload: {
        devices: [{ id: pcDeviceIds[0], policies: [{ key: 'o_o_b_e', value: policyId }] }],
      },
    }),
    202,
    'P1 policy update',
  );
  const policyTracking = String(applied.headers.location).split('/').pop()!;
  // P3's own data on C1, so its listings are not empty by construction.
  await must(
    inject('POST', `${pc(c1.org)}/deviceBatches`, t.p3, {
      payload: { batchId: 'P3-Own', devices: [device('P3OWN001')] },
    }),
    202,
    'P3 batch',
  );
  const p3Policy = (
    (
      await must(
        inject('POST', `${pc(c1.org)}/policies`, t.p3Admin, {
          payload: { name: 'P3 Policy', category: 'o_o_b_e' },
        }),
        200,
        'P3 policy',
      )
    ).json() as { id: string }
  ).id;
  await drainBatches(deps);
  const p3DeviceId = (
    (
      await must(
        inject('GET', `${pc(c1.org)}/deviceBatches/P3-Own/devices`, t.p3),
        200,
        'P3 devices',
      )
    ).json() as {
      items: { id: string }[];
    }
  ).items[0]!.id;

  const p1DeviceIds = [...pcDeviceIds, ...graphDeviceIds];
  if (
    pcDeviceIds.length !== 105 ||
    graphDeviceIds.length !== 2 ||
    importIds.length !== 2 ||
    !p1NextLink
  ) {
    throw new Error('setting up the isolation world: P1 data incomplete');
  }
  /** Everything of P1's that no one else may see. */
  const secrets = [
    ...p1DeviceIds,
    ...pcDevices.map((d) => d.serialNumber),
    ...graphDevices.map((d) => d.serialNumber),
    ...importIds,
    batchName,
    'P1-Secret-Tag',
    policyId,
    'P1 Secret Policy',
    uploadTracking,
    policyTracking,
    p1.id,
    p1.displayName,
    clients.p1Agent.clientId,
    clients.p1Admin.clientId,
    ...pcDevices.slice(0, 3).map((d) => d.hardwareHash.slice(0, 64)),
  ];

  // --- the tour --------------------------------------------------------------------------
  const attempts: Attempt[] = [];
  const attempt = async (
    category: string,
    label: string,
    method: Attempt['method'],
    url: string,
    token: string | null,
    expect: Expectation,
    options: { payload?: unknown; headers?: Record<string, string>; known?: string } = {},
  ): Promise<LightMyRequestResponse> => {
    const response = await inject(method, url, token, options);
    // What the attacker sent, or sent before (`known`), may come back to it.
    const sent =
      `${url} ${JSON.stringify(options.payload ?? '')} ${JSON.stringify(options.headers ?? {})} ${options.known ?? ''}`.toLowerCase();
    // The body and the headers (a Location names a job, a nextLink a position).
    const body = `${response.body} ${JSON.stringify(response.headers)}`.toLowerCase();
    // A value the attacker sent itself may be echoed back; the others must not appear.
    const leaked = secrets.filter(
      (s) => !sent.includes(s.toLowerCase()) && body.includes(s.toLowerCase()),
    );
    const status = response.statusCode;
    let breach: string | undefined;
    if (status >= 500) {
      breach = `server error ${status}`;
    } else if (expect === 'unauthenticated' && status !== 401) {
      breach = `expected 401, got ${status}`;
    } else if (expect === 'refused' && (status < 400 || status === 429)) {
      breach = `expected a refusal, got ${status}`;
    }
    if (leaked.length > 0) {
      breach = `${breach ? `${breach}; ` : ''}body holds P1's ${leaked.slice(0, 3).join(', ')}${leaked.length > 3 ? ` (+${leaked.length - 3})` : ''}`;
    }
    attempts.push({ category, label, method, url, expect, status, breach });
    return response;
  };

  const attackers = [
    { name: 'P2', own: t.p2, admin: t.p2Admin, customerPath: pc(c2.org), tenantToken: t.p2ForC2 },
    { name: 'P3', own: t.p3, admin: t.p3Admin, customerPath: pc(c1.org), tenantToken: t.p3ForC1 },
  ];
  const someP1Device = pcDeviceIds[7]!;
  const p1GraphDevice = graphDeviceIds[0]!;

  // 1. Partner Center: P1's batch, devices, jobs and policy, on C1's path and on one's own.
  for (const a of attackers) {
    const cat = `Partner Center, ${a.name} on C1's path`;
    const c = pc(c1.org);
    await attempt(
      cat,
      'list C1 batches',
      'GET',
      `${c}/deviceBatches`,
      a.own,
      a.name === 'P2' ? 'refused' : 'noData',
    );
    for (const name of [
      batchName,
      batchName.toLowerCase(),
      `${batchName} `,
      encodeURIComponent(`${batchName}/..`),
    ]) {
      await attempt(
        cat,
        `list devices of batch "${name}"`,
        'GET',
        `${c}/deviceBatches/${name}/devices`,
        a.own,
        'refused',
      );
    }
    await attempt(
      cat,
      'delete a P1 device through P1 batch',
      'DELETE',
      `${c}/deviceBatches/${batchName}/devices/${someP1Device}`,
      a.admin,
      'refused',
    );
    await attempt(
      cat,
      'delete a P1 device through own batch',
      'DELETE',
      `${c}/deviceBatches/P3-Own/devices/${someP1Device}`,
      a.admin,
      'refused',
    );
    await attempt(
      cat,
      'delete a P1 Graph-imported device',
      'DELETE',
      `${c}/deviceBatches/${batchName}/devices/${p1GraphDevice}`,
      a.admin,
      'refused',
    );
    await attempt(
      cat,
      'P1 upload job status',
      'GET',
      `${c}/batchJobStatus/${uploadTracking}`,
      a.own,
      'refused',
    );
    await attempt(
      cat,
      'P1 policy-update job status',
      'GET',
      `${c}/batchJobStatus/${policyTracking}`,
      a.own,
      'refused',
    );
    await attempt(
      cat,
      'P1 Graph import id as job',
      'GET',
      `${c}/batchJobStatus/${importIds[0]}`,
      a.own,
      'refused',
    );
    await attempt(
      cat,
      'list C1 policies',
      'GET',
      `${c}/policies`,
      a.own,
      a.name === 'P2' ? 'refused' : 'noData',
    );
    await attempt(cat, 'read P1 policy', 'GET', `${c}/policies/${policyId}`, a.own, 'refused');
    await attempt(cat, 'rename P1 policy', 'PUT', `${c}/policies/${policyId}`, a.admin, 'refused', {
      payload: { name: 'Hijacked' },
    });
    await attempt(
      cat,
      'delete P1 policy',
      'DELETE',
      `${c}/policies/${policyId}`,
      a.admin,
      'refused',
    );
    await attempt(
      cat,
      'apply own policy to a P1 device',
      'PATCH',
      `${c}/DevicePolicyUpdates`,
      a.admin,
      'refused',
      {
        payload: {
          devices: [{ id: someP1Device, policies: [{ key: 'o_o_b_e', value: p3Policy }] }],
        },
      },
    );
    await attempt(
      cat,
      'apply P1 policy to own device',
      'PATCH',
      `${c}/DevicePolicyUpdates`,
      a.admin,
      'refused',
      {
        payload: { devices: [{ id: p3DeviceId, policies: [{ key: 'o_o_b_e', value: policyId }] }] },
      },
    );
    await attempt(
      cat,
      'remove P1 policy from a P1 device',
      'PATCH',
      `${c}/DevicePolicyUpdates`,
      a.admin,
      'refused',
      {
        payload: { devices: [{ id: pcDeviceIds[0], policies: [{ key: 'o_o_b_e', value: null }] }] },
      },
    );
    await attempt(
      cat,
      'add devices to P1 batch',
      'POST',
      `${c}/deviceBatches/${batchName}/devices`,
      a.own,
      'refused',
      {
        payload: [device(`${a.name}ADD001`)],
      },
    );
    await attempt(
      cat,
      "replay P1's MS-RequestId with P1's devices",
      'POST',
      `${c}/deviceBatches`,
      a.own,
      a.name === 'P2' ? 'refused' : 'noData',
      {
        payload: { batchId: `${a.name}-Replay`, devices: pcDevices.slice(0, 1) },
        headers: { 'ms-requestid': '11111111-1111-4111-8111-111111111111' },
      },
    );
    await attempt(
      cat,
      'customer id in upper case',
      'GET',
      `${pc(c1.org.id.toUpperCase())}/deviceBatches/${batchName}/devices`,
      a.own,
      'refused',
    );
    await attempt(
      cat,
      'customer domain instead of id',
      'GET',
      `${pc(c1.org.domain ?? 'x')}/deviceBatches/${batchName}/devices`,
      a.own,
      'refused',
    );
    if (a.name === 'P2') {
      await attempt(
        cat,
        "C1 path with a token for one's own customer",
        'GET',
        `${c}/deviceBatches/${batchName}/devices`,
        a.tenantToken,
        'refused',
      );
    } else {
      await attempt(
        cat,
        'C1 path with a token for C1',
        'GET',
        `${c}/deviceBatches/${batchName}/devices`,
        a.tenantToken,
        'refused',
      );
    }
    await attempt(cat, 'list C1 customers', 'GET', '/v1/customers', a.own, 'noData');
    await attempt(
      cat,
      'consent check of C1 (validation)',
      'POST',
      '/v1/deviceSubmissionValidations',
      a.own,
      'noData',
      {
        payload: { tenants: [c1.org.id, c1.org.domain] },
      },
    );

    if (a.name === 'P3') {
      // P3's only customer is C1: its own customer's path is C1's, toured above.
      continue;
    }
    const own = `Partner Center, ${a.name} on its own customer's path with P1's ids`;
    const o = a.customerPath;
    await attempt(
      own,
      'list devices of P1 batch name',
      'GET',
      `${o}/deviceBatches/${batchName}/devices`,
      a.own,
      'refused',
    );
    await attempt(
      own,
      'delete a P1 device',
      'DELETE',
      `${o}/deviceBatches/${batchName}/devices/${someP1Device}`,
      a.admin,
      'refused',
    );
    await attempt(
      own,
      'P1 upload job status',
      'GET',
      `${o}/batchJobStatus/${uploadTracking}`,
      a.own,
      'refused',
    );
    await attempt(
      own,
      'P1 policy-update job status',
      'GET',
      `${o}/batchJobStatus/${policyTracking}`,
      a.own,
      'refused',
    );
    await attempt(own, 'read P1 policy', 'GET', `${o}/policies/${policyId}`, a.own, 'refused');
    await attempt(own, 'rename P1 policy', 'PUT', `${o}/policies/${policyId}`, a.admin, 'refused', {
      payload: { name: 'Hijacked' },
    });
    await attempt(
      own,
      'delete P1 policy',
      'DELETE',
      `${o}/policies/${policyId}`,
      a.admin,
      'refused',
    );
    await attempt(
      own,
      'apply P1 policy to a P1 device',
      'PATCH',
      `${o}/DevicePolicyUpdates`,
      a.admin,
      'refused',
      {
        payload: {
          devices: [{ id: someP1Device, policies: [{ key: 'o_o_b_e', value: policyId }] }],
        },
      },
    );
  }

  // 2. Continuation tokens: P1's MS-ContinuationToken replayed by others.
  {
    const cat = 'continuation tokens of P1';
    const headers = { 'ms-continuationtoken': continuation };
    await attempt(
      cat,
      'P3 replays it on P1 batch',
      'GET',
      `${pc(c1.org)}/deviceBatches/${batchName}/devices`,
      t.p3,
      'refused',
      { headers },
    );
    await attempt(
      cat,
      'P3 replays it on its own batch',
      'GET',
      `${pc(c1.org)}/deviceBatches/P3-Own/devices`,
      t.p3,
      'noData',
      { headers },
    );
    await attempt(
      cat,
      'P2 replays it on its own customer',
      'GET',
      `${pc(c2.org)}/deviceBatches/${batchName}/devices`,
      t.p2,
      'refused',
      { headers },
    );
    const nextPath = new URL(p1NextLink).pathname + new URL(p1NextLink).search;
    await attempt(cat, "P3 follows P1's Graph nextLink", 'GET', nextPath, t.p3ForC1, 'noData');
    await attempt(cat, "C2 follows P1's Graph nextLink", 'GET', nextPath, t.c2, 'noData');
    await attempt(cat, "P2 follows P1's Graph nextLink", 'GET', nextPath, t.p2ForC2, 'noData');
  }
  // 3. Graph: other tenants' tokens, and P3's own C1 token, on P1's devices and imports.
  const graphAttackers = [
    { name: 'P3 (C1 token)', token: t.p3ForC1 },
    { name: 'P2 (C2 token)', token: t.p2ForC2 },
    { name: 'C2 (own token)', token: t.c2 },
  ];
  for (const a of graphAttackers) {
    const cat = `Graph, ${a.name}`;
    for (const base of [graph, graphV1]) {
      const devices = `${base}/windowsAutopilotDeviceIdentities`;
      const imports = `${base}/importedWindowsAutopilotDeviceIdentities`;
      await attempt(
        cat,
        `${base} list devices`,
        'GET',
        `${devices}?$top=1000&$count=true`,
        a.token,
        'noData',
      );
      for (const id of [someP1Device, p1GraphDevice]) {
        await attempt(
          cat,
          `${base} read a P1 device`,
          'GET',
          `${devices}/${id}`,
          a.token,
          'refused',
        );
        await attempt(
          cat,
          `${base} update a P1 device`,
          'POST',
          `${devices}/${id}/updateDeviceProperties`,
          a.token,
          'refused',
          {
            payload: { groupTag: 'Hijacked' },
          },
        );
        await attempt(
          cat,
          `${base} assign a user to a P1 device`,
          'POST',
          `${devices}/${id}/assignUserToDevice`,
          a.token,
          'refused',
          {
            payload: { userPrincipalName: 'mallory@evil.example' },
          },
        );
        await attempt(
          cat,
          `${base} unassign a P1 device`,
          'POST',
          `${devices}/${id}/unassignUserFromDevice`,
          a.token,
          'refused',
        );
        await attempt(
          cat,
          `${base} delete a P1 device`,
          'DELETE',
          `${devices}/${id}`,
          a.token,
          'refused',
        );
      }
      await attempt(cat, `${base} list imports`, 'GET', `${imports}?$top=1000`, a.token, 'noData');
      for (const id of importIds) {
        await attempt(
          cat,
          `${base} read a P1 import`,
          'GET',
          `${imports}/${id}`,
          a.token,
          'refused',
        );
        await attempt(
          cat,
          `${base} delete a P1 import`,
          'DELETE',
          `${imports}/${id}`,
          a.token,
          'refused',
        );
      }
      await attempt(
        cat,
        `${base} $skiptoken = a P1 device id`,
        'GET',
        `${devices}?$skiptoken=${someP1Device}`,
        a.token,
        'noData',
      );
      await attempt(
        cat,
        `${base} read P1 policy as a profile`,
        'GET',
        `${base}/windowsAutopilotDeploymentProfiles/${policyId}`,
        a.token,
        'refused',
      );
      await attempt(
        cat,
        `${base} delete P1 policy as a profile`,
        'DELETE',
        `${base}/windowsAutopilotDeploymentProfiles/${policyId}`,
        a.token,
        'refused',
      );
      await attempt(
        cat,
        `${base} devices of P1 policy`,
        'GET',
        `${base}/windowsAutopilotDeploymentProfiles/${policyId}/assignedDevices`,
        a.token,
        'noData',
      );
      await attempt(
        cat,
        `${base} assign P1 policy`,
        'POST',
        `${base}/windowsAutopilotDeploymentProfiles/${policyId}/assignments`,
        a.token,
        'refused',
        {
          payload: { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } },
        },
      );
    }
  }

  // 4. $filter injection on Graph lists, as P3 with its C1 token and as C2.
  const filters = [
    "serialNumber eq 'x' or 1 eq 1",
    "serialNumber eq 'x' or serialNumber ne 'x'",
    "serialNumber eq 'x'' or ''1'' eq ''1'",
    "serialNumber eq 'x') or (1 eq 1",
    "serialNumber eq 'P1SECRET007'",
    "startswith(serialNumber,'P1')",
    "contains(serialNumber,'')",
    "contains(serialNumber,'%')",
    "contains(serialNumber,'_')",
    "groupTag eq 'P1-Secret-Batch'",
    "groupTag eq 'P1-Secret-Tag'",
    "manufacturer eq 'Litware Secret Devices'",
    "serialNumber eq 'x' or registrarOrgId eq '" + p1.id + "'",
    "id eq '" + someP1Device + "'",
    "not (serialNumber eq 'x')",
    'serialNumber eq null',
    "serialNumber eq 'x'; --",
    'serialNumber eq "x" or 1=1',
    "serialNumber in ('P1SECRET001','P1SECRET002')",
    "(serialNumber eq 'x') or (true)",
  ];
  for (const a of [
    { name: 'P3 (C1 token)', token: t.p3ForC1 },
    { name: 'C2 (own token)', token: t.c2 },
  ]) {
    const cat = `$filter injection, ${a.name}`;
    for (const base of [graph, graphV1]) {
      for (const filter of filters) {
        await attempt(
          cat,
          `${base} ${filter}`,
          'GET',
          `${base}/windowsAutopilotDeviceIdentities?$count=true&$filter=${encodeURIComponent(filter)}`,
          a.token,
          'noData',
        );
      }
    }
  }
  // A filter answered with a count: the count must not reveal P1's devices either.
  for (const a of [{ name: 'P3', token: t.p3ForC1 }]) {
    const response = await inject(
      'GET',
      `${graph}/windowsAutopilotDeviceIdentities?$count=true&$filter=${encodeURIComponent("startswith(serialNumber,'P1')")}`,
      a.token,
    );
    const count = (response.json() as { '@odata.count'?: number })['@odata.count'];
    attempts.push({
      category: `$filter injection, ${a.name} (C1 token)`,
      label: 'count of P1 serials',
      method: 'GET',
      url: `${graph}/windowsAutopilotDeviceIdentities?$count=true&$filter=startswith(serialNumber,'P1')`,
      expect: 'noData',
      status: response.statusCode,
      breach:
        response.statusCode === 200 && count !== 0
          ? `@odata.count is ${count}: it counts P1's devices`
          : undefined,
    });
  }

  // 5. Last of P3's moves: a batch of its own named like P1's (with one of P1's devices in
  // it), so that the checksum of P1's continuation token (customer + name) holds for it.
  {
    const cat = 'continuation tokens of P1';
    const headers = { 'ms-continuationtoken': continuation };
    // P3 names a batch of its own like P1's, so the token's checksum (customer + name) holds.
    const clash = [device('P3CLASH001'), pcDevices[9]!];
    const created = await attempt(
      cat,
      'P3 creates a batch named like P1',
      'POST',
      `${pc(c1.org)}/deviceBatches`,
      t.p3,
      'noData',
      {
        payload: { batchId: batchName, devices: clash },
      },
    );
    await drainBatches(deps);
    // Its job reports P1's device as registered elsewhere (808) without saying to whom.
    await attempt(
      cat,
      "P3's job status for a P1 device it re-sent",
      'GET',
      `${pc(c1.org)}/batchJobStatus/${String(created.headers.location).split('/').pop()}`,
      t.p3,
      'noData',
      {
        known: JSON.stringify(clash),
      },
    );
    await attempt(
      cat,
      'P3 lists its same-named batch',
      'GET',
      `${pc(c1.org)}/deviceBatches/${batchName}/devices`,
      t.p3,
      'noData',
    );
    await attempt(
      cat,
      'P3 replays P1 token on its same-named batch',
      'GET',
      `${pc(c1.org)}/deviceBatches/${batchName}/devices`,
      t.p3,
      'noData',
      {
        headers,
      },
    );
  }
  // P3's batch named like P1's is P3's own.
  {
    const listingP3 = await inject('GET', `${pc(c1.org)}/deviceBatches`, t.p3);
    const ours = (listingP3.json() as { items: { id: string }[] }).items.map((b) => b.id);
    if (!ours.includes(batchName)) {
      attempts.push({
        category: 'continuation tokens of P1',
        label: 'P3 batch named like P1 exists',
        method: 'GET',
        url: `${pc(c1.org)}/deviceBatches`,
        expect: 'noData',
        status: listingP3.statusCode,
        breach: 'setup: P3 batch named like P1 was not listed',
      });
    }
  }

  // 6. Tokens for C1's tenant asked for by others.
  {
    const cat = "tokens for C1's tenant";
    const ask = async (label: string, client: ClientCredentials, tenant: string) => {
      const response = await requestToken(app, client, tenant);
      const issued = response.body.includes('access_token');
      attempts.push({
        category: cat,
        label,
        method: 'POST',
        url: `/${tenant}/oauth2/v2.0/token`,
        expect: 'refused',
        status: response.statusCode,
        breach:
          response.statusCode >= 500
            ? `server error ${response.statusCode}`
            : issued || response.statusCode < 400
              ? `a token was issued (${response.statusCode})`
              : undefined,
      });
    };
    for (const [name, client] of [
      ['P2 agent', clients.p2Agent],
      ['P2 admin', clients.p2Admin],
      ['C2 admin', clients.c2Admin],
    ] as const) {
      await ask(`${name}, C1 by id`, client, c1.org.id);
      await ask(`${name}, C1 by id in upper case`, client, c1.org.id.toUpperCase());
      await ask(`${name}, C1 by domain`, client, c1.org.domain ?? 'x');
      await ask(`${name}, C1 by display name`, client, c1.org.displayName);
      await ask(`${name}, P1's tenant`, client, p1.id);
    }
    await ask("P3 agent, P1's own tenant", clients.p3Agent, p1.id);
    await ask("P3 agent, C2's tenant", clients.p3Agent, c2.org.id);
    // A client secret of another client.
    const forged: ClientCredentials = {
      clientId: clients.p1Agent.clientId,
      secret: clients.p2Agent.secret,
      orgId: p2.id,
    };
    await ask("P1's client id with P2's secret", forged, c1.org.id);
    const truncated: ClientCredentials = {
      ...clients.p1Agent,
      secret: clients.p1Agent.secret.slice(0, -1),
    };
    await ask("P1's client id with its secret cut by one character", truncated, c1.org.id);
  }

  // 7. Tampered tokens: every one must get 401, on P1's batch and on C1's Graph devices.
  {
    const cat = 'tampered tokens';
    const { header, payload, signature } = jwtParts(t.p2);
    const p3c1 = jwtParts(t.p3ForC1);
    const targets = [
      { method: 'GET' as const, url: `${pc(c1.org)}/deviceBatches/${batchName}/devices` },
      { method: 'GET' as const, url: `${graph}/windowsAutopilotDeviceIdentities?$top=1000` },
      {
        method: 'DELETE' as const,
        url: `${graph}/windowsAutopilotDeviceIdentities/${someP1Device}`,
      },
    ];
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const other = await generateKeyPair('ES256');
    const now = Math.floor(clock.now().getTime() / 1000);
    const signed = (claims: Json, kid: unknown, key = other.privateKey) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: String(kid), typ: 'JWT' })
        .sign(key);
    const asP1: Json = {
      ...payload,
      tid: c1.org.id,
      appid: clients.p1Agent.clientId,
      azp: clients.p1Agent.clientId,
      sub: clients.p1Agent.clientId,
      client_org: p1.id,
    };
    const tokens: [string, string][] = [
      ['signature: last character changed', flip(t.p2, t.p2.length - 2)],
      [
        'signature: first character changed',
        `${t.p2.split('.').slice(0, 2).join('.')}.${flip(signature, 0)}`,
      ],
      ['signature removed', `${t.p2.split('.').slice(0, 2).join('.')}.`],
      ['signature of another token', `${t.p2.split('.').slice(0, 2).join('.')}.${p3c1.signature}`],
      [
        'tid changed to C1, not re-signed',
        jwt(
          header,
          { ...payload, tid: c1.org.id, iss: `https://preflight.test/${c1.org.id}/v2.0` },
          signature,
        ),
      ],
      [
        'client_org changed to P1, not re-signed',
        jwt(header, { ...payload, client_org: p1.id }, signature),
      ],
      ['appid and client_org of P1, tid C1, not re-signed', jwt(header, asP1, signature)],
      [
        'P3 C1 token with client_org P1',
        jwt(p3c1.header, { ...p3c1.payload, client_org: p1.id }, p3c1.signature),
      ],
      [
        'roles widened, not re-signed',
        jwt(
          header,
          { ...payload, roles: ['DeviceManagementServiceConfig.ReadWrite.All', 'admin'] },
          signature,
        ),
      ],
      [
        'exp pushed a year ahead, not re-signed',
        jwt(header, { ...payload, exp: now + 365 * 86400 }, signature),
      ],
      ['alg none, no signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(asP1)}.`],
      [
        'alg none with the original signature',
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64(asP1)}.${signature}`,
      ],
      [
        'alg HS256 keyed with the public key',
        await new SignJWT(asP1)
          .setProtectedHeader({ alg: 'HS256', kid: String(header.kid) })
          .sign(
            new TextEncoder().encode(
              JSON.stringify(
                await app
                  .inject({ method: 'GET', url: '/discovery/v2.0/keys' })
                  .then((r) => r.json()),
              ),
            ),
          )
          .catch(() => 'x.y.z'),
      ],
      ['signed with another key under our kid', await signed(asP1, header.kid)],
      ['signed with another key, unknown kid', await signed(asP1, 'not-our-kid')],
      [
        'signed with another key, no kid',
        await new SignJWT(asP1).setProtectedHeader({ alg: 'ES256' }).sign(other.privateKey),
      ],
      [
        'kid pointing elsewhere (jku)',
        jwt({ ...header, jku: 'https://evil.example/keys' }, asP1, signature),
      ],
      ['header and payload swapped', `${t.p2.split('.')[1]}.${t.p2.split('.')[0]}.${signature}`],
      ['empty token', ''],
      ['garbage', 'not.a.token'],
      ['token of three empty parts', '..'],
    ];
    for (const [label, token] of tokens) {
      for (const target of targets) {
        await attempt(cat, label, target.method, target.url, token, 'unauthenticated');
      }
    }
    // Ways of sending a good token that are not the bearer header.
    for (const target of targets) {
      await attempt(
        cat,
        'token in the query string',
        target.method,
        `${target.url}${target.url.includes('?') ? '&' : '?'}access_token=${t.p3ForC1}`,
        null,
        'unauthenticated',
      );
      await attempt(
        cat,
        'Basic scheme with a token',
        target.method,
        target.url,
        null,
        'unauthenticated',
        {
          headers: { authorization: `Basic ${t.p3ForC1}` },
        },
      );
    }
    // Expired and not yet valid: a real token of P3 for C1, used two hours late or early.
    clock.advance(2 * 3600_000);
    for (const target of targets) {
      await attempt(
        cat,
        'expired (two hours after expiry)',
        target.method,
        target.url,
        t.p3ForC1,
        'unauthenticated',
      );
    }
    clock.advance(-4 * 3600_000);
    for (const target of targets) {
      await attempt(
        cat,
        'not yet valid (two hours before issue)',
        target.method,
        target.url,
        t.p3ForC1,
        'unauthenticated',
      );
    }
    clock.advance(2 * 3600_000);
  }

  // 8. C2's own client on Partner Center routes about C1 (a customer on the partner API).
  {
    const cat = "C2's own client on C1's Partner Center paths";
    const c = pc(c1.org);
    await attempt(cat, 'list C1 batches', 'GET', `${c}/deviceBatches`, t.c2, 'refused');
    await attempt(
      cat,
      'list P1 batch devices',
      'GET',
      `${c}/deviceBatches/${batchName}/devices`,
      t.c2,
      'refused',
    );
    await attempt(
      cat,
      'delete a P1 device',
      'DELETE',
      `${c}/deviceBatches/${batchName}/devices/${someP1Device}`,
      t.c2,
      'refused',
    );
    await attempt(
      cat,
      'P1 job status',
      'GET',
      `${c}/batchJobStatus/${uploadTracking}`,
      t.c2,
      'refused',
    );
    await attempt(cat, 'read P1 policy', 'GET', `${c}/policies/${policyId}`, t.c2, 'refused');
    await attempt(cat, 'list customers', 'GET', '/v1/customers', t.c2, 'refused');
    await attempt(
      cat,
      'offline profile file of P1 policy',
      'GET',
      `/preflight/v1/deploymentProfiles/${policyId}/AutopilotConfigurationFile.json`,
      t.c2,
      'refused',
    );
    await attempt(
      cat,
      'offline profile file of P1 policy (P3)',
      'GET',
      `/preflight/v1/deploymentProfiles/${policyId}/AutopilotConfigurationFile.json`,
      t.p3ForC1,
      'noData',
    );
  }

  // 9. P1's data is intact before revocation.
  const integrity: { label: string; breach: string | undefined }[] = [];
  const check = (label: string, ok: boolean, detail: string) =>
    integrity.push({ label, breach: ok ? undefined : detail });
  {
    const batches = await inject('GET', `${pc(c1.org)}/deviceBatches`, t.p1);
    const batch = (batches.json() as { items: { id: string; devicesCount: number }[] }).items.find(
      (b) => b.id === batchName,
    );
    check(
      'P1 batch still has its 105 devices',
      batch?.devicesCount === 105,
      `P1 batch: ${JSON.stringify(batch)}`,
    );
    const pol = await inject('GET', `${pc(c1.org)}/policies/${policyId}`, t.p1);
    const polBody = pol.json() as { name?: string; devicesAssigned?: number };
    check(
      'P1 policy unchanged and still applied',
      pol.statusCode === 200 &&
        polBody.name === 'P1 Secret Policy' &&
        polBody.devicesAssigned === 1,
      `${pol.statusCode} ${pol.body.slice(0, 200)}`,
    );
    const mine = await inject('GET', `${graph}/windowsAutopilotDeviceIdentities?$top=1000`, t.c1);
    const ids = new Set(
      (
        mine.json() as { value: { id: string; groupTag?: string; userPrincipalName?: string }[] }
      ).value.map((d) => d.id),
    );
    check(
      "all of P1's devices still registered for C1",
      p1DeviceIds.every((id) => ids.has(id)),
      `${p1DeviceIds.filter((id) => !ids.has(id)).length} missing`,
    );
    const dev = await inject(
      'GET',
      `${graph}/windowsAutopilotDeviceIdentities/${p1GraphDevice}`,
      t.c1,
    );
    const devBody = dev.json() as { groupTag?: string; userPrincipalName?: string };
    check(
      'P1 Graph device keeps its group tag and has no user',
      devBody.groupTag === 'P1-Secret-Tag' && !devBody.userPrincipalName,
      dev.body.slice(0, 300),
    );
    const imp = await inject(
      'GET',
      `${graph}/importedWindowsAutopilotDeviceIdentities/${importIds[0]}`,
      t.p1ForC1,
    );
    check('P1 import records still there', imp.statusCode === 200, `${imp.statusCode}`);
    // Controls: the requests the attackers were refused serve P1 itself, with its data, so
    // the refusals above are about who asked, not about a wrong path or id.
    const controls: [string, Promise<LightMyRequestResponse>, string][] = [
      [
        'P1 reads its batch',
        inject('GET', `${pc(c1.org)}/deviceBatches/${batchName}/devices`, t.p1),
        pcDevices[0]!.serialNumber,
      ],
      [
        'P1 reads its upload job',
        inject('GET', `${pc(c1.org)}/batchJobStatus/${uploadTracking}`, t.p1),
        pcDevices[0]!.serialNumber,
      ],
      [
        'P1 reads its policy job',
        inject('GET', `${pc(c1.org)}/batchJobStatus/${policyTracking}`, t.p1),
        pcDeviceIds[0]!,
      ],
      [
        'P1 reads its Graph device',
        inject('GET', `${graph}/windowsAutopilotDeviceIdentities/${p1GraphDevice}`, t.p1ForC1),
        graphDevices[0]!.serialNumber,
      ],
      [
        'P1 lists with the continuation token',
        inject('GET', `${pc(c1.org)}/deviceBatches/${batchName}/devices`, t.p1, {
          headers: { 'ms-continuationtoken': continuation },
        }),
        pcDeviceIds[104]!,
      ],
      [
        'P1 filters its serial',
        inject(
          'GET',
          `${graph}/windowsAutopilotDeviceIdentities?$filter=${encodeURIComponent("serialNumber eq 'P1SECRET007'")}`,
          t.p1ForC1,
        ),
        pcDeviceIds.find(
          (id) => listing.items.find((d) => d.id === id)?.serialNumber === 'P1SECRET007',
        ) ?? 'P1SECRET007',
      ],
    ];
    for (const [label, pending, expected] of controls) {
      const r = await pending;
      check(
        `control: ${label}`,
        r.statusCode === 200 && r.body.includes(expected),
        `${r.statusCode} without ${expected}: ${r.body.slice(0, 200)}`,
      );
    }
  }

  // 10. C1 revokes P1; P1's tokens (issued before) and new token requests must be refused.
  await revokeRelationship(deps, c1.admin, p1c1.id);
  {
    const cat = 'P1 after C1 revoked it';
    const c = pc(c1.org);
    for (const [name, token] of [
      ['agent', t.p1],
      ['admin', t.p1Admin],
    ] as const) {
      await attempt(cat, `${name}: list batches`, 'GET', `${c}/deviceBatches`, token, 'refused');
      await attempt(
        cat,
        `${name}: list batch devices`,
        'GET',
        `${c}/deviceBatches/${batchName}/devices`,
        token,
        'refused',
      );
      await attempt(
        cat,
        `${name}: next page`,
        'GET',
        `${c}/deviceBatches/${batchName}/devices`,
        token,
        'refused',
        {
          headers: { 'ms-continuationtoken': continuation },
        },
      );
      await attempt(
        cat,
        `${name}: job status`,
        'GET',
        `${c}/batchJobStatus/${uploadTracking}`,
        token,
        'refused',
      );
      await attempt(
        cat,
        `${name}: delete a device`,
        'DELETE',
        `${c}/deviceBatches/${batchName}/devices/${someP1Device}`,
        token,
        'refused',
      );
      await attempt(cat, `${name}: upload`, 'POST', `${c}/deviceBatches`, token, 'refused', {
        payload: { batchId: batchName, devices: [device('P1LATE001')] },
      });
      await attempt(
        cat,
        `${name}: read policy`,
        'GET',
        `${c}/policies/${policyId}`,
        token,
        'refused',
      );
      await attempt(
        cat,
        `${name}: rename policy`,
        'PUT',
        `${c}/policies/${policyId}`,
        token,
        'refused',
        { payload: { name: 'Late' } },
      );
      await attempt(
        cat,
        `${name}: apply policy`,
        'PATCH',
        `${c}/DevicePolicyUpdates`,
        token,
        'refused',
        {
          payload: { devices: [{ id: someP1Device, policies: [{ key: 'o_o_b_e', value: null }] }] },
        },
      );
      await attempt(
        cat,
        `${name}: customers no longer lists C1`,
        'GET',
        '/v1/customers',
        token,
        'noData',
      );
    }
    const customers = await inject('GET', '/v1/customers', t.p1);
    if (customers.body.includes(c1.org.id)) {
      attempts.push({
        category: cat,
        label: 'customers still lists C1',
        method: 'GET',
        url: '/v1/customers',
        expect: 'noData',
        status: customers.statusCode,
        breach: 'C1 still listed after revocation',
      });
    }
    for (const base of [graph, graphV1]) {
      await attempt(
        cat,
        `${base} C1 token: list devices`,
        'GET',
        `${base}/windowsAutopilotDeviceIdentities`,
        t.p1ForC1,
        'refused',
      );
      await attempt(
        cat,
        `${base} C1 token: read a device`,
        'GET',
        `${base}/windowsAutopilotDeviceIdentities/${p1GraphDevice}`,
        t.p1ForC1,
        'refused',
      );
      await attempt(
        cat,
        `${base} C1 token: delete a device`,
        'DELETE',
        `${base}/windowsAutopilotDeviceIdentities/${p1GraphDevice}`,
        t.p1ForC1,
        'refused',
      );
      await attempt(
        cat,
        `${base} C1 token: import`,
        'POST',
        `${base}/importedWindowsAutopilotDeviceIdentities/import`,
        t.p1ForC1,
        'refused',
        {
          payload: {
            importedWindowsAutopilotDeviceIdentities: [
              { hardwareIdentifier: device('P1LATE002').hardwareHash },
            ],
          },
        },
      );
      await attempt(
        cat,
        `${base} C1 token: read an import`,
        'GET',
        `${base}/importedWindowsAutopilotDeviceIdentities/${importIds[0]}`,
        t.p1ForC1,
        'refused',
      );
    }
    const again = await requestToken(app, clients.p1Agent, c1.org.id);
    attempts.push({
      category: cat,
      label: 'a new token for C1',
      method: 'POST',
      url: `/${c1.org.id}/oauth2/v2.0/token`,
      expect: 'refused',
      status: again.statusCode,
      breach:
        again.statusCode < 400 || again.body.includes('access_token')
          ? `a token was issued (${again.statusCode})`
          : undefined,
    });
  }

  // 11. After the tour: C1 still has every device P1 registered (revoking moves nothing).
  {
    const mine = await inject('GET', `${graph}/windowsAutopilotDeviceIdentities?$top=1000`, t.c1);
    const ids = new Set((mine.json() as { value: { id: string }[] }).value.map((d) => d.id));
    check(
      'after revocation, C1 still has all devices P1 registered',
      p1DeviceIds.every((id) => ids.has(id)),
      `${p1DeviceIds.filter((id) => !ids.has(id)).length} missing`,
    );
    const rival = await inject('GET', `${pc(c1.org)}/deviceBatches`, t.p3);
    check(
      'P3 still sees only its own batches',
      !rival.body.includes(p1.id),
      rival.body.slice(0, 300),
    );
  }

  await app.close();
  return { attempts, integrity, secrets: secrets.length, ms: performance.now() - started };
}

/** Attempts by category: how many, how many held, and the statuses they got. */
export function summarise(report: TourReport) {
  const categories = new Map<
    string,
    { attempts: number; held: number; statuses: Record<number, number> }
  >();
  for (const a of report.attempts) {
    const c = categories.get(a.category) ?? { attempts: 0, held: 0, statuses: {} };
    c.attempts++;
    c.held += a.breach ? 0 : 1;
    c.statuses[a.status] = (c.statuses[a.status] ?? 0) + 1;
    categories.set(a.category, c);
  }
  return categories;
}
