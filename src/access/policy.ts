import type { Actor } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import type { Relationship } from '../domain/relationship.js';
import type { Role } from '../domain/user.js';

/** The actions the policy table knows, each with the kind of subject it applies to. */
export interface Subjects {
  'organisation.create': null;
  'relationship.invite': { readonly registrarOrgId: string };
  'relationship.read': Relationship;
  'relationship.accept': Relationship;
  'relationship.revoke': Relationship;
  'audit.read': { readonly orgId: string };
}
export type Action = keyof Subjects;

type Rule<A extends Action> = (actor: Actor, subject: Subjects[A]) => boolean;

// Small predicates the rules are built from.
const isOperator = (actor: Actor): boolean => actor.kind === 'operator';
const actsFor = (actor: Actor, orgId: string): boolean =>
  actor.kind !== 'operator' && actor.orgId === orgId;
const hasRole = (actor: Actor, ...wanted: Role[]): boolean =>
  actor.kind === 'user'
    ? wanted.includes(actor.role)
    : actor.kind === 'client' && actor.roles.some((r) => wanted.includes(r));
const isPerson = (actor: Actor): boolean => actor.kind === 'user';

/**
 * The policy table. Anything not allowed here is denied. Consent (accepting and revoking)
 * is a person's act, so API clients are never allowed to do it.
 */
const policy: { readonly [A in Action]: readonly Rule<A>[] } = {
  'organisation.create': [(actor) => isOperator(actor)],
  'relationship.invite': [
    (actor) => isOperator(actor),
    (actor, s) => actsFor(actor, s.registrarOrgId) && hasRole(actor, 'admin'),
  ],
  'relationship.read': [
    (actor) => isOperator(actor),
    (actor, rel) => actsFor(actor, rel.customerOrgId) || actsFor(actor, rel.registrarOrgId),
  ],
  'relationship.accept': [
    (actor, rel) => isPerson(actor) && actsFor(actor, rel.customerOrgId) && hasRole(actor, 'admin'),
  ],
  'relationship.revoke': [
    (actor, rel) =>
      isPerson(actor) &&
      (actsFor(actor, rel.customerOrgId) || actsFor(actor, rel.registrarOrgId)) &&
      hasRole(actor, 'admin'),
  ],
  'audit.read': [
    (actor) => isOperator(actor),
    (actor, s) => actsFor(actor, s.orgId) && hasRole(actor, 'admin', 'agent', 'reader'),
  ],
};

/** True when some rule allows `actor` to perform `action` on `subject`. */
export function can<A extends Action>(actor: Actor, action: A, subject: Subjects[A]): boolean {
  return policy[action].some((rule) => rule(actor, subject));
}

/**
 * Throws `access.denied` unless `actor` may perform `action` on `subject`. Callers first
 * check that the actor may read the subject and answer "not found" otherwise, so a
 * denial never reveals that another tenant's object exists.
 */
export function authorize<A extends Action>(actor: Actor, action: A, subject: Subjects[A]): void {
  if (!can(actor, action, subject)) {
    throw new PreflightError('access.denied', `Not allowed: ${action.replace('.', ' ')}.`, {
      action,
    });
  }
}

/** The actions on a subject that an actor may perform, for the portal's buttons. */
export function abilities<A extends Action>(
  actor: Actor,
  subject: Subjects[A],
  actions: readonly A[],
): Record<A, boolean> {
  return Object.fromEntries(actions.map((a) => [a, can(actor, a, subject)])) as Record<A, boolean>;
}
