import { PreflightError } from './errors.js';

/** Roles a person or API client holds in one organisation. */
export const roles = ['admin', 'agent', 'reader'] as const;
export type Role = (typeof roles)[number];

/** A person who signs in. Roles live on memberships, one per organisation. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly createdAt: string;
}

/** A user's role in one organisation. */
export interface Membership {
  readonly userId: string;
  readonly orgId: string;
  readonly role: Role;
}

/** Narrows a string to a role, or says which roles exist. */
export function parseRole(role: string): Role {
  const found = roles.find((r) => r === role.trim().toLowerCase());
  if (!found) {
    throw new PreflightError(
      'input.invalid',
      `Unknown role "${role}".`,
      { field: 'role' },
      `Use one of: ${roles.join(', ')}.`,
    );
  }
  return found;
}

// Deliberately loose (RFC 5321 is far wider): one @, no spaces, a dot in the domain part.
const emailPattern = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

/** Lower-cases and checks an e-mail address; addresses are unique without regard to case. */
export function normaliseEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  if (trimmed.length > 254 || !emailPattern.test(trimmed)) {
    throw new PreflightError(
      'input.invalid',
      `"${email}" is not an e-mail address.`,
      { field: 'email' },
      'Give an address such as admin@contoso.com.',
    );
  }
  return trimmed;
}

/** An OAuth2 client of one organisation. Its secret is kept only as a slow salted hash. */
export interface ApiClient {
  readonly clientId: string;
  readonly orgId: string;
  readonly roles: readonly Role[];
  readonly createdAt: string;
}
