import type { FastifyInstance } from 'fastify';
import { operator } from '../../src/domain/actor.js';
import type { Organisation } from '../../src/domain/organisation.js';
import type { Role } from '../../src/domain/user.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { createOrganisation } from '../../src/services/organisations.js';
import { acceptInvitation, inviteCustomer } from '../../src/services/relationships.js';
import { createOperatorUser } from '../../src/services/setup.js';
import { actorForUser, createUser } from '../../src/services/users.js';
import type { Database } from '../../src/store/database.js';
import { buildTestApi } from './api.js';

/** Someone who signs in to the portal in a test. */
export interface PortalUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

/** The people of `portalWorld`, by what they are. */
export type PortalPersona =
  | 'partnerAdmin'
  | 'partnerAgent'
  | 'partnerReader'
  | 'oemAdmin'
  | 'customerAdmin'
  | 'customerReader'
  | 'otherCustomerAdmin'
  | 'strangerPartnerAdmin'
  | 'operator';

/**
 * Every kind of portal user, ready to sign in:
 * - Fabrikam Resellers (partner: admin, agent, reader) and Litware OEM (admin), both with an
 *   active relationship to Contoso (customer: admin, reader), all permissions granted;
 * - Northwind, a customer nobody registers for (admin), and Stranger Partner (admin),
 *   related to no one;
 * - an operator, who belongs to no organisation.
 * Users have their one-time password as their password, with the must-change flag cleared
 * directly in the database, so tests sign in straight away (the must-change gate has its
 * own tests, which set the flag again or create a fresh user).
 */
export async function portalWorld(deps: ServiceDeps) {
  const org = (kind: string, displayName: string, domain: string) =>
    createOrganisation(deps, operator, { kind, displayName, domain });
  const partner = await org('partner', 'Fabrikam Resellers', 'fabrikam.example');
  const oem = await org('oem', 'Litware OEM', 'litware.example');
  const customer = await org('customer', 'Contoso', 'contoso.example');
  const otherCustomer = await org('customer', 'Northwind', 'northwind.example');
  const strangerPartner = await org('partner', 'Stranger Partner', 'stranger.example');

  const person = async (o: Organisation, email: string, role: Role): Promise<PortalUser> => {
    const { user, oneTimePassword } = await createUser(deps, operator, { org: o.id, email, role });
    await clearMustChange(deps, user.id);
    return { id: user.id, email: user.email, password: oneTimePassword };
  };
  const users: Record<PortalPersona, PortalUser> = {
    partnerAdmin: await person(partner, 'admin@fabrikam.example', 'admin'),
    partnerAgent: await person(partner, 'agent@fabrikam.example', 'agent'),
    partnerReader: await person(partner, 'reader@fabrikam.example', 'reader'),
    oemAdmin: await person(oem, 'admin@litware.example', 'admin'),
    customerAdmin: await person(customer, 'admin@contoso.example', 'admin'),
    customerReader: await person(customer, 'reader@contoso.example', 'reader'),
    otherCustomerAdmin: await person(otherCustomer, 'admin@northwind.example', 'admin'),
    strangerPartnerAdmin: await person(strangerPartner, 'admin@stranger.example', 'admin'),
    operator: await (async () => {
      const { user, oneTimePassword } = await createOperatorUser(deps, operator, {
        email: 'operator@preflight.example',
      });
      await clearMustChange(deps, user.id);
      return { id: user.id, email: user.email, password: oneTimePassword };
    })(),
  };

  const customerAdmin = await actorForUser(deps, users.customerAdmin.email, [customer.id]);
  const consent = async (registrar: Organisation) => {
    const { token } = await inviteCustomer(deps, operator, {
      from: registrar.id,
      to: customer.id,
      permissions: ['register_devices', 'read_devices', 'deregister_devices'],
    });
    return acceptInvitation(deps, customerAdmin, token);
  };
  const relationships = { partner: await consent(partner), oem: await consent(oem) };
  return { partner, oem, customer, otherCustomer, strangerPartner, users, relationships };
}

export type PortalWorld = Awaited<ReturnType<typeof portalWorld>>;

/** Clears a user's must-change-password flag, as if they had chosen their own password. */
export async function clearMustChange(deps: ServiceDeps, userId: string): Promise<void> {
  await deps.store.database.db
    .updateTable('users')
    .set({ must_change_password: 0 })
    .where('id', '=', userId)
    .execute();
}

/** The test app over `database` with a `portalWorld` in it. */
export async function buildPortalApi(database: Database) {
  const api = await buildTestApi(database, {
    limits: {
      clientRequestsPerMinute: 1_000_000,
      deviceLookupsPerMinute: 1_000_000,
      portalRequestsPerMinute: 1_000_000,
      signInsPerMinute: 1_000_000,
    },
  });
  return { ...api, world: await portalWorld(api.deps) };
}

/** A signed-in browser: its cookie and CSRF token. */
export interface PortalSession {
  /** The `Cookie` header value, `preflight_session=…`. */
  readonly cookie: string;
  readonly csrf: string;
  /** Headers for a request: the cookie, and the CSRF token when `write` (non-GET). */
  headers(write?: boolean): Record<string, string>;
}

/**
 * Signs in through the real route (POST /portal/api/sign-in) and fails the test if
 * refused. Users of `portalWorld` can sign in at once; a user who must still change the
 * password gets a session that only reaches GET /session, POST /password and sign-out.
 */
export async function signIn(
  app: FastifyInstance,
  email: string,
  password: string,
): Promise<PortalSession> {
  const response = await app.inject({
    method: 'POST',
    url: '/portal/api/sign-in',
    payload: { email, password },
  });
  if (response.statusCode !== 200) {
    throw new Error(`sign-in refused for ${email}: ${response.statusCode} ${response.body}`);
  }
  const cookie = response.cookies.find((c) => c.name === 'preflight_session');
  if (!cookie) {
    throw new Error(`sign-in for ${email} set no session cookie`);
  }
  return sessionOf(
    `preflight_session=${cookie.value}`,
    (response.json() as { csrfToken: string }).csrfToken,
  );
}

/** A session from its cookie header value and CSRF token. */
export function sessionOf(cookie: string, csrf: string): PortalSession {
  return {
    cookie,
    csrf,
    headers: (write = false) => ({ cookie, ...(write ? { 'x-csrf-token': csrf } : {}) }),
  };
}

/** Signs in one persona of a `portalWorld`. */
export function signInAs(app: FastifyInstance, world: PortalWorld, persona: PortalPersona) {
  const user = world.users[persona];
  return signIn(app, user.email, user.password);
}
