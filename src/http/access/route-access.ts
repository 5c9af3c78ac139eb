import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyAccessToken, TokenRejected } from '../../auth/access-token.js';
import { rolesFor, type ApiPermission, type AppRole } from '../../auth/app-roles.js';
import type { KeyRing } from '../../auth/key-ring.js';
import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { isRegistrar, type Organisation } from '../../domain/organisation.js';
import { grants, type RelationshipPermission } from '../../domain/relationship.js';
import type { Role } from '../../domain/user.js';
import type { ServiceDeps } from '../../services/deps.js';
import { resolveSession } from '../../services/sessions.js';

/**
 * Who may call a route. Every route declares one; the app refuses to start with a route
 * that does not, and the authorization-matrix test probes every declared route.
 * - `public`: no credentials (health, OpenAPI, token endpoint, signing keys);
 * - `device`: a device at first boot; no token, the hardware hash is its proof, so the
 *   route is rate-limited per source instead;
 * - `client`: a bearer token from our token endpoint;
 * - `session`: a signed-in portal user (session cookie; CSRF token on writes).
 */
export type RouteAccess =
  | { readonly kind: 'public' }
  | PortalAccess
  | { readonly kind: 'device' }
  | {
      readonly kind: 'client';
      readonly permission: ApiPermission;
      /** Partner Center routes are for partners and OEMs; Graph routes for anyone. */
      readonly callers: 'registrar' | 'any';
      /**
       * The customer the route acts on: the token's tenant (Graph), a path parameter
       * (Partner Center `/customers/{customerId}`), or none (the client's own organisation).
       */
      readonly customer: 'token' | { readonly param: string } | 'none';
    };

/**
 * A portal route: a signed-in user (session cookie), acting for one organisation.
 * - `anyone`: any signed-in user (their session, password, an invitation link);
 * - `member`: acting for an organisation of any kind;
 * - `registrar`: acting for a partner or an OEM;
 * - `customer`: acting for a customer;
 * - `operator`: a user who administers the whole service.
 * `roles`, when given, are the membership roles allowed (else any role).
 */
export interface PortalAccess {
  readonly kind: 'session';
  readonly who: 'anyone' | 'member' | 'registrar' | 'customer' | 'operator';
  readonly roles?: readonly Role[];
}

/** The error and header conventions a route speaks. */
export type WireFamily = 'preflight' | 'oauth' | 'graph' | 'partnerCenter';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    wire?: WireFamily;
  }
  interface FastifyRequest {
    principal?: Principal;
    portal?: PortalPrincipal;
  }
}

/** An authenticated API client and the customer its request acts on. */
export interface Principal {
  readonly actor: Extract<Actor, { kind: 'client' }>;
  readonly clientOrg: Organisation;
  /** The tenant the token was issued for. */
  readonly tenantId: string;
  /** The customer this request acts on, or the client's own organisation (`customer: 'none'`). */
  readonly customerId: string;
  readonly roles: readonly AppRole[];
}

/** A signed-in portal user, as the access hook found them for this request. */
export interface PortalPrincipal {
  readonly sessionId: string;
  readonly user: { readonly id: string; readonly email: string };
  readonly operator: boolean;
  /**
   * Who acts: the user for their current organisation (with their role there), or the
   * operator actor for an operator's service-wide routes.
   */
  readonly actor: Actor;
  /** The organisation the user acts for, or null for an operator without one. */
  readonly org: Organisation | null;
  readonly role: Role | null;
  readonly csrfToken: string;
}

/** The portal principal of a `session` route; the access hook guarantees it is there. */
export function portalOf(request: FastifyRequest): PortalPrincipal {
  if (!request.portal) {
    throw new Error(`route ${request.routeOptions.url} has no signed-in user`);
  }
  return request.portal;
}

/** The principal of a `client` route; the access hook guarantees it is there. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw new Error(`route ${request.routeOptions.url} has no authenticated principal`);
  }
  return request.principal;
}

/**
 * The `onRequest` hook that enforces each route's `RouteAccess` before its body is even
 * read: token signature and lifetime, the client still existing with a strong enough
 * role, the token's roles, the tenant, and — when a partner or OEM acts for a customer —
 * an active relationship granting the permission, checked on every request.
 */
export function accessHook(deps: ServiceDeps, ring: KeyRing) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const access = request.routeOptions.config.access;
    if (!access) {
      // A request that matched no route (404 handler) has no access rule.
      return;
    }
    if (access.kind === 'session') {
      request.portal = await portalPrincipal(deps, request, reply, access);
      return;
    }
    if (access.kind !== 'client') {
      return;
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      void reply.header('www-authenticate', 'Bearer');
      throw new PreflightError('auth.missing_token', 'This route needs a bearer token.');
    }
    let claims;
    try {
      claims = await verifyAccessToken(ring, deps.settings.publicUrl, match[1]!, deps.clock.now());
    } catch (error) {
      if (!(error instanceof TokenRejected)) {
        throw error;
      }
      void reply.header(
        'www-authenticate',
        `Bearer error="invalid_token", error_description="${error.message}"`,
      );
      throw new PreflightError('auth.invalid_token', error.message);
    }
    const client = await deps.store.repos.users.findClient(claims.appid);
    const clientOrg = client && (await deps.store.repos.organisations.findById(client.orgId));
    if (!client || !clientOrg || client.orgId !== claims.client_org) {
      throw new PreflightError('auth.invalid_token', 'The client of this token no longer exists.');
    }
    const needed = rolesFor(access.permission);
    const writer = client.roles.some((r) => r === 'admin' || r === 'agent');
    if (
      !claims.roles.some((r) => needed.includes(r)) ||
      (access.permission === 'write' && !writer)
    ) {
      throw new PreflightError(
        'auth.insufficient_scope',
        access.permission === 'write'
          ? 'This route changes data; the token or the client only allows reading.'
          : 'The token does not allow reading device management data.',
      );
    }
    if (access.callers === 'registrar' && !isRegistrar(clientOrg.kind)) {
      throw new PreflightError(
        'access.denied',
        'This API is for partners and OEMs; customers use the Graph-style API under /beta or /v1.0.',
      );
    }

    let customerId: string;
    if (access.customer === 'none') {
      if (claims.tid !== clientOrg.id) {
        throw new PreflightError(
          'auth.wrong_tenant',
          'This route acts on your own organisation; use a token for your own tenant.',
        );
      }
      customerId = clientOrg.id;
    } else if (access.customer === 'token') {
      if (claims.tid === clientOrg.id && isRegistrar(clientOrg.kind)) {
        throw new PreflightError(
          'auth.wrong_tenant',
          "This route acts on one customer tenant; ask the token endpoint for a token for that customer's tenant.",
        );
      }
      customerId = claims.tid;
    } else {
      const value = (request.params as Record<string, string | undefined>)[access.customer.param];
      // Tenant ids are GUIDs, which clients may send in upper case.
      customerId = /^[0-9a-f-]{36}$/i.test(value ?? '') ? value!.toLowerCase() : (value ?? '');
      if (claims.tid !== clientOrg.id && customerId !== claims.tid) {
        throw new PreflightError(
          'auth.wrong_tenant',
          `This token acts on tenant ${claims.tid}, not on ${customerId}.`,
        );
      }
    }
    if (customerId !== clientOrg.id) {
      const relationship = isRegistrar(clientOrg.kind)
        ? await deps.store.repos.relationships.findActive(clientOrg.id, customerId)
        : undefined;
      // Writing needs register_devices. Reading needs either permission: a partner that may
      // only register still reads the status of what it submitted; the services narrow
      // further (listing a customer's devices needs read_devices).
      const accepted: RelationshipPermission[] =
        access.permission === 'write' ? ['register_devices'] : ['read_devices', 'register_devices'];
      const now = deps.clock.now();
      if (!relationship || !accepted.some((p) => grants(relationship, p, now))) {
        throw new PreflightError(
          'consent.missing',
          relationship
            ? `The relationship with customer ${customerId} does not grant ${accepted.join(' or ')}.`
            : `There is no active relationship between your organisation and customer ${customerId}.`,
          { customer: customerId, permission: accepted[0] },
        );
      }
    }
    request.principal = {
      actor: {
        kind: 'client',
        clientId: client.clientId,
        orgId: client.orgId,
        roles: client.roles,
      },
      clientOrg,
      tenantId: claims.tid,
      customerId,
      roles: claims.roles,
    };
  };
}

/** The portal's session cookie. */
export const sessionCookie = 'preflight_session';

/** The portal routes a user who must still replace a one-time password may use. */
const beforePasswordChange = new Set([
  'GET /portal/api/session',
  'POST /portal/api/password',
  'POST /portal/api/sign-out',
]);

const safeMethods = new Set(['GET', 'HEAD']);

/**
 * The signed-in user of a `session` route: a live session from the cookie, the CSRF token
 * on every change, a replaced one-time password, then the route's `who` and `roles`
 * against the user's membership as it is now (not as it was at sign-in).
 */
async function portalPrincipal(
  deps: ServiceDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  access: PortalAccess,
): Promise<PortalPrincipal> {
  const token = request.cookies[sessionCookie];
  const session = token ? await resolveSession(deps, token) : undefined;
  if (!session) {
    if (token) {
      // A dead cookie is of no further use; the browser may as well forget it.
      void reply.clearCookie(sessionCookie, { path: '/' });
    }
    throw new PreflightError(
      'auth.no_session',
      token ? 'Your session has ended.' : 'Sign in first.',
    );
  }
  if (
    !safeMethods.has(request.method) &&
    !sameSecret(request.headers['x-csrf-token'], session.csrfToken)
  ) {
    throw new PreflightError(
      'auth.csrf',
      "This change does not carry the session's CSRF token (header x-csrf-token).",
    );
  }
  if (
    session.user.mustChangePassword &&
    !beforePasswordChange.has(`${request.method} ${request.routeOptions.url}`)
  ) {
    throw new PreflightError(
      'auth.password_change_required',
      'You signed in with a one-time password; choose your own password first.',
    );
  }
  const acting = session.acting;
  const allowed = (() => {
    switch (access.who) {
      case 'anyone':
        return true;
      case 'operator':
        return session.operator;
      case 'member':
        return acting !== null;
      case 'registrar':
        return acting !== null && isRegistrar(acting.org.kind);
      case 'customer':
        return acting !== null && acting.org.kind === 'customer';
    }
  })();
  const roleAllowed =
    access.who === 'operator' ||
    access.who === 'anyone' ||
    !access.roles ||
    (acting !== null && access.roles.includes(acting.role));
  if (!allowed || !roleAllowed) {
    throw new PreflightError('access.denied', deniedMessage(access, acting, allowed));
  }
  const actor: Actor =
    access.who === 'operator' || (acting === null && session.operator)
      ? { kind: 'operator', email: session.user.email }
      : {
          kind: 'user',
          userId: session.user.id,
          email: session.user.email,
          // A user left without any organisation acts for none: no policy rule matches ''.
          orgId: acting?.org.id ?? '',
          role: acting?.role ?? 'reader',
        };
  return {
    sessionId: session.sessionId,
    user: { id: session.user.id, email: session.user.email },
    operator: session.operator,
    actor,
    org: acting?.org ?? null,
    role: acting?.role ?? null,
    csrfToken: session.csrfToken,
  };
}

function deniedMessage(
  access: PortalAccess,
  acting: { role: Role } | null,
  kindAllowed: boolean,
): string {
  if (kindAllowed && acting) {
    return `Your role (${acting.role}) does not allow this; it needs ${access.roles?.join(' or ') ?? 'another role'}.`;
  }
  switch (access.who) {
    case 'operator':
      return 'This page is for the operators of the service.';
    case 'registrar':
      return 'This page is for partners and OEMs; switch to such an organisation if you belong to one.';
    case 'customer':
      return 'This page is for customers; switch to a customer organisation if you belong to one.';
    case 'member':
    case 'anyone':
      return 'You act for no organisation; ask an administrator to add you to one.';
  }
}

/** Compares a supplied secret with the expected one in time independent of where they differ. */
function sameSecret(supplied: string | string[] | undefined, expected: string): boolean {
  if (typeof supplied !== 'string') {
    return false;
  }
  const a = Buffer.from(supplied);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses a browser request sent by another site (login CSRF: a page elsewhere signing the
 * victim in to the attacker's account). Browsers send `Origin` with every POST; it must be
 * this server's own origin or that of the public URL. Requests without it (scripts, curl)
 * are not a browser acting on someone's behalf.
 */
export function refuseCrossSite(request: FastifyRequest, publicUrl: string): void {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  const own = new Set([originOf(publicUrl), originOf(`${request.protocol}://${request.host}`)]);
  if (site === 'cross-site' || (typeof origin === 'string' && !own.has(originOf(origin)))) {
    throw new PreflightError(
      'auth.cross_origin',
      `Refused a sign-in sent from another site (${typeof origin === 'string' ? origin : 'cross-site'}).`,
    );
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return `invalid:${url}`;
  }
}
