import { operator } from '../../src/domain/actor.js';
import type { Organisation } from '../../src/domain/organisation.js';
import type { Database } from '../../src/store/database.js';
import { createOrganisation } from '../../src/services/organisations.js';
import { listProfiles } from '../../src/services/profiles.js';
import {
  acceptInvitation,
  inviteCustomer,
  revokeRelationship,
} from '../../src/services/relationships.js';
import { apiClient, apiWorld, buildTestApi, tokenFor, type ClientCredentials } from '../kit/api.js';

/** Who calls in a probe. */
export type CallerName =
  | 'partner' // partner agent, token for its own tenant
  | 'partnerAdmin' // partner admin, own tenant (Partner Center policies need the admin role)
  | 'partnerForCustomer' // partner agent, token for the consented customer's tenant
  | 'partnerReader' // partner reader, token for its own tenant
  | 'partnerReaderForCustomer'
  | 'customer' // customer admin, own tenant
  | 'customerReader'
  | 'otherCustomer' // an unrelated customer's admin
  | 'stranger' // a partner without any relationship, own tenant
  | 'revoked' // a partner whose relationship was revoked after its token was issued (own tenant)
  | 'revokedForCustomer' // the same, token for the customer tenant
  | 'oem'; // an OEM consented by the customer, own tenant

/**
 * One database with every kind of caller, for the authorization matrix: the consented
 * partner and customer of `apiWorld`, plus an OEM, and a partner whose consent was revoked
 * after it got its tokens (so its tokens are valid and only the relationship check can
 * refuse it).
 */
export async function buildMatrixFixture(database: Database) {
  const api = await buildTestApi(database, {
    limits: { clientRequestsPerMinute: 1_000_000, deviceLookupsPerMinute: 1_000_000 },
  });
  const { app, deps } = api;
  const world = await apiWorld(deps);

  const consent = async (registrar: Organisation) => {
    const { token } = await inviteCustomer(deps, operator, {
      from: registrar.id,
      to: world.customer.id,
    });
    return acceptInvitation(deps, world.customerAdmin, token);
  };
  const oem = await createOrganisation(deps, operator, { kind: 'oem', displayName: 'Litware OEM' });
  await consent(oem);
  const revokedOrg = await createOrganisation(deps, operator, {
    kind: 'partner',
    displayName: 'Revoked Partner',
  });
  const revokedRel = await consent(revokedOrg);
  const revokedClient = await apiClient(deps, revokedOrg);
  const oemClient = await apiClient(deps, oem);

  const tokens: Record<CallerName, string> = {
    partner: await tokenFor(app, world.partnerClient),
    partnerAdmin: await tokenFor(app, await apiClient(deps, world.partner, ['admin'])),
    partnerForCustomer: await tokenFor(app, world.partnerClient, world.customer.id),
    partnerReader: await tokenFor(app, world.partnerReader),
    partnerReaderForCustomer: await tokenFor(app, world.partnerReader, world.customer.id),
    customer: await tokenFor(app, world.customerClient),
    customerReader: await tokenFor(app, world.customerReader),
    otherCustomer: await tokenFor(app, world.otherCustomerClient),
    stranger: await tokenFor(app, world.strangerClient),
    revoked: await tokenFor(app, revokedClient),
    revokedForCustomer: await tokenFor(app, revokedClient, world.customer.id),
    oem: await tokenFor(app, oemClient),
  };
  await revokeRelationship(deps, world.customerAdmin, revokedRel.id);
  const [builtInProfile] = await listProfiles(deps, world.customerAdmin);
  return {
    ...api,
    world,
    oem,
    tokens,
    builtInProfileId: builtInProfile!.id,
    clients: { oemClient } as Record<string, ClientCredentials>,
  };
}

export type MatrixFixture = Awaited<ReturnType<typeof buildMatrixFixture>>;
