import type { Actor } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import { normaliseEmail, type User } from '../domain/user.js';
import { hashSecret, newId, newPassword, newToken, tokenDigest } from '../platform/secrets.js';
import type { Repos } from '../store/store.js';
import { recordAudit } from './audit.js';
import type { ServiceDeps } from './deps.js';
import { checkNewPassword, startSession, type SignedIn } from './sessions.js';

/** Whether the service still lacks its first operator (the setup page is then open). */
export async function setupNeeded(deps: ServiceDeps): Promise<boolean> {
  return !(await deps.store.repos.sessions.anyOperator());
}

/**
 * A fresh first-run link, `<publicUrl>/portal/setup#token=…`, while no operator exists
 * (else undefined). Each call replaces the previous token, so only the link printed by the
 * latest start works. The token travels in the fragment, which browsers never send to a
 * server, so it stays out of access logs and Referer headers.
 */
export async function issueSetupLink(deps: ServiceDeps): Promise<string | undefined> {
  if (!(await setupNeeded(deps))) {
    return undefined;
  }
  const token = newToken();
  await deps.store.repos.sessions.replaceSetupToken(
    tokenDigest(token),
    deps.clock.now().toISOString(),
  );
  return `${deps.settings.publicUrl.replace(/\/+$/, '')}/portal/setup#token=${token}`;
}

/**
 * Creates the first operator with the one-time link's token and signs them in. Refused
 * once an operator exists, and for any token but the latest one.
 */
export async function completeSetup(
  deps: ServiceDeps,
  input: { token: string; email: string; password: string },
): Promise<SignedIn> {
  const email = normaliseEmail(input.email);
  checkNewPassword(input.password, 'password');
  const passwordHash = await hashSecret(input.password);
  const now = deps.clock.now();
  return deps.store.transaction(async (repos) => {
    if (await repos.sessions.anyOperator()) {
      throw new PreflightError('setup.done', 'The first operator has been created already.');
    }
    // Deleting the token is the claim: of two racing requests only one deletes it.
    if (!(await repos.sessions.consumeSetupToken(tokenDigest(input.token)))) {
      throw new PreflightError('setup.invalid_token', 'This setup link is not valid (any more).');
    }
    const user = await insertOperator(repos, { kind: 'operator', email }, email, passwordHash, now);
    await repos.sessions.setPassword(user.id, passwordHash, false);
    return startSession(deps, repos, user.id, now);
  });
}

/**
 * Creates an operator with a one-time password, to be changed at first sign-in (the CLI's
 * `preflight operator create`, for automated installs). Only an operator may.
 */
export async function createOperatorUser(
  deps: ServiceDeps,
  actor: Actor,
  input: { email: string },
): Promise<{ user: User; oneTimePassword: string }> {
  if (actor.kind !== 'operator') {
    throw new PreflightError('access.denied', 'Only an operator may create operators.');
  }
  const email = normaliseEmail(input.email);
  const oneTimePassword = newPassword();
  const passwordHash = await hashSecret(oneTimePassword);
  const now = deps.clock.now();
  const user = await deps.store.transaction(async (repos) => {
    const created = await insertOperator(repos, actor, email, passwordHash, now);
    // The first-run link is for a service without operators; it has one now.
    await repos.sessions.clearSetupTokens();
    return created;
  });
  return { user, oneTimePassword };
}

async function insertOperator(
  repos: Repos,
  actor: Actor,
  email: string,
  passwordHash: string,
  now: Date,
): Promise<User> {
  const user: User = { id: newId(), email, createdAt: now.toISOString() };
  await repos.users.insertUser(user, passwordHash);
  await repos.sessions.addOperator(user.id, user.createdAt);
  await recordAudit(repos, actor, now, {
    action: 'operator.created',
    subjectType: 'user',
    subjectId: user.id,
    actingOrgId: null,
    after: user,
  });
  return user;
}
