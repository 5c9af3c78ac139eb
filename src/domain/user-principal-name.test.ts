import { describe, expect, it } from 'vitest';
import { checkUserPrincipalName } from './user-principal-name.js';

describe(checkUserPrincipalName.name, () => {
  it('accepts name@domain', () => {
    for (const upn of ['ada@contoso.com', "o'neil.j_x@sub.contoso.onmicrosoft.com", 'a@b.io']) {
      expect(checkUserPrincipalName(upn)).toBeNull();
    }
  });

  it.each([
    ['ada', 'shape'],
    ['@contoso.com', 'shape'],
    ['ada@', 'shape'],
    ['a@b@c.com', 'shape'],
    ['ada lovelace@contoso.com', 'character'],
    ['<optionalAssignedUser>@x.com', 'character'],
    ['ada@contoso', 'domain'],
    ['ada@-contoso.com', 'domain'],
    [`${'a'.repeat(65)}@contoso.com`, 'too_long'],
  ])('refuses %j (%s)', (upn, kind) => {
    expect(checkUserPrincipalName(upn)?.kind).toBe(kind);
  });
});
