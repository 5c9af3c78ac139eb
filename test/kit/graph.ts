import type { Actor } from '../../src/domain/actor.js';
import type { Role } from '../../src/domain/user.js';
import type { Database } from '../../src/store/database.js';
import { apiWorld, bearer, buildTestApi, tokenFor, type ClientCredentials } from './api.js';

/** The client actor of API credentials, for calling services directly in a test. */
export function clientActor(client: ClientCredentials, roles: Role[] = ['admin']): Actor {
  return {
    kind: 'client',
    clientId: client.clientId,
    orgId: client.orgId,
    roles,
  };
}

/**
 * The HTTP app with `apiWorld`'s callers and a token for each way of calling the Graph
 * API: the customer's admin and reader, the partner with a token for the customer's
 * tenant and for its own, and an unrelated customer's admin.
 */
export async function graphWorld(database: Database) {
  const api = await buildTestApi(database, {
    limits: { clientRequestsPerMinute: 1_000_000, deviceLookupsPerMinute: 1_000_000 },
  });
  const { app } = api;
  const world = await apiWorld(api.deps);
  const tokens = {
    customer: await tokenFor(app, world.customerClient),
    customerReader: await tokenFor(app, world.customerReader),
    partnerForCustomer: await tokenFor(app, world.partnerClient, world.customer.id),
    partner: await tokenFor(app, world.partnerClient),
    otherCustomer: await tokenFor(app, world.otherCustomerClient),
  };
  type Caller = keyof typeof tokens;
  /** Sends a request as `who`; `payload` objects go as JSON, strings as they are. */
  const call = (
    who: Caller,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...bearer(tokens[who]),
        ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(payload !== undefined
        ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
        : {}),
    });
  return { ...api, world, tokens, call };
}

export type GraphWorld = Awaited<ReturnType<typeof graphWorld>>;

/** A Graph `@odata.nextLink` as a path for `app.inject` (the origin removed). */
export function injectPath(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}
