import { authorize } from '../access/policy.js';
import type { Actor } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import { normaliseEmail, parseRole, type ApiClient, type Role, type User } from '../domain/user.js';
import { hashSecret, newId, newPassword, newToken } from '../platform/secrets.js';
import { recordAudit } from './audit.js';
import type { ServiceDeps } from './deps.js';
import { resolveOrganisation } from './organisations.js';

/**
 * Creates a user with a role in one organisation and returns a one-time password. Only a
 * slow salted hash of the password is stored; it is shown this once.
 */
export async function createUser(
  deps: ServiceDeps,
  actor: Actor,
  input: { org: string; email: string; role: string },
): Promise<{ user: User; orgId: string; role: Role; oneTimePassword: string }> {
  authorize(actor, 'organisation.create', null);
  const email = normaliseEmail(input.email);
  const role = parseRole(input.role);
  const org = await resolveOrganisation(deps, input.org);
  const oneTimePassword = newPassword();
  const passwordHash = await hashSecret(oneTimePassword);
  const now = deps.clock.now();
  const user: User = { id: newId(), email, createdAt: now.toISOString() };
  await deps.store.transaction(async (repos) => {
    await repos.users.insertUser(user, passwordHash);
    await repos.users.addMembership({ userId: user.id, orgId: org.id, role }, user.createdAt);
    await recordAudit(repos, actor, now, {
      action: 'user.created',
      subjectType: 'user',
      subjectId: user.id,
      actingOrgId: org.id,
      after: { ...user, orgId: org.id, role },
    });
  });
  return { user, orgId: org.id, role, oneTimePassword };
}

/**
 * Creates an OAuth2 client for an organisation and returns its secret once. The client id
 * is a UUID (as Entra ID issues them); the secret is 256 random bits, stored as a hash.
 */
export async function createApiClient(
  deps: ServiceDeps,
  actor: Actor,
  input: { org: string; roles?: readonly string[] },
): Promise<{ client: ApiClient; secret: string }> {
  authorize(actor, 'organisation.create', null);
  const roles = [...new Set((input.roles?.length ? input.roles : ['agent']).map(parseRole))];
  const org = await resolveOrganisation(deps, input.org);
  const secret = newToken();
  const secretHash = await hashSecret(secret);
  const now = deps.clock.now();
  const client: ApiClient = {
    clientId: newId(),
    orgId: org.id,
    roles,
    createdAt: now.toISOString(),
  };
  await deps.store.transaction(async (repos) => {
    await repos.users.insertClient(client, secretHash);
    await recordAudit(repos, actor, now, {
      action: 'client.created',
      subjectType: 'client',
      subjectId: client.clientId,
      actingOrgId: org.id,
      after: client,
    });
  });
  return { client, secret };
}

/**
 * The actor for a user acting for the first of `orgIds` the user belongs to. Refuses a
 * user who belongs to none of them.
 */
export async function actorForUser(
  deps: ServiceDeps,
  userRef: string,
  orgIds: readonly string[],
): Promise<Actor> {
  const user = await deps.store.repos.users.findByRef(userRef);
  if (!user) {
    throw new PreflightError('user.not_found', `No user matches "${userRef}".`, { ref: userRef });
  }
  for (const orgId of orgIds) {
    const membership = await deps.store.repos.users.membership(user.id, orgId);
    if (membership) {
      return { kind: 'user', userId: user.id, email: user.email, orgId, role: membership.role };
    }
  }
  throw new PreflightError(
    'user.not_member',
    `${user.email} does not belong to the organisation concerned.`,
    {
      user: user.email,
    },
  );
}
