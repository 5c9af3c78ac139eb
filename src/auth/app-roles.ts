/**
 * What an access token allows, in the reference's vocabulary: Graph's application
 * permissions for Autopilot. A token carries them in its `roles` claim, as Entra ID puts
 * application permissions there. Pure: no I/O.
 * @module
 */
import type { RelationshipPermission } from '../domain/relationship.js';
import type { Role } from '../domain/user.js';

export const readRole = 'DeviceManagementServiceConfig.Read.All';
export const writeRole = 'DeviceManagementServiceConfig.ReadWrite.All';
export type AppRole = typeof readRole | typeof writeRole;

/** What a route needs: reading, or changing. */
export type ApiPermission = 'read' | 'write';

/** The app roles that satisfy `permission`: writing implies reading. */
export function rolesFor(permission: ApiPermission): readonly AppRole[] {
  return permission === 'read' ? [readRole, writeRole] : [writeRole];
}

/** The resources whose `.default` scope we accept (the base URL must match exactly). */
export const knownResources = [
  'https://graph.microsoft.com',
  'https://api.partnercenter.microsoft.com',
] as const;

/** What a token request asked for, after parsing `scope`. */
export interface ScopeRequest {
  /** The `aud` of the token: the resource named by the scope. */
  readonly audience: string;
  /** Null for `.default` (everything the client may do); else the roles named. */
  readonly roles: readonly AppRole[] | null;
}

/**
 * Parses an OAuth2 `scope` for the client-credentials grant: `<resource>/.default`, as
 * Entra ID requires, or (our extension) the permission names themselves, space-separated,
 * optionally prefixed by a resource. `ownResource` is our own public URL. Returns an
 * explanation instead when the scope cannot be honoured.
 */
export function parseScope(scope: string, ownResource: string): ScopeRequest | string {
  const parts = scope.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) {
    return 'The scope is empty; ask for "https://graph.microsoft.com/.default".';
  }
  const resources = [...knownResources, ownResource.replace(/\/+$/, '')];
  let audience: string | undefined;
  const roles: AppRole[] = [];
  let wantsDefault = false;
  for (const part of parts) {
    const slash = part.lastIndexOf('/');
    const resource = slash > 0 ? part.slice(0, slash) : undefined;
    const name = slash > 0 ? part.slice(slash + 1) : part;
    if (resource !== undefined) {
      if (!resources.includes(resource)) {
        return `The scope names an unknown resource "${resource}"; use one of ${resources.join(', ')}.`;
      }
      if (audience !== undefined && audience !== resource) {
        return 'A token is for one resource; the scope names two.';
      }
      audience = resource;
    }
    if (name === '.default') {
      wantsDefault = true;
    } else if (name === readRole || name === writeRole) {
      roles.push(name);
    } else {
      return `The scope asks for "${name}", which is not a permission here; use ".default", ${readRole} or ${writeRole}.`;
    }
  }
  if (wantsDefault && roles.length > 0) {
    return '".default" cannot be combined with named permissions.';
  }
  return {
    audience: audience ?? knownResources[0],
    roles: wantsDefault ? null : [...new Set(roles)],
  };
}

/**
 * The roles a client may hold for a tenant: what its own roles allow (readers read;
 * admins and agents also write) narrowed, when it acts for a customer, by what the
 * customer's consent grants (`register_devices` allows writing, `read_devices` reading).
 * `consent` is null when the client acts on its own organisation.
 */
export function allowedRoles(
  clientRoles: readonly Role[],
  consent: readonly RelationshipPermission[] | null,
): AppRole[] {
  const byClient = new Set<AppRole>([readRole]);
  if (clientRoles.some((r) => r === 'admin' || r === 'agent')) {
    byClient.add(writeRole);
  }
  if (consent === null) {
    return [...byClient];
  }
  const byConsent = new Set<AppRole>();
  if (consent.includes('read_devices')) {
    byConsent.add(readRole);
  }
  if (consent.includes('register_devices')) {
    byConsent.add(writeRole);
  }
  return [...byClient].filter((r) => byConsent.has(r));
}
