import { allowedRoles, parseScope, type AppRole } from '../auth/app-roles.js';
import { signAccessToken } from '../auth/access-token.js';
import type { KeyRing } from '../auth/key-ring.js';
import { PreflightError } from '../domain/errors.js';
import { isRegistrar } from '../domain/organisation.js';
import { effectiveStatus } from '../domain/relationship.js';
import { verifySecret } from '../platform/secrets.js';
import type { ServiceDeps } from './deps.js';

/** A client-credentials token request, as the token endpoint receives it. */
export interface TokenRequest {
  /** The tenant in the path: an organisation id or domain, `common`, `organizations`, or absent. */
  readonly tenant?: string | undefined;
  readonly grantType?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  readonly scope?: string | undefined;
}

/** The token response, in OAuth2's field names. */
export interface IssuedToken {
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly ext_expires_in: number;
  readonly access_token: string;
  /** Not OAuth2: the tenant the token acts on and the roles it holds, for people debugging. */
  readonly tenant_id: string;
  readonly roles: readonly AppRole[];
}

const selfTenants = new Set(['common', 'organizations']);

/**
 * OAuth2 client credentials, the way Entra ID issues application tokens. A client gets a
 * token for its own organisation, or — for a partner or OEM — for a customer tenant that
 * has an active relationship with it; the token's roles are what the client's roles and
 * (for a customer) the consent both allow, narrowed to what the scope asks for. The
 * consent is checked again on every request, so revoking it takes effect at once.
 */
export async function issueClientToken(
  deps: ServiceDeps,
  ring: KeyRing,
  request: TokenRequest,
  options: { lifetimeSeconds: number },
): Promise<IssuedToken> {
  if (request.grantType !== 'client_credentials') {
    throw new PreflightError(
      'auth.invalid_request',
      request.grantType
        ? `The grant type "${request.grantType}" is not supported; only client_credentials is.`
        : 'The request has no grant_type.',
      { field: 'grant_type' },
    );
  }
  for (const [field, value] of [
    ['client_id', request.clientId],
    ['client_secret', request.clientSecret],
    ['scope', request.scope],
  ] as const) {
    if (!value) {
      throw new PreflightError('auth.invalid_request', `The request has no ${field}.`, { field });
    }
  }
  const client = await deps.store.repos.users.findClient(request.clientId!.trim());
  // The same answer whether the id is unknown or the secret wrong.
  if (!client || !(await verifySecret(request.clientSecret!, client.secretHash))) {
    throw new PreflightError('auth.invalid_client', 'The client id or secret is wrong.');
  }
  const scope = parseScope(request.scope!, deps.settings.publicUrl);
  if (typeof scope === 'string') {
    throw new PreflightError('auth.invalid_scope', scope, { field: 'scope' });
  }

  const tenantRef = request.tenant?.trim();
  let tenantId = client.orgId;
  let consent = null;
  if (tenantRef && !selfTenants.has(tenantRef.toLowerCase())) {
    // Ids and domains only: a display name is no tenant reference. The empty name key
    // matches no organisation (names are never empty); a NUL would, but PostgreSQL
    // refuses NUL in text parameters (invalid byte sequence, a 500 on every such token).
    const tenant = await deps.store.repos.organisations.findByRef(tenantRef, '');
    if (tenant?.id !== client.orgId) {
      const own = await deps.store.repos.organisations.findById(client.orgId);
      const relationship =
        tenant && own && isRegistrar(own.kind)
          ? await deps.store.repos.relationships.findActive(own.id, tenant.id)
          : undefined;
      const now = deps.clock.now();
      if (!tenant || !relationship || effectiveStatus(relationship, now) !== 'active') {
        // Unknown tenant and unconsented tenant read alike, so ids cannot be probed.
        throw new PreflightError(
          'auth.unauthorized_client',
          `Tenant "${tenantRef}" is not yours and has no active relationship with your organisation.`,
          { tenant: tenantRef },
        );
      }
      tenantId = tenant.id;
      consent = relationship.permissions;
    }
  }

  const allowed = allowedRoles(client.roles, consent);
  const roles = scope.roles === null ? allowed : scope.roles.filter((r) => allowed.includes(r));
  if (roles.length === 0 || (scope.roles !== null && roles.length < scope.roles.length)) {
    throw new PreflightError(
      'auth.invalid_scope',
      `The scope asks for more than this client may do for this tenant (allowed: ${allowed.join(', ') || 'nothing'}).`,
      { field: 'scope', allowed },
    );
  }
  const accessToken = await signAccessToken(
    ring,
    deps.settings.publicUrl,
    { tid: tenantId, appid: client.clientId, client_org: client.orgId, roles, aud: scope.audience },
    { now: deps.clock.now(), lifetimeSeconds: options.lifetimeSeconds },
  );
  return {
    token_type: 'Bearer',
    expires_in: options.lifetimeSeconds,
    ext_expires_in: options.lifetimeSeconds,
    access_token: accessToken,
    tenant_id: tenantId,
    roles,
  };
}
