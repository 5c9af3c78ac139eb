import type { Actor } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import type { Organisation } from '../domain/organisation.js';
import type { Role } from '../domain/user.js';
import { hashSecret, newId, newToken, tokenDigest, verifySecret } from '../platform/secrets.js';
import type { SessionRow } from '../store/session.repo.js';
import type { Repos } from '../store/store.js';
import { recordAudit } from './audit.js';
import type { ServiceDeps } from './deps.js';

/** How long sessions live and how sign-in failures are counted. */
export const sessionPolicy = {
  /** A session ends this long after sign-in, however busy. */
  absoluteMs: 12 * 3600_000,
  /** …or this long after its last request. */
  idleMs: 30 * 60_000,
  /** Last use is written at most this often, so reads do not each cost a write. */
  touchEveryMs: 60_000,
  maxFailures: 5,
  failureWindowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  minPasswordLength: 12,
  /** scrypt takes the whole input; a megabyte "password" would only cost us time. */
  maxPasswordLength: 1024,
} as const;

/** One of the user's organisations and the user's role there. */
export interface MembershipView {
  readonly org: Organisation;
  readonly role: Role;
}

/** A live session and everything a request needs to know about its user. */
export interface SessionState {
  readonly sessionId: string;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly mustChangePassword: boolean;
  };
  readonly operator: boolean;
  /** The organisation the user acts for (null: an operator without memberships). */
  readonly acting: MembershipView | null;
  readonly memberships: readonly MembershipView[];
  readonly csrfToken: string;
  readonly expiresAt: string;
}

/** A new session: the cookie token (shown to the browser only) and its state. */
export interface SignedIn {
  readonly token: string;
  readonly session: SessionState;
}

// Checked against when the address is unknown, so an unknown address costs as much as a
// wrong password and the answer's timing does not tell who has an account.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashSecret(newToken()));

/** Case-folds an address for lookups and the throttle, without judging its shape. */
const foldEmail = (email: string) => email.trim().toLowerCase();

/**
 * Signs a user in with e-mail and password. An unknown address and a wrong password get
 * the same answer after the same work. After `maxFailures` failures within the window the
 * address is locked, whether or not a user has it; a success clears the count.
 */
export async function signIn(
  deps: ServiceDeps,
  input: { email: string; password: string },
): Promise<SignedIn> {
  const email = foldEmail(input.email);
  const now = deps.clock.now();
  const throttle = await deps.store.repos.sessions.throttle(email);
  if (throttle?.locked_until && throttle.locked_until > now.toISOString()) {
    throw lockedError(throttle.locked_until, now);
  }
  const credentials = await deps.store.repos.sessions.credentials({ email });
  const password = input.password.slice(0, sessionPolicy.maxPasswordLength + 1);
  const matches = await verifySecret(password, credentials?.passwordHash ?? (await decoy()));
  if (!credentials || !matches) {
    await countFailure(deps, email, credentials?.userId ?? null, now);
    throw new PreflightError(
      'auth.bad_credentials',
      'The e-mail address or the password is wrong.',
    );
  }
  await deps.store.repos.sessions.clearThrottle(email);
  return startSession(deps, deps.store.repos, credentials.userId, now);
}

function lockedError(lockedUntil: string, now: Date): PreflightError {
  const minutes = Math.max(1, Math.ceil((Date.parse(lockedUntil) - now.getTime()) / 60_000));
  return new PreflightError(
    'auth.locked',
    `Too many failed sign-ins for this address: locked for ${minutes} more minute${minutes === 1 ? '' : 's'}.`,
    { minutesLeft: minutes, lockedUntil },
    `Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then sign in with the right password.`,
  );
}

/** Counts one failure; the one that reaches the limit locks the address and says so. */
async function countFailure(
  deps: ServiceDeps,
  email: string,
  userId: string | null,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const windowStart = new Date(now.getTime() - sessionPolicy.failureWindowMs).toISOString();
  const locked = await deps.store.transaction(async (repos) => {
    const counted = await repos.sessions.countFailure(email, at, windowStart);
    if (counted.failures < sessionPolicy.maxFailures) {
      return undefined;
    }
    const lockedUntil = new Date(now.getTime() + sessionPolicy.lockMs).toISOString();
    await repos.sessions.lock(email, lockedUntil);
    if (userId) {
      // Each organisation of the user sees that someone tried its member's password; the
      // attempts were made in the user's name, so the event is recorded in it.
      for (const membership of await repos.users.memberships(userId)) {
        const asUser: Actor = {
          kind: 'user',
          userId,
          email,
          orgId: membership.orgId,
          role: membership.role,
        };
        await recordAudit(repos, asUser, now, {
          action: 'user.locked',
          subjectType: 'user',
          subjectId: userId,
          actingOrgId: membership.orgId,
          after: { email, failures: counted.failures, lockedUntil },
        });
      }
    }
    return lockedUntil;
  });
  if (locked) {
    throw lockedError(locked, now);
  }
}

/** Creates a session for `userId`, acting for its first organisation. */
export async function startSession(
  deps: ServiceDeps,
  repos: Repos,
  userId: string,
  now: Date,
): Promise<SignedIn> {
  const token = newToken();
  const [first] = await repos.users.memberships(userId);
  const row: SessionRow = {
    id: newId(),
    token_digest: tokenDigest(token),
    user_id: userId,
    org_id: first?.orgId ?? null,
    csrf_token: newToken(),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + sessionPolicy.absoluteMs).toISOString(),
  };
  await repos.sessions.deleteExpired(row.created_at);
  await repos.sessions.insert(row);
  const session = await stateOf(repos, row);
  if (!session) {
    throw new Error(`user ${userId} vanished while signing in`);
  }
  return { token, session };
}

/**
 * The session a cookie token names, if it is still alive (neither past its absolute end
 * nor idle too long). The user, their memberships and operator status are read afresh,
 * so a removed membership or user takes effect on the next request.
 */
export async function resolveSession(
  deps: ServiceDeps,
  token: string,
): Promise<SessionState | undefined> {
  const repos = deps.store.repos;
  const row = await repos.sessions.findByDigest(tokenDigest(token));
  if (!row) {
    return undefined;
  }
  const now = deps.clock.now();
  const idleSince = now.getTime() - Date.parse(row.last_seen_at);
  if (row.expires_at <= now.toISOString() || idleSince >= sessionPolicy.idleMs) {
    await repos.sessions.delete(row.id);
    return undefined;
  }
  if (idleSince >= sessionPolicy.touchEveryMs) {
    await repos.sessions.touch(row.id, now.toISOString());
  }
  return stateOf(repos, row);
}

/** The state of a session by id (after a change through the session's own request). */
export async function sessionState(deps: ServiceDeps, sessionId: string): Promise<SessionState> {
  const row = await deps.store.repos.sessions.findById(sessionId);
  const state = row && (await stateOf(deps.store.repos, row));
  if (!state) {
    throw new PreflightError('auth.no_session', 'The session has ended.');
  }
  return state;
}

async function stateOf(repos: Repos, row: SessionRow): Promise<SessionState | undefined> {
  const credentials = await repos.sessions.credentials({ userId: row.user_id });
  if (!credentials) {
    return undefined;
  }
  const memberships: MembershipView[] = [];
  for (const membership of await repos.users.memberships(row.user_id)) {
    const org = await repos.organisations.findById(membership.orgId);
    if (org) {
      memberships.push({ org, role: membership.role });
    }
  }
  // The acting organisation is the session's; if the user has since left it, the
  // session falls back to one the user still belongs to rather than keep a stale role.
  let acting = memberships.find((m) => m.org.id === row.org_id) ?? null;
  if (!acting && memberships.length > 0) {
    acting = memberships[0]!;
    await repos.sessions.setOrganisation(row.id, acting.org.id);
  }
  return {
    sessionId: row.id,
    user: {
      id: credentials.userId,
      email: credentials.email,
      mustChangePassword: credentials.mustChangePassword,
    },
    operator: await repos.sessions.isOperator(row.user_id),
    acting,
    memberships,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  };
}

/** Ends a session (signing out). */
export async function signOut(deps: ServiceDeps, sessionId: string): Promise<void> {
  await deps.store.repos.sessions.delete(sessionId);
}

/**
 * Makes the session act for another of the user's organisations. An organisation the
 * user does not belong to is "not found", as if it did not exist.
 */
export async function switchOrganisation(
  deps: ServiceDeps,
  session: { sessionId: string; userId: string },
  orgId: string,
): Promise<SessionState> {
  const membership = await deps.store.repos.users.membership(session.userId, orgId);
  if (!membership) {
    throw new PreflightError('org.not_found', `You do not belong to an organisation ${orgId}.`, {
      orgId,
    });
  }
  await deps.store.repos.sessions.setOrganisation(session.sessionId, orgId);
  return sessionState(deps, session.sessionId);
}

/** Checks a new password against the rules; returns it unchanged. */
export function checkNewPassword(password: string, field = 'newPassword'): string {
  if ([...password].length < sessionPolicy.minPasswordLength) {
    throw new PreflightError(
      'input.invalid',
      `The new password must have at least ${sessionPolicy.minPasswordLength} characters.`,
      { field },
      `Choose a password of ${sessionPolicy.minPasswordLength} characters or more; a few unrelated words work well.`,
    );
  }
  if (password.length > sessionPolicy.maxPasswordLength) {
    throw new PreflightError(
      'input.invalid',
      `The new password must have at most ${sessionPolicy.maxPasswordLength} characters.`,
      { field },
    );
  }
  return password;
}

/**
 * Replaces the user's password. The current one is required (a borrowed unlocked browser
 * must not be enough); the new one has at least 12 characters and differs from it. Every
 * other session of the user ends, so a password change locks out whoever else had one.
 */
export async function changePassword(
  deps: ServiceDeps,
  actor: Actor,
  session: { sessionId: string; userId: string },
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const credentials = await deps.store.repos.sessions.credentials({ userId: session.userId });
  if (!credentials) {
    throw new PreflightError('auth.no_session', 'The session has ended.');
  }
  const current = input.currentPassword.slice(0, sessionPolicy.maxPasswordLength + 1);
  if (!(await verifySecret(current, credentials.passwordHash))) {
    throw new PreflightError('auth.wrong_password', 'The current password is wrong.', {
      field: 'currentPassword',
    });
  }
  checkNewPassword(input.newPassword);
  if (input.newPassword === input.currentPassword) {
    throw new PreflightError(
      'input.invalid',
      'The new password must differ from the current one.',
      { field: 'newPassword' },
      'Choose a password you have not used here.',
    );
  }
  const passwordHash = await hashSecret(input.newPassword);
  const now = deps.clock.now();
  await deps.store.transaction(async (repos) => {
    await repos.sessions.setPassword(session.userId, passwordHash, false);
    await repos.sessions.deleteOthers(session.userId, session.sessionId);
    for (const membership of await repos.users.memberships(session.userId)) {
      await recordAudit(repos, actor, now, {
        action: 'user.password_changed',
        subjectType: 'user',
        subjectId: session.userId,
        actingOrgId: membership.orgId,
      });
    }
  });
}
