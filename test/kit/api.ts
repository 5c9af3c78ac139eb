import type { FastifyInstance } from 'fastify';
import { KeyRing } from '../../src/auth/key-ring.js';
import { operator } from '../../src/domain/actor.js';
import type { Organisation } from '../../src/domain/organisation.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { createLogger } from '../../src/platform/logger.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { createOrganisation } from '../../src/services/organisations.js';
import { processBatch } from '../../src/services/registration/process-batch.js';
import { createApiClient } from '../../src/services/users.js';
import type { Database } from '../../src/store/database.js';
import { consentedPair } from './registration.js';
import { buildDeps } from './services.js';

/** The HTTP app over a test database, with a clock that moves only when told. */
export async function buildTestApi(
  database: Database,
  options: Partial<Pick<AppOptions, 'limits' | 'bodyLimit' | 'tokenLifetimeSeconds'>> = {},
) {
  const { deps, clock } = buildDeps(database);
  const keyRing = await KeyRing.open(deps.store.repos.signingKeys, () => clock.now().getTime());
  const app = await buildApp({
    deps,
    keyRing,
    probe: database,
    logger: createLogger({ level: 'silent' }),
    ...options,
  });
  return { app, deps, clock, keyRing };
}

/** An API client's credentials. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly secret: string;
  readonly orgId: string;
}

/** Creates an API client for `org` with `roles` (default agent). */
export async function apiClient(
  deps: ServiceDeps,
  org: Organisation,
  roles: string[] = ['agent'],
): Promise<ClientCredentials> {
  const { client, secret } = await createApiClient(deps, operator, { org: org.id, roles });
  return { clientId: client.clientId, secret, orgId: org.id };
}

/** Gets an access token through the token endpoint; fails the test if refused. */
export async function tokenFor(
  app: FastifyInstance,
  client: ClientCredentials,
  tenant?: string,
  scope = 'https://graph.microsoft.com/.default',
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: tenant ? `/${tenant}/oauth2/v2.0/token` : '/oauth2/v2.0/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.secret,
      scope,
    }).toString(),
  });
  if (response.statusCode !== 200) {
    throw new Error(`token request refused: ${response.statusCode} ${response.body}`);
  }
  return (response.json() as { access_token: string }).access_token;
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A consented partner and customer, an OEM consented by the same customer, a stranger
 * partner and a stranger customer, each with an API client (agent role unless named).
 */
export async function apiWorld(deps: ServiceDeps) {
  const pair = await consentedPair(deps, { partner: 'Fabrikam Resellers', customer: 'Contoso' });
  const stranger = await createOrganisation(deps, operator, {
    kind: 'partner',
    displayName: 'Stranger Partner',
  });
  const otherCustomer = await createOrganisation(deps, operator, {
    kind: 'customer',
    displayName: 'Northwind',
    domain: 'northwind.example',
  });
  return {
    ...pair,
    stranger,
    otherCustomer,
    partnerClient: await apiClient(deps, pair.partner),
    partnerReader: await apiClient(deps, pair.partner, ['reader']),
    customerClient: await apiClient(deps, pair.customer, ['admin']),
    customerReader: await apiClient(deps, pair.customer, ['reader']),
    strangerClient: await apiClient(deps, stranger),
    otherCustomerClient: await apiClient(deps, otherCustomer, ['admin']),
  };
}

/** Processes every queued batch, as the worker would. */
export async function drainBatches(deps: ServiceDeps): Promise<void> {
  for (;;) {
    const done = await processBatch(deps, deps.store.transaction, {
      id: 'test-worker',
      leaseMs: 60_000,
    });
    if (!done) {
      return;
    }
  }
}
