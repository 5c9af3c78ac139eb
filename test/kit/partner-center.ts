import type { LightMyRequestResponse } from 'fastify';
import { operator } from '../../src/domain/actor.js';
import type { Organisation } from '../../src/domain/organisation.js';
import type { Database } from '../../src/store/database.js';
import { acceptInvitation, inviteCustomer } from '../../src/services/relationships.js';
import { createOrganisation } from '../../src/services/organisations.js';
import { apiClient, apiWorld, bearer, buildTestApi, tokenFor } from './api.js';
import { syntheticDevice } from './devices.js';

/** A Partner Center `Device` body for synthetic device `n`. */
export function pcDevice(n: number): Record<string, string> {
  const device = syntheticDevice(n);
  return { serialNumber: device.serialNumber!, hardwareHash: device.hardwareHash! };
}

/**
 * The API world of `apiWorld` with Partner Center tokens: the consented partner's agent,
 * admin and reader, a second partner consented by the same customer (a rival that must
 * see none of the first one's batches or policies), a stranger, and the customer.
 */
export async function partnerCenterWorld(database: Database) {
  const api = await buildTestApi(database, {
    limits: { clientRequestsPerMinute: 1_000_000 },
  });
  const { app, deps } = api;
  const world = await apiWorld(deps);
  const rival = await createOrganisation(deps, operator, {
    kind: 'partner',
    displayName: 'Rival Resellers',
  });
  const { token: invitation } = await inviteCustomer(deps, operator, {
    from: rival.id,
    to: world.customer.id,
  });
  await acceptInvitation(deps, world.customerAdmin, invitation);
  const partnerAdmin = await apiClient(deps, world.partner, ['admin']);
  const rivalAdmin = await apiClient(deps, rival, ['admin']);
  const tokens = {
    agent: await tokenFor(app, world.partnerClient),
    admin: await tokenFor(app, partnerAdmin),
    reader: await tokenFor(app, world.partnerReader),
    rival: await tokenFor(app, rivalAdmin),
    stranger: await tokenFor(app, world.strangerClient),
    customer: await tokenFor(app, world.customerClient),
  };

  /** Sends a request with a token (and JSON when there is a payload). */
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    token: string,
    options: { payload?: unknown; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url,
      headers: {
        ...bearer(token),
        ...(options.payload !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.payload !== undefined
        ? {
            payload:
              typeof options.payload === 'string'
                ? options.payload
                : JSON.stringify(options.payload),
          }
        : {}),
    });

  const customerPath = (customer: Organisation = world.customer) => `/v1/customers/${customer.id}`;

  return { ...api, world, rival, tokens, call, customerPath };
}

export type PartnerCenterWorld = Awaited<ReturnType<typeof partnerCenterWorld>>;

/** The tracking id at the end of a 202's relative Location. */
export function trackingIdOf(response: LightMyRequestResponse): string {
  const location = response.headers.location;
  if (typeof location !== 'string') {
    throw new Error(`no Location in ${response.statusCode} ${response.body}`);
  }
  return location.split('/').pop()!;
}
