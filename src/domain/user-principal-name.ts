/**
 * Shape of a user principal name (`name@domain`), used for the "Assigned User" of a
 * device. The reference only validates the domain part, and a wrong UPN can lock the
 * device at first sign-in until it is corrected (API-FACTS §4.1), so we check the shape.
 * @module
 */

/** Microsoft Entra limits: 64 characters before the `@`, 48 after, 113 in total. */
export const UPN_MAX_LENGTH = 113;
const LOCAL_MAX_LENGTH = 64;
const DOMAIN_MAX_LENGTH = 48;

/** Why a value is not a usable UPN. */
export type UserPrincipalNameProblem =
  | { readonly kind: 'too_long'; readonly length: number }
  /** Not `name@domain`: no `@`, several, or an empty side. */
  | { readonly kind: 'shape' }
  /** Spaces, quotes, control characters or other characters a UPN cannot hold. */
  | { readonly kind: 'character'; readonly character: string }
  /** The part after `@` is not a DNS name with at least one dot (`contoso.com`). */
  | { readonly kind: 'domain' };

/** Checks a non-empty, trimmed UPN; null when it looks valid. */
export function checkUserPrincipalName(upn: string): UserPrincipalNameProblem | null {
  const parts = upn.split('@');
  const local = parts[0] ?? '';
  const domain = parts[1] ?? '';
  if (parts.length !== 2 || !local || !domain) {
    return { kind: 'shape' };
  }
  // Entra allows A–Z a–z 0–9 and ' . - _ ! # ^ ~ before the @.
  const bad = /[^A-Za-z0-9'.\-_!#^~]/.exec(local);
  if (bad) {
    return { kind: 'character', character: bad[0] };
  }
  if (
    !/^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$/.test(
      domain,
    )
  ) {
    return { kind: 'domain' };
  }
  if (
    upn.length > UPN_MAX_LENGTH ||
    local.length > LOCAL_MAX_LENGTH ||
    domain.length > DOMAIN_MAX_LENGTH
  ) {
    return { kind: 'too_long', length: upn.length };
  }
  return null;
}
