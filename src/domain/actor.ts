import type { Role } from './user.js';

/**
 * Who performs a use case. Every use case takes the actor first; there is no ambient
 * "current user". The operator is whoever runs the CLI against the database directly, or
 * an operator signed in to the portal (then named by e-mail, so the audit log says who).
 */
export type Actor =
  | { readonly kind: 'operator'; readonly email?: string }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly email: string;
      /** The organisation the user acts for, and the user's role there. */
      readonly orgId: string;
      readonly role: Role;
    }
  | {
      readonly kind: 'client';
      readonly clientId: string;
      readonly orgId: string;
      readonly roles: readonly Role[];
    };

/** The operator actor (CLI with direct database access). */
export const operator: Actor = Object.freeze({ kind: 'operator' });

/**
 * A short, stable label for audit records and logs: `operator` (CLI), `operator:a@b.c`
 * (portal), `user:a@b.c`, `client:<id>`.
 */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'operator':
      return actor.email ? `operator:${actor.email}` : 'operator';
    case 'user':
      return `user:${actor.email}`;
    case 'client':
      return `client:${actor.clientId}`;
  }
}

/** The organisation an actor acts for, or null for the operator. */
export function actingOrg(actor: Actor): string | null {
  return actor.kind === 'operator' ? null : actor.orgId;
}
